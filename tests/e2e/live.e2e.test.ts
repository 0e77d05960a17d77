/**
 * The Live page in Chromium against `audiosae serve`, with Chromium's fake microphone playing a
 * generated WAV: the fixture Whisper (with decoder) is downloaded and an SAE imported over the
 * served app's WebSocket; then in the page both transcript panes update, moving alpha changes
 * the steered pane's settings, a recorded take becomes a clip that plays back in the dataset
 * browser. Prints the latency of each window the page showed; saves screenshots.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import wavefilePackage from 'wavefile';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { connectWebSocket } from '../../electron/engine/transports/websocket-client.js';
import { SeededRandom } from '../../native-models/common/seeded-random.js';
import { TINY_WHISPER_FIXTURE } from '../../native-models/fixtures/whisper-encoder-fixture.js';
import { saveSaeCheckpoint } from '../../native-models/sae/sae-checkpoint.js';
import { parseSaeConfig } from '../../native-models/sae/sae-config.js';
import { initialSaeWeights } from '../../native-models/sae/sae-weights.js';
import { E2E_OUTPUT_DIR as OUTPUT_DIR, openAppSession, unexpectedConsoleErrors, type HubAppSession } from '../helpers/app-session.js';
import { waitForJob } from '../helpers/jobs.js';
import { waitForPlayback } from '../helpers/page-probes.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const { WaveFile } = wavefilePackage;
const VIEWPORT = { width: 1360, height: 900 };
const D = TINY_WHISPER_FIXTURE.dModel;
const D_SAE = 256;

/** 6 s of a voiced-sounding signal (harmonics of a gliding pitch, syllable-rate envelope), 16-bit 48 kHz. */
function writeMicrophoneWav(path: string): void {
  const rate = 48_000;
  const samples = new Int16Array(6 * rate);
  let phase = 0;
  for (let i = 0; i < samples.length; i++) {
    const t = i / rate;
    phase += (2 * Math.PI * (140 + 40 * Math.sin(2 * Math.PI * 0.7 * t))) / rate;
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t);
    samples[i] = Math.round(32767 * envelope * 0.3 * (Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.3 * Math.sin(3 * phase)) * 0.6);
  }
  const wav = new WaveFile();
  wav.fromScratch(1, rate, '16', samples);
  writeFileSync(path, wav.toBuffer());
}

function writeSae(folder: string): void {
  const sae = initialSaeWeights(D, D_SAE, 3);
  const rng = new SeededRandom(4);
  sae.b_enc = rng.normals(D_SAE, 0.1);
  sae.b_dec = rng.normals(D, 0.1);
  saveSaeCheckpoint(folder, parseSaeConfig({ architecture: 'topk', dIn: D, dSae: D_SAE, k: 8 }), sae);
}

async function windowEnd(page: Page, testId: string): Promise<number> {
  const value = await page.getByTestId(testId).getAttribute('data-window-end');
  return value ? Number(value) : 0;
}

describe('Live page in Chromium with a fake microphone', () => {
  const dir = makeTempDir('audiosae-e2e-live-');
  let session: HubAppSession | undefined;
  let client: RpcClient | undefined;

  before(async () => {
    const wav = join(dir.path, 'microphone.wav');
    writeMicrophoneWav(wav);
    session = await openAppSession({
      dataDir: join(dir.path, 'data'),
      withHub: true,
      whisperDecoder: true,
      viewport: VIEWPORT,
      extraChromiumArgs: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`],
    });
    const url = new URL(session.serve.url);
    client = new RpcClient(await connectWebSocket(`ws://127.0.0.1:${url.port}/rpc?token=${url.searchParams.get('token')}`));
    const { jobId } = await client.call('models.download', { repoId: session.hub.repoId });
    assert.equal((await waitForJob(client, jobId)).status, 'succeeded', 'the fixture Whisper downloads');
    const model = (await client.call('models.list', {})).find((m) => m.repoId === session!.hub.repoId)!;
    writeSae(join(dir.path, 'sae'));
    await client.call('saes.import', { path: join(dir.path, 'sae'), modelId: model.id, layer: model.layers });
  });

  after(async () => {
    client?.dispose();
    await session?.close();
    dir.cleanup();
  });

  test('both panes update from the microphone, alpha changes the steered settings, a take plays back', async () => {
    if (!session) throw new Error('The app session is not open (its before() hook failed).');
    const { page } = session;
    await page.getByTestId('nav-live').click();
    await page.locator('[data-testid="live-sae"] option', { hasText: 'SAE' }).first().waitFor({ state: 'attached' });
    await page.getByTestId('live-sae').selectOption({ index: 1 });
    await page.getByTestId('live-features').fill('0, 1, 2, 3, 5, 8, 13, 21, 34, 55');
    await page.getByTestId('live-features').press('Tab');
    await page.getByTestId('live-window').selectOption('3');
    await page.getByTestId('live-start').click();

    // Both panes update, window after window.
    await page.locator('[data-testid="live-original"][data-window-end]:not([data-window-end=""])').waitFor({ timeout: 30_000 });
    const firstEnd = await windowEnd(page, 'live-original');
    const latencies: string[] = [];
    for (let i = 0; i < 3; i++) {
      const seen = await windowEnd(page, 'live-steered');
      const deadline = Date.now() + 20_000;
      while ((await windowEnd(page, 'live-steered')) <= seen) {
        assert.ok(Date.now() < deadline, `no window after the one ending at ${seen} s within 20 s`);
        await page.waitForTimeout(50);
      }
      latencies.push(await page.getByTestId('live-latency').innerText());
    }
    for (const [i, l] of latencies.entries()) console.log(`live e2e window ${i + 1}: latency ${l}`);
    assert.ok((await windowEnd(page, 'live-original')) > firstEnd, 'the original pane moved on');
    assert.equal(await windowEnd(page, 'live-steered'), await windowEnd(page, 'live-original'), 'both panes show the same window');
    assert.ok(Number(await page.getByTestId('live-level').getAttribute('data-level')) > 0, 'the level meter shows the fake microphone');
    assert.equal(await page.getByTestId('live-activity').getAttribute('data-count'), '10', 'one activity bar per steered feature');
    assert.equal(await page.getByTestId('live-steered-source').getAttribute('data-alpha'), '1', 'steered at alpha 1');
    assert.match(await page.getByTestId('live-steered-source').innerText(), /10 features · alpha 1 \(s = -1\)/, 'the steered pane names its source');
    await page.screenshot({ path: join(OUTPUT_DIR, 'live-01-running.png') });

    // Alpha takes effect on a following window.
    await page.getByTestId('live-alpha').fill('0');
    await page.locator('[data-testid="live-steered-source"][data-alpha="0"]').waitFor({ timeout: 20_000 });
    assert.match(await page.getByTestId('live-steered-source').innerText(), /alpha 0 \(s = 0\)/, 'the steered pane shows the new alpha');
    assert.equal(await page.getByTestId('live-alpha-value').innerText(), '0.00', 'the slider reads 0');

    // A take: saved, listed, opened in the dataset browser, and played.
    await page.getByTestId('live-record').click();
    const take = page.getByTestId('live-take').first();
    await take.waitFor({ timeout: 20_000 });
    const clipId = await take.getAttribute('data-clip-id');
    await page.screenshot({ path: join(OUTPUT_DIR, 'live-02-take.png') });
    const audio = Buffer.from((await client!.call('clips.audio', { clipId: Number(clipId) })).bytes);
    const pcm = new Int16Array(audio.buffer.slice(audio.byteOffset + 44, audio.byteOffset + audio.length));
    let jumps = 0;
    let maxJump = 0;
    const glitchTimes: string[] = [];
    for (let i = 1; i < pcm.length; i++) {
      const jump = Math.abs(pcm[i]! - pcm[i - 1]!) / 32767;
      maxJump = Math.max(maxJump, jump);
      if (jump > 0.15) jumps++;
      if (jump > 0.05) glitchTimes.push((i / 16000).toFixed(2));
    }
    console.log(`take: ${(pcm.length / 16000).toFixed(2)} s, largest sample step ${maxJump.toFixed(3)}, ${jumps} steps over 0.15 (the signal's own steps stay under ~0.04); steps over 0.05 at [${glitchTimes.slice(0, 30).join(', ')}]`);
    await page.getByTestId('live-stop').click();
    await page.getByTestId('live-start').waitFor();
    await take.getByTestId('live-take-open').click();
    await page.locator(`[data-testid="clip-view"][data-clip-id="${clipId}"]`).waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('clip-labels').innerText(), /source: live/, 'the clip carries the take labels');
    await page.getByTestId('clip-view-play').click();
    const state = await waitForPlayback(page);
    assert.equal(state.paused, false, 'the take plays');
    assert.ok(state.currentTime > 0.2, `currentTime ${state.currentTime}`);
    await page.screenshot({ path: join(OUTPUT_DIR, 'live-03-clip.png') });
    assert.deepEqual(unexpectedConsoleErrors(session.consoleErrors), [], 'no console errors');
  });

  test('a denied microphone gives a clear message and no session', async () => {
    if (!session) throw new Error('The app session is not open (its before() hook failed).');
    const context = await session.browser.newContext({ viewport: VIEWPORT });
    try {
      const page = await context.newPage();
      await page.addInitScript("navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));");
      await page.goto(`${session.serve.url.split('#')[0]}#/live`);
      await page.getByTestId('engine-status').filter({ hasText: 'Connected' }).waitFor();
      await page.locator('[data-testid="live-model"] option').first().waitFor({ state: 'attached' });
      await page.getByTestId('live-start').click();
      const problem = page.getByTestId('live-mic-problem');
      await problem.waitFor();
      assert.match(await problem.innerText(), /Microphone permission was denied/, 'the permission message');
      await page.getByTestId('live-start').waitFor();
      assert.equal(await page.getByTestId('live-record').count(), 0, 'no session to record from');
      await page.screenshot({ path: join(OUTPUT_DIR, 'live-04-denied.png') });
    } finally {
      await context.close();
    }
  });
});
