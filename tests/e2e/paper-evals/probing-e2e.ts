/**
 * Probing in the app: the Probing tab, its form (run, the prepared SAE, label folder with its three
 * classes, audio level, a short k sweep), the job, and the result's charts: accuracy vs k, k to the
 * target share across layers (with the paper's range) and unlearning curves; screenshot
 * paper-evals-probing.png.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { E2E_OUTPUT_DIR } from '../../helpers/app-session.js';
import { waitForInk } from '../../helpers/page-probes.js';
import type { PaperEvalsE2eContext } from './context.js';

export async function runProbingE2e(ctx: PaperEvalsE2eContext): Promise<void> {
  const { page } = ctx.session;
  const { runId, saeId } = ctx.prepared;
  await page.getByTestId('paper-eval-tab-probing').click();
  await page.getByTestId('probing-run').selectOption(String(runId));
  await page.getByTestId('probing-saes').selectOption([String(saeId)]);
  const label = page.getByTestId('probing-label');
  await label.locator('option[value="folder"]').waitFor({ state: 'attached' });
  await label.selectOption('folder');
  const classes = page.getByTestId('probing-classes');
  await classes.locator('option[value="tone"]').waitFor({ state: 'attached' });
  assert.deepEqual(await classes.evaluate((s: { selectedOptions: ArrayLike<{ value: string }> }) => Array.from(s.selectedOptions, (o) => o.value)), ['chirp', 'noise', 'tone'], 'every value with enough clips is a class to start with');
  await page.getByTestId('probing-level').selectOption('audio');
  await page.getByTestId('probing-k').fill('1, 2, 4, 8, 16, 32');
  await page.getByTestId('probing-folds').fill('3');
  await page.getByTestId('probing-start').click();

  const result = page.locator('[data-testid=paper-eval-result][data-kind=probing]');
  await result.waitFor({ timeout: 180_000 });
  await result.locator('.summary').waitFor({ timeout: 60_000 });
  const summary = await result.locator('.summary').innerText();
  assert.match(summary, /multiclass task, audio level: chirp 6, noise 6, tone 6 clips/, summary);
  assert.match(summary, new RegExp(`layer 1 \\(SAE ${saeId}\\): full probe [\\d.]+%`), summary);
  assert.match(await result.getByTestId('paper-reference').innerText(), /10–150/);
  const points = { 'probing-ksweep': '6', 'probing-layers': null, 'probing-unlearning': '21' } as const;
  for (const [chart, count] of Object.entries(points)) {
    const canvas = result.locator(`canvas[data-chart="${chart}"]`);
    await waitForInk(canvas, 500);
    if (count !== null) assert.equal(await canvas.getAttribute('data-points'), count, `${chart}: points`);
  }
  await result.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(E2E_OUTPUT_DIR, 'paper-evals-probing.png'), fullPage: true });
}
