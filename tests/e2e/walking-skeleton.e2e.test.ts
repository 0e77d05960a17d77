/**
 * The walking skeleton in a real browser against `audiosae serve`: import a WAV folder,
 * see the clips, play one, download the fixture encoder, plot activations; bad input gets a
 * clear error; kill -9 of the engine shows "restarting" and loses nothing.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { E2E_OUTPUT_DIR as OUTPUT_DIR, openAppSession, type HubAppSession } from '../helpers/app-session.js';
import type { TestHub } from '../helpers/fixture-hub.js';
import type { ServeProcess } from '../helpers/serve-process.js';
import { waitForInk, waitForPlayback } from '../helpers/page-probes.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { writeBadFiles, writeWavFolder } from '../helpers/wav-folder.js';


describe('walking skeleton in Chromium against audiosae serve', () => {
  const dir = makeTempDir('audiosae-e2e-');
  const audio = join(dir.path, 'wavs');
  let session: HubAppSession | undefined;
  let hub: TestHub;
  let serve: ServeProcess;
  let page: Page;
  let consoleErrors: string[] = [];

  before(async () => {
    mkdirSync(audio);
    writeWavFolder(audio);
    writeBadFiles(audio);
    session = await openAppSession({ dataDir: join(dir.path, 'data'), withHub: true, viewport: { width: 1280, height: 800 } });
    ({ hub, serve, page, consoleErrors } = session);
  });

  after(async () => {
    await session?.close();
    dir.cleanup();
  });

  test('a path that does not exist and an empty folder get a clear error, and no dataset', async () => {
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('dataset-name').fill('ghost');
    await page.getByTestId('dataset-folder').fill(join(dir.path, 'no-such-folder'));
    await page.getByTestId('dataset-import').click();
    await page.getByTestId('error-banner').filter({ hasText: 'Folder does not exist' }).waitFor();

    const empty = join(dir.path, 'empty');
    mkdirSync(empty);
    await page.getByTestId('dataset-folder').fill(empty);
    await page.getByTestId('dataset-import').click();
    await page.getByTestId('error-banner').filter({ hasText: 'No audio files' }).waitFor();
    assert.equal(await page.getByTestId('dataset-row').count(), 0);
  });

  test('imports the WAV folder, lists its clips with the failures reported, and plays one', async () => {
    await page.getByTestId('dataset-name').fill('generated wavs');
    await page.getByTestId('dataset-folder').fill(audio);
    await page.getByTestId('dataset-import').click();
    await page.getByTestId('job-progress').and(page.locator('[data-status="succeeded"]')).waitFor();
    await page.getByTestId('dataset-row').filter({ hasText: 'generated wavs' }).waitFor();
    await page.getByTestId('import-failure').first().waitFor();
    assert.equal(await page.getByTestId('import-failure').count(), 3);
    await page.getByTestId('clip-row').nth(4).waitFor();
    assert.equal(await page.getByTestId('clip-row').count(), 5);

    await page.getByTestId('clip-row').filter({ hasText: 'a440.wav' }).getByTestId('clip-play').click();
    // The audio element really plays: not paused, and its clock advances.
    const state = await waitForPlayback(page);
    assert.equal(state.paused, false);
    assert.ok(state.currentTime > 0.2, `currentTime ${state.currentTime}`);
    assert.ok(state.duration > 1.4, `duration ${state.duration}`);
    await page.screenshot({ path: join(OUTPUT_DIR, '01-datasets.png') });
  });

  test('downloads the fixture Whisper encoder and plots per-frame activation norms', async () => {
    await page.getByTestId('nav-models').click();
    await page.getByTestId('model-repo').fill(hub.repoId);
    await page.getByTestId('model-download').click();
    await page.getByTestId('model-row').filter({ hasText: hub.repoId }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(OUTPUT_DIR, '02-models.png') });

    await page.getByTestId('nav-activations').click();
    await page.getByTestId('activation-clip').selectOption({ label: 'tones/a440.wav (1.50 s)' });
    await page.getByTestId('activation-compute').click();
    await page.getByTestId('activation-summary').filter({ hasText: '75 frames' }).waitFor({ timeout: 30_000 });
    const chart = page.getByTestId('activation-chart');
    const box = await chart.boundingBox();
    assert.ok(box && box.width > 300 && box.height > 150, 'the chart is drawn at a readable size');
    // The canvas really has a line on it: some pixels are not background.
    await waitForInk(chart, 1000);
    await page.screenshot({ path: join(OUTPUT_DIR, '03-activations.png') });
  });

  test('kill -9 of the engine: the UI says it is restarting, then the dataset is still there', async () => {
    const oldPid = serve.enginePid();
    const restarted = serve.waitForRestart();
    process.kill(oldPid, 'SIGKILL');
    await page.getByTestId('engine-status').filter({ hasText: /restarting/i }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(OUTPUT_DIR, '04-restarting.png') });
    const newPid = await restarted;
    assert.notEqual(newPid, oldPid);
    await page.getByTestId('engine-status').filter({ hasText: `Connected · pid ${newPid}` }).waitFor({ timeout: 15_000 });
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('dataset-row').filter({ hasText: 'generated wavs' }).waitFor();
    await page.getByTestId('nav-jobs').click();
    await page.getByTestId('job-row').first().waitFor();
    await page.screenshot({ path: join(OUTPUT_DIR, '05-after-restart.png') });
    // Only the expected, transient failures while the engine was down may have been logged.
    const unexpected = consoleErrors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e));
    assert.deepEqual(unexpected, []);
  });
});
