/**
 * Models and extraction in a real browser against `audiosae serve`: the catalog is listed; the
 * fixture Whisper is downloaded through the custom repo form (size on disk shown); a WAV folder is
 * imported; the Extract dialog on the dataset runs all layers on the CPU and the run is listed;
 * deleting the model asks first (Escape and Cancel keep it; Enter confirms) and then removes it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { E2E_OUTPUT_DIR as OUTPUT_DIR, unexpectedConsoleErrors, useWavFolderAppSession } from '../helpers/app-session.js';

/** The fixture whisper-tiny-random has 2 blocks: layers 0, 1, 2. */
const FIXTURE_LAYERS = 3;

describe('models page and the extract dialog in Chromium against audiosae serve', () => {
  const app = useWavFolderAppSession('audiosae-e2e-models-', { width: 1280, height: 900 });

  test('the catalog lists the encoders; the fixture downloads through the custom repo form', async () => {
    const { page, hub } = app;
    await page.getByTestId('nav-models').click();
    await page.getByTestId('catalog-row').first().waitFor();
    assert.equal(await page.getByTestId('catalog-row').count(), 9, 'nine catalog entries');
    const small = page.getByTestId('catalog-row').filter({ hasText: 'onnx-community/whisper-small' });
    assert.match(await small.innerText(), /12 × 768/, 'whisper-small shows 12 layers of width 768');
    assert.match(await page.getByTestId('catalog-row').filter({ hasText: 'whisper-large-v3' }).innerText(), /128 mels/, 'large-v3 shows 128 mel bins');
    assert.ok(await small.getByTestId('catalog-download').isEnabled(), 'a catalog entry not downloaded can be downloaded');
    await page.getByTestId('model-device').filter({ hasText: 'cpu' }).waitFor();

    await page.getByTestId('model-repo').fill(hub.repoId);
    await page.getByTestId('model-download').click();
    const row = page.getByTestId('model-row').filter({ hasText: hub.repoId });
    await row.waitFor({ timeout: 30_000 });
    await page.getByTestId('job-progress').and(page.locator('[data-status="succeeded"]')).waitFor();
    const size = await row.getByTestId('model-size').innerText();
    assert.match(size, /^\d+(\.\d)? (KB|MB)$/, `size on disk is shown (${size})`);
    await page.screenshot({ path: join(OUTPUT_DIR, 'models-01-catalog.png'), fullPage: true });
  });

  test('extract all layers from a dataset: the run is listed with its layers and the cpu device', async () => {
    const { page, hub } = app;
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('dataset-name').fill('wavs');
    await page.getByTestId('dataset-folder').fill(app.audio);
    await page.getByTestId('dataset-import').click();
    await page.getByTestId('dataset-row').filter({ hasText: 'wavs' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('clip-row').first().waitFor();

    await page.getByTestId('extract-open').click();
    const dialog = page.getByTestId('extract-dialog');
    await dialog.waitFor();
    assert.match(await page.getByTestId('extract-model').innerText(), new RegExp(hub.repoId), 'the downloaded model is offered');
    assert.ok(await page.getByTestId('extract-layers-all').isChecked(), 'all layers by default');
    assert.equal(await page.getByTestId('extract-dtype').inputValue(), 'float16', 'float16 by default');
    await page.getByTestId('extract-layers-all').uncheck();
    assert.equal(await page.getByTestId('extract-layer').count(), FIXTURE_LAYERS, 'one checkbox per layer 0..N');
    assert.ok(await page.getByTestId('extract-start').isDisabled(), 'no layer chosen: cannot start');
    await page.screenshot({ path: join(OUTPUT_DIR, 'models-02-extract-dialog.png') });
    await page.getByTestId('extract-layers-all').check();
    await page.getByTestId('extract-device').selectOption('cpu');
    await page.getByTestId('extract-start').click();
    await dialog.waitFor({ state: 'hidden' });

    const run = page.getByTestId('extract-run').first();
    await run.and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });
    assert.equal(await run.getAttribute('data-layer-count'), String(FIXTURE_LAYERS), 'all layers were written');
    assert.equal(await run.getByTestId('extract-run-device').innerText(), 'cpu', 'the run shows its device');
    await page.getByTestId('extract-outcome').filter({ hasText: /real-time factor/ }).waitFor();
    await page.screenshot({ path: join(OUTPUT_DIR, 'models-03-extracted.png'), fullPage: true });
  });

  test('deleting the model asks first: Escape and Cancel keep it, Enter confirms and removes it and its run', async () => {
    const { page, hub } = app;
    await page.getByTestId('nav-models').click();
    const row = page.getByTestId('model-row').filter({ hasText: hub.repoId });
    await page.getByTestId('extract-run').first().waitFor();
    await row.getByTestId('model-delete').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /shared with other tools/, 'the confirm text says the HF cache is shared');
    assert.match(await dialog.innerText(), /1 activation run/, 'and that the run goes too');
    await page.screenshot({ path: join(OUTPUT_DIR, 'models-04-delete-confirm.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await row.count(), 1, 'Escape cancels: the model stays');

    await row.getByTestId('model-delete').click();
    await dialog.waitFor();
    await page.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await row.count(), 1, 'Cancel keeps it too');

    await row.getByTestId('model-delete').click();
    await dialog.waitFor();
    assert.ok(await page.getByTestId('confirm-ok').isEnabled(), 'the confirm button is there');
    await page.keyboard.press('Enter');
    await row.waitFor({ state: 'detached', timeout: 10_000 });
    await page.getByTestId('extract-run').first().waitFor({ state: 'detached' });
    await page.screenshot({ path: join(OUTPUT_DIR, 'models-05-deleted.png'), fullPage: true });
    const unexpected = unexpectedConsoleErrors(app.consoleErrors);
    assert.deepEqual(unexpected, [], 'no console errors');
  });
});
