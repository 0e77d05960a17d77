/**
 * The Steering page in Chromium against `audiosae serve`: a labelled dataset (tone / noise / chirp)
 * extracted and a small SAE trained through the engine (tests/helpers/analysed-sae.ts); then in the
 * page: pick the SAE, start a discovery on one run with tone clips as "non-speech", watch the job,
 * see the ranked table, save the top 10 as a preset, and open a ranked feature on the Features page.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { connectWebSocket } from '../../electron/engine/transports/websocket-client.js';
import { prepareAnalysedSae, type AnalysedSae } from '../helpers/analysed-sae.js';
import { E2E_OUTPUT_DIR as OUTPUT_DIR, openAppSession, unexpectedConsoleErrors, type HubAppSession } from '../helpers/app-session.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('steering page in Chromium against audiosae serve', () => {
  const dir = makeTempDir('audiosae-e2e-steering-');
  let session: HubAppSession | undefined;
  let client: RpcClient | undefined;
  let prepared: AnalysedSae;

  before(async () => {
    session = await openAppSession({ dataDir: join(dir.path, 'data'), withHub: true, viewport: { width: 1360, height: 960 } });
    const url = new URL(session.serve.url);
    client = new RpcClient(await connectWebSocket(`ws://127.0.0.1:${url.port}/rpc?token=${url.searchParams.get('token')}`));
    prepared = await prepareAnalysedSae(client, { repoId: session.hub.repoId, workDir: dir.path });
  });

  after(async () => {
    client?.dispose();
    await session?.close();
    dir.cleanup();
  });

  test('discover, rank, save a preset, open a feature', async () => {
    if (!session || !client) throw new Error('The app session is not open (its before() hook failed).');
    const { page } = session;
    await page.getByTestId('nav-steering').click();
    await page.getByTestId('steering-sae').locator(`option[value="${prepared.saeId}"]`).waitFor({ state: 'attached', timeout: 20_000 });
    await page.getByTestId('steering-sae').selectOption(String(prepared.saeId));
    await page.getByTestId('steering-run').selectOption(String(prepared.runId));
    await page.getByTestId('steering-positive').fill('folder=tone');
    await page.getByTestId('steering-discover').click();
    await page.getByTestId('job-progress').waitFor();
    await page.getByTestId('steering-row').first().waitFor({ timeout: 60_000 });
    const rows = await page.getByTestId('steering-row').count();
    assert.equal(rows, 128, 'every latent of the SAE is ranked');
    assert.equal(await page.getByTestId('steering-row').first().locator('td').first().innerText(), '1', 'rank 1 first');
    await page.screenshot({ path: join(OUTPUT_DIR, 'steering-01-ranking.png') });

    await page.getByTestId('preset-name').fill('tone off');
    await page.getByTestId('preset-top').fill('10');
    await page.getByTestId('preset-save').click();
    await page.getByTestId('preset-row').filter({ hasText: 'tone off' }).waitFor();
    assert.match(await page.getByTestId('preset-row').first().innerText(), /10 features · alpha 1/);
    const presets = await client.call('steering.presets', { saeId: prepared.saeId });
    assert.equal(presets[0]!.features.length, 10, 'the preset holds the top 10');
    await page.getByTestId('steering-presets').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUTPUT_DIR, 'steering-02-preset.png') });

    const feature = Number(await page.getByTestId('steering-row').first().getAttribute('data-feature'));
    await page.getByTestId('steering-row').first().getByRole('button').click();
    await page.getByTestId('feature-page').waitFor({ timeout: 20_000 });
    assert.equal(Number(await page.getByTestId('feature-page').getAttribute('data-feature')), feature, 'the ranked feature opens on the Features page');
    assert.deepEqual(unexpectedConsoleErrors(session.consoleErrors), [], 'no console errors');
  });
});
