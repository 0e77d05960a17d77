/**
 * The paper's evaluations in Chromium against `audiosae serve`: one app session (the labelled
 * tone/noise/chirp dataset, its layer-1 run and an analysed SAE; tests/e2e/paper-evals/context.ts),
 * then one evaluation of each kind started from its form, its result and charts found, and a
 * screenshot per kind (test-results/e2e/paper-evals-<kind>.png). Each kind's steps live in
 * tests/e2e/paper-evals/<kind>-e2e.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { unexpectedConsoleErrors } from '../helpers/app-session.js';
import { openPaperEvalsSession, type OpenedPaperEvalsSession } from './paper-evals/context.js';
import { runDomainsE2e } from './paper-evals/domains-e2e.js';
import { runEegE2e } from './paper-evals/eeg-e2e.js';
import { runPhonemesE2e } from './paper-evals/phonemes-e2e.js';
import { runProbingE2e } from './paper-evals/probing-e2e.js';
import { runStabilityE2e } from './paper-evals/stability-e2e.js';

describe('paper evaluations page in Chromium against audiosae serve', () => {
  let opened: OpenedPaperEvalsSession | undefined;

  before(async () => {
    opened = await openPaperEvalsSession();
  });

  after(async () => {
    await opened?.close();
  });

  const kinds: [string, (ctx: OpenedPaperEvalsSession['context']) => Promise<void>][] = [
    ['stability', runStabilityE2e],
    ['probing', runProbingE2e],
    ['phonemes', runPhonemesE2e],
    ['domains', runDomainsE2e],
    ['eeg', runEegE2e],
  ];
  for (const [kind, run] of kinds) {
    test(`${kind}: start from the form, see the result and its charts`, async () => {
      if (!opened) throw new Error('The app session is not open (its before() hook failed).');
      await run(opened.context);
    });
  }

  test('no unexpected console errors', () => {
    if (!opened) throw new Error('The app session is not open.');
    assert.deepEqual(unexpectedConsoleErrors(opened.context.session.consoleErrors), []);
  });
});
