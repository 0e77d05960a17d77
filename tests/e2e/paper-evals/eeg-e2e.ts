/**
 * EEG correlation in the app: an EDF recording and an onsets CSV written for the prepared dataset's
 * clips (played back to back; Pz carries a response to the tone clips 200 ms after them), the EEG
 * tab's form filled with the typed paths, the job, the lag and per-layer charts; screenshot
 * paper-evals-eeg.png.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '../../../native-models/common/seeded-random.js';
import { E2E_OUTPUT_DIR } from '../../helpers/app-session.js';
import { writeEdf } from '../../helpers/edf-writer.js';
import { waitForInk } from '../../helpers/page-probes.js';
import type { PaperEvalsE2eContext } from './context.js';

const RATE = 128;

async function writeRecording(ctx: PaperEvalsE2eContext): Promise<{ eegPath: string; onsetsPath: string }> {
  const clips = (await ctx.client.call('clips.list', { datasetId: ctx.prepared.datasetId, limit: 100 })).clips;
  const tone = new Set(ctx.prepared.clips.tone);
  const rows: string[] = [];
  const spans: { start: number; end: number; tone: boolean }[] = [];
  let t = 1;
  for (const c of clips) {
    rows.push(`${c.relativePath},${t}`);
    spans.push({ start: t, end: t + c.durationSec, tone: tone.has(c.id) });
    t += c.durationSec + 0.5;
  }
  const random = new SeededRandom(21);
  const pz = Array.from({ length: Math.ceil((t + 1) * RATE) }, (_, s) => {
    const time = s / RATE - 0.2;
    return (spans.some((p) => p.tone && time >= p.start && time < p.end) ? 30 : 0) + 5 * random.normal();
  });
  const eegPath = join(ctx.workDir, 'e2e-eeg.edf');
  const onsetsPath = join(ctx.workDir, 'e2e-onsets.csv');
  writeEdf(eegPath, { format: 'edf', rateHz: RATE, signals: [{ label: 'Fz', samples: pz.map((v) => v / 2), physicalMin: -200, physicalMax: 200 }, { label: 'Pz', samples: pz, physicalMin: -200, physicalMax: 200 }] });
  writeFileSync(onsetsPath, `clip,onset_sec\n${rows.join('\n')}\n`);
  return { eegPath, onsetsPath };
}

export async function runEegE2e(ctx: PaperEvalsE2eContext): Promise<void> {
  const { page } = ctx.session;
  const { eegPath, onsetsPath } = await writeRecording(ctx);
  await page.getByTestId('paper-eval-tab-eeg').click();
  await page.getByTestId('eeg-run').selectOption(String(ctx.prepared.runId));
  await page.getByTestId('eeg-saes').selectOption([String(ctx.prepared.saeId)]);
  await page.getByTestId('eeg-path').fill(eegPath);
  await page.getByTestId('eeg-onsets').fill(onsetsPath);
  await page.getByTestId('eeg-permutations').fill('200');
  await page.getByTestId('eeg-start').click();

  const result = page.locator('[data-testid=paper-eval-result][data-kind=eeg]');
  const refused = page.locator('[data-testid=paper-evals] [data-testid=error-banner]');
  await Promise.race([result.waitFor({ timeout: 120_000 }), refused.waitFor({ timeout: 120_000 }).then(async () => assert.fail(`refused: ${await refused.innerText()}`))]);
  await result.locator('.summary').waitFor({ timeout: 60_000 });
  const summary = await result.locator('.summary').innerText();
  assert.match(summary, /18 stimuli, [\d.]+ s of Pz at 128 Hz; \d+ features x 51 lags tested/, summary);
  assert.match(await result.getByTestId('paper-reference').innerText(), /EEG/);
  await waitForInk(result.locator('canvas[data-chart="eeg-lags"]'), 500);
  await waitForInk(result.locator('canvas[data-chart="eeg-layers"]'), 100);
  assert.ok(Number(await result.locator('canvas[data-chart="eeg-lags"]').getAttribute('data-points')) >= 51, 'r at every lag of at least one feature');
  await result.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(E2E_OUTPUT_DIR, 'paper-evals-eeg.png'), fullPage: true });
}
