/**
 * Feature stability in the app: a second SAE of the prepared run's layer is trained with another
 * seed over RPC, then the Stability tab's form (seeds mode, both SAEs, threshold 0.5) runs the
 * job; the result shows the consistent share per layer with the paper's 50% line and the histogram
 * of matched cosines; screenshot paper-evals-stability.png.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ANALYSED_LAYER } from '../../helpers/analysed-sae.js';
import { E2E_OUTPUT_DIR } from '../../helpers/app-session.js';
import { waitForJob } from '../../helpers/jobs.js';
import { waitForInk } from '../../helpers/page-probes.js';
import type { PaperEvalsE2eContext } from './context.js';

export async function runStabilityE2e(ctx: PaperEvalsE2eContext): Promise<void> {
  const { page } = ctx.session;
  const { runId, saeId } = ctx.prepared;
  const trained = await waitForJob(
    ctx.client,
    (await ctx.client.call('saes.train', { runId, layers: [ANALYSED_LAYER], seeds: [7], architectures: ['topk'], k: 4, expansion: 2, steps: 60, batchSize: 64, lr: 4e-3, metricsEvery: 20, checkpointEvery: 1000 })).jobId,
  );
  assert.equal(trained.status, 'succeeded', `second seed: ${JSON.stringify(trained.error)}`);
  const otherSeed = (trained.result as { saeIds: number[] }).saeIds[0]!;

  await page.getByTestId('paper-eval-tab-stability').click();
  await page.getByTestId('stability-mode').selectOption('seeds');
  const saes = page.getByTestId('stability-saes');
  await saes.locator(`option[value="${otherSeed}"]`).waitFor({ state: 'attached', timeout: 30_000 });
  await saes.selectOption([String(saeId), String(otherSeed)]);
  await page.getByTestId('stability-threshold').fill('0.5');
  await page.getByTestId('stability-start').click();

  const result = page.locator('[data-testid=paper-eval-result][data-kind=stability]');
  await result.waitFor({ timeout: 120_000 });
  await result.locator('.summary').waitFor({ timeout: 60_000 });
  const summary = await result.locator('.summary').innerText();
  assert.match(summary, new RegExp(`layer ${ANALYSED_LAYER}: [\\d.]+% of features consistent \\(decoder cosine > 0\\.5\\) over 1 pair`), summary);
  assert.match(await result.getByTestId('paper-reference').innerText(), /50% of the features/);
  const layers = result.locator('canvas[data-chart="stability-layers"]');
  await waitForInk(layers, 500);
  assert.equal(await layers.getAttribute('data-points'), '1', 'one layer');
  await waitForInk(result.locator('canvas[data-chart="stability-histogram"]'), 500);
  await result.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(E2E_OUTPUT_DIR, 'paper-evals-stability.png'), fullPage: true });
}
