/**
 * Domain specialization in the app: the Domains tab, its form (run, the prepared SAE, label
 * folder with tone as speech, chirp as music, noise as other), the job, and the result's audio-
 * and frame-level charts with the paper's reference; screenshot paper-evals-domains.png.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { E2E_OUTPUT_DIR } from '../../helpers/app-session.js';
import { waitForInk } from '../../helpers/page-probes.js';
import type { PaperEvalsE2eContext } from './context.js';

export async function runDomainsE2e(ctx: PaperEvalsE2eContext): Promise<void> {
  const { page } = ctx.session;
  const { runId, saeId } = ctx.prepared;
  await page.getByTestId('paper-eval-tab-domains').click();
  await page.getByTestId('domains-run').selectOption(String(runId));
  await page.getByTestId('domains-saes').selectOption([String(saeId)]);
  const label = page.getByTestId('domains-label');
  await label.locator('option[value="folder"]').waitFor({ state: 'attached' });
  await label.selectOption('folder');
  await page.getByTestId('domains-speech').locator('option[value="tone"]').waitFor({ state: 'attached' });
  await page.getByTestId('domains-speech').selectOption(['tone']);
  assert.equal(await page.getByTestId('domains-music').locator('option[value="tone"]').isDisabled(), true, 'a value given to speech cannot also be music');
  await page.getByTestId('domains-music').selectOption(['chirp']);
  await page.getByTestId('domains-other').selectOption(['noise']);
  await page.getByTestId('domains-specificity').fill('0.6');
  await page.getByTestId('domains-start').click();

  const result = page.locator('[data-testid=paper-eval-result][data-kind=domains]');
  await result.waitFor({ timeout: 120_000 });
  await result.locator('.summary').waitFor({ timeout: 60_000 });
  const summary = await result.locator('.summary').innerText();
  assert.match(summary, /clips speech 6, music 6, other 6/, summary);
  assert.match(summary, new RegExp(`layer 1 \\(SAE ${saeId}\\): audio speech [\\d.]+%`), summary);
  assert.match(await result.getByTestId('paper-reference').innerText(), /music-specific features peak at layer 5/);
  for (const chart of ['domains-audio', 'domains-frame']) {
    const canvas = result.locator(`canvas[data-chart="${chart}"]`);
    await waitForInk(canvas, 500);
    assert.equal(await canvas.getAttribute('data-points'), '3', `${chart}: one point per domain at layer 1`);
  }
  await result.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(E2E_OUTPUT_DIR, 'paper-evals-domains.png'), fullPage: true });
}
