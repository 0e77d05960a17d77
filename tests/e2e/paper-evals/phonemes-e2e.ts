/**
 * Phonemes in the app: TextGrids written for the prepared dataset's clips (one "phone" per clip
 * class: tone AA, noise IY, chirp S), imported from the form by a typed folder path, then the
 * evaluation, its accuracy-by-layer and vowel-unlearning charts; screenshot paper-evals-phonemes.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { E2E_OUTPUT_DIR } from '../../helpers/app-session.js';
import { waitForInk } from '../../helpers/page-probes.js';
import { textGridLong } from '../../helpers/textgrid-writer.js';
import type { PaperEvalsE2eContext } from './context.js';

export async function runPhonemesE2e(ctx: PaperEvalsE2eContext): Promise<void> {
  const { page } = ctx.session;
  const folder = join(ctx.workDir, 'e2e-aligned');
  const clips = (await ctx.client.call('clips.list', { datasetId: ctx.prepared.datasetId, limit: 100 })).clips;
  for (const c of clips) {
    const phone = ctx.prepared.clips.tone.includes(c.id) ? 'AA1' : ctx.prepared.clips.noise.includes(c.id) ? 'IY0' : 'S';
    const file = join(folder, c.relativePath.replace(/\.wav$/, '.TextGrid'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, textGridLong([{ name: 'phones', intervals: [{ startSec: 0, endSec: 0.1, label: '' }, { startSec: 0.1, endSec: c.durationSec, label: phone }] }], c.durationSec));
  }
  await page.getByTestId('paper-eval-tab-phonemes').click();
  await page.getByTestId('phonemes-run').selectOption(String(ctx.prepared.runId));
  await page.getByTestId('phonemes-align-path').fill(folder);
  await page.getByTestId('phonemes-import').click();
  assert.match(await page.getByTestId('phonemes-imported').innerText(), /18 intervals for 18 clips from 18 files \(tiers phones\)/);
  await page.getByTestId('phonemes-tier').locator('option[value="phones"]').waitFor({ state: 'attached' });
  await page.getByTestId('phonemes-saes').selectOption([String(ctx.prepared.saeId)]);
  await page.getByTestId('phonemes-folds').fill('3');
  await page.getByTestId('phonemes-start').click();

  const result = page.locator('[data-testid=paper-eval-result][data-kind=phonemes]');
  await result.waitFor({ timeout: 120_000 });
  await result.locator('.summary').waitFor({ timeout: 60_000 });
  const summary = await result.locator('.summary').innerText();
  assert.match(summary, /3 phones \(phones tier\)/, summary);
  assert.match(summary, /layer 1 \(SAE \d+\): accuracy [\d.]+% \(chance [\d.]+%\)/, summary);
  assert.match(await result.getByTestId('paper-reference').innerText(), /0\.92/);
  await waitForInk(result.locator('canvas[data-chart="phonemes-layers"]'), 300);
  await waitForInk(result.locator('canvas[data-chart="phonemes-vowels"]'), 100);
  await result.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(E2E_OUTPUT_DIR, 'paper-evals-phonemes.png'), fullPage: true });
}
