/**
 * Training in a real browser against `audiosae serve`: a WAV folder is imported, the fixture
 * Whisper downloaded and layer 1 extracted through the UI; the Training page trains one small TopK
 * SAE, its row turns complete, and selecting it draws the FVU / L0 / dead-fraction charts.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { E2E_OUTPUT_DIR as OUTPUT_DIR, unexpectedConsoleErrors, useWavFolderAppSession } from '../helpers/app-session.js';
import { waitForInk } from '../helpers/page-probes.js';

describe('training page in Chromium against audiosae serve', () => {
  const app = useWavFolderAppSession('audiosae-e2e-training-', { width: 1280, height: 1000 });

  test('import, download, extract; train a small TopK SAE; its metrics are charted', async () => {
    const { page, hub } = app;
    await page.getByTestId('nav-models').click();
    await page.getByTestId('model-repo').fill(hub.repoId);
    await page.getByTestId('model-download').click();
    await page.getByTestId('model-row').filter({ hasText: hub.repoId }).waitFor({ timeout: 30_000 });

    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('dataset-name').fill('wavs');
    await page.getByTestId('dataset-folder').fill(app.audio);
    await page.getByTestId('dataset-import').click();
    await page.getByTestId('dataset-row').filter({ hasText: 'wavs' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('clip-row').first().waitFor();
    await page.getByTestId('extract-open').click();
    await page.getByTestId('extract-dialog').waitFor();
    await page.getByTestId('extract-device').selectOption('cpu');
    await page.getByTestId('extract-start').click();
    await page.getByTestId('extract-dialog').waitFor({ state: 'hidden' });

    await page.getByTestId('nav-training').click();
    // The run select offers complete runs only: wait for the extraction to finish.
    await page.locator('[data-testid="training-run"] option').first().filter({ hasText: /^run \d+/ }).waitFor({ state: 'attached', timeout: 30_000 });
    assert.ok(await page.getByTestId('training-arch-batchtopk').isChecked(), 'batchtopk by default');
    assert.equal(await page.getByTestId('training-k').inputValue(), '50', 'k 50 by default');
    assert.equal(await page.getByTestId('training-expansion').inputValue(), '8', 'expansion 8 by default');
    assert.equal(await page.getByTestId('training-batch').inputValue(), '4096', 'batch 4096 by default');

    await page.getByTestId('training-layers').fill('1');
    await page.getByTestId('training-seeds').fill('1');
    await page.getByTestId('training-arch-topk').check();
    await page.getByTestId('training-arch-batchtopk').uncheck();
    await page.getByTestId('training-k').fill('4');
    await page.getByTestId('training-expansion').fill('2');
    await page.getByTestId('training-steps').fill('40');
    await page.getByTestId('training-batch').fill('32');
    await page.getByTestId('training-start').click();

    const row = page.getByTestId('sae-row').first();
    await row.and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('sae-row').count(), 1, 'one SAE: 1 layer × 1 seed × 1 architecture');
    assert.match(await row.innerText(), /topk/, 'the row shows its architecture');
    await page.getByTestId('job-progress').and(page.locator('[data-status="succeeded"]')).waitFor();

    await row.click();
    await page.locator('[data-testid="sae-chart"]:not([data-points="0"])').first().waitFor();
    const samples = Number(await page.getByTestId('sae-chart').first().getAttribute('data-points'));
    assert.ok(samples >= 10, `a line of metric samples (${samples})`);
    assert.equal(await page.getByTestId('sae-chart').count(), 3, 'FVU, L0 and dead-fraction charts');
    for (let i = 0; i < 3; i++) await waitForInk(page.getByTestId('sae-chart').nth(i));
    await page.screenshot({ path: join(OUTPUT_DIR, 'training-01.png'), fullPage: true });

    const unexpected = unexpectedConsoleErrors(app.consoleErrors);
    assert.deepEqual(unexpected, [], 'no console errors');
  });
});
