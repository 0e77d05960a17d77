/**
 * The dataset browser in Chromium.
 * 1. Against a fake engine (the RPC WebSocket routed by Playwright) holding 100,000 clips: the clip
 *    table stays virtualized (a few dozen rows in the DOM), scrolls smoothly, pages on demand,
 *    sorts and filters on the server, moves by keyboard; the clip view draws and plays.
 * 2. Against the real engine (`audiosae serve`): import a labelled corpus through the UI, filter by
 *    a label, open a clip, see its waveform and spectrogram, play it, read the import report.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page, WebSocketRoute } from 'playwright-core';
import type { ClipRow, DatasetSummary, RpcParams } from '../../electron/common/contract.js';
import { CONTENT_SECURITY_POLICY } from '../../electron/common/csp.js';
import { decodeWire, encodeWire } from '../../electron/common/wire.js';
import { E2E_OUTPUT_DIR as OUTPUT_DIR, openAppSession, openBrowserPage, type AppSession, type BrowserSession } from '../helpers/app-session.js';
import { waitForInk, waitForPlayback, type AudioLike } from '../helpers/page-probes.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { encodeWav, tone, whiteNoise, writeBadFiles, writeWavFolder } from '../helpers/wav-folder.js';
import { ensureCorpus } from '../corpus/generate-corpus.js';

const ROOT = join(import.meta.dirname, '..', '..');
const RENDERER_DIR = join(ROOT, 'dist', 'renderer');

/** Waits until a canvas has more than `min` inked pixels. */
const waitForCanvasInk = (page: Page, testId: string, min: number): Promise<number> => waitForInk(page.getByTestId(testId), min);

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// ---------------------------------------------------------------------------------------------
// A fake engine: the contract's dataset/clip methods over 100k synthetic clips.

const CLASSES = ['dog', 'rain', 'speech', 'siren', 'piano', 'engine', 'birds', 'clock', 'wind', 'crowd'];
const TOTAL = 100_000;

function fakeClip(i: number): ClipRow {
  const speaker = `spk${String(i % 250).padStart(3, '0')}`;
  return {
    id: i + 1,
    datasetId: 1,
    path: `/data/fake/${speaker}/clip-${String(i).padStart(6, '0')}.wav`,
    relativePath: `${speaker}/clip-${String(i).padStart(6, '0')}.wav`,
    sha256: i.toString(16).padStart(64, '0'),
    durationSec: 1 + ((i * 7919) % 2900) / 100,
    sampleRate: i % 3 === 0 ? 44_100 : 16_000,
    channels: i % 5 === 0 ? 2 : 1,
    format: i % 4 === 0 ? 'flac' : 'wav',
    labels: { class: [CLASSES[i % CLASSES.length]!], speaker: [speaker] },
    transcript: CLASSES[i % CLASSES.length] === 'speech' ? `utterance ${i} about the ${CLASSES[(i >> 3) % 10]} and more words` : null,
  };
}

class FakeEngine {
  readonly clips = Array.from({ length: TOTAL }, (_, i) => fakeClip(i));
  readonly listCalls: RpcParams<'clips.list'>[] = [];
  #cache = new Map<string, ClipRow[]>();
  readonly dataset: DatasetSummary = {
    id: 1,
    name: 'fake 100k',
    rootPath: '/data/fake',
    layout: 'esc50',
    clipCount: TOTAL,
    totalDurationSec: this.clips.reduce((s, c) => s + c.durationSec, 0),
    failedFiles: 2,
    createdAt: '2026-02-05T12:00:00.000Z',
  };

  query(p: RpcParams<'clips.list'>): ClipRow[] {
    const key = JSON.stringify({ ...p, offset: 0, limit: 0 });
    let rows = this.#cache.get(key);
    if (!rows) {
      const words = (p.text ?? '').replace(/"/g, '').toLowerCase().split(/\s+/).filter(Boolean);
      rows = this.clips.filter(
        (c) =>
          (!p.label || c.labels[p.label.key]?.includes(p.label.value)) &&
          (p.minDurationSec == null || c.durationSec >= p.minDurationSec) &&
          (p.maxDurationSec == null || c.durationSec <= p.maxDurationSec) &&
          words.every((w) => c.transcript?.toLowerCase().split(/\W+/).includes(w)),
      );
      const sort = p.sort ?? 'path';
      if (sort === 'duration') rows.sort((a, b) => a.durationSec - b.durationSec || a.id - b.id);
      if (sort === '-duration') rows.sort((a, b) => b.durationSec - a.durationSec || a.id - b.id);
      if (sort === 'path') rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      this.#cache.set(key, rows);
    }
    return rows;
  }

  handle(method: string, params: Record<string, unknown>): unknown {
    switch (method) {
      case 'engine.info':
        return { version: 'fake', pid: 1, dataDir: '/fake', databasePath: '/fake/db', startedAt: '', node: '', onnxruntime: '', devices: [], restarts: 0 };
      case 'jobs.list':
      case 'models.list':
      case 'models.catalog':
      case 'activations.runs':
        return [];
      case 'datasets.list':
        return [this.dataset];
      case 'datasets.importReport':
        return {
          datasetId: 1,
          failures: [
            { path: '/data/fake/broken.wav', reason: 'corrupt: not a RIFF/WAVE file', jobId: 1 },
            { path: '/data/fake/empty.flac', reason: 'zero length', jobId: 1 },
          ],
        };
      case 'datasets.labelCounts': {
        const counts = new Map<string, number>();
        for (const c of this.clips)
          for (const [key, values] of Object.entries(c.labels))
            for (const v of values) counts.set(`${key}\u0000${v}`, (counts.get(`${key}\u0000${v}`) ?? 0) + 1);
        return [...counts]
          .map(([k, count]) => ({ key: k.split('\u0000')[0]!, value: k.split('\u0000')[1]!, count }))
          .filter((c) => params.key == null || c.key === params.key);
      }
      case 'clips.list': {
        const p = params as RpcParams<'clips.list'>;
        this.listCalls.push(p);
        const rows = this.query(p);
        const offset = p.offset ?? 0;
        return { total: rows.length, offset, clips: rows.slice(offset, offset + (p.limit ?? 200)) };
      }
      case 'clips.get':
        return this.clips[Number(params.clipId) - 1];
      case 'clips.peaks': {
        const clip = this.clips[Number(params.clipId) - 1]!;
        const points = Number(params.points ?? 2000);
        const peaks: number[] = [];
        for (let i = 0; i < points; i++) {
          const envelope = 0.15 + 0.8 * Math.abs(Math.sin((i / points) * Math.PI * 3));
          peaks.push(-envelope, envelope * 0.95);
        }
        return { clipId: clip.id, durationSec: clip.durationSec, peaks };
      }
      case 'clips.audio': {
        const clip = this.clips[Number(params.clipId) - 1]!;
        const startSec = Number(params.startSec ?? 0);
        const durationSec = Math.min(clip.durationSec - startSec, Number(params.durationSec ?? clip.durationSec));
        const sr = 16_000;
        const a = tone(300, durationSec, sr, 0.3);
        const b = tone(1200, durationSec, sr, 0.15);
        const noise = whiteNoise(durationSec, sr, clip.id, 0.05);
        const mixed = a.map((v, i) => (i % sr < sr / 2 ? v : b[i]!) + noise[i]!);
        return { clipId: clip.id, mimeType: 'audio/wav', bytes: encodeWav([mixed], sr), startSec, durationSec };
      }
      default:
        throw new Error(`fake engine: no method ${method}`);
    }
  }

  attach(ws: WebSocketRoute): void {
    ws.onMessage((text) => {
      const message = decodeWire(String(text));
      if (message.t !== 'req') return;
      try {
        const result = this.handle(message.method, (message.params ?? {}) as Record<string, unknown>);
        ws.send(encodeWire({ t: 'res', id: message.id, ok: true, result }));
      } catch (error) {
        ws.send(encodeWire({ t: 'res', id: message.id, ok: false, error: { code: 'internal', message: String(error) } as never }));
      }
    });
  }
}

/** Serves dist/renderer with the app's CSP header (as `audiosae serve` does). */
async function serveRenderer(): Promise<{ url: string; close(): Promise<void> }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(RENDERER_DIR, path === '/' ? 'index.html' : path);
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CONTENT_SECURITY_POLICY });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/?token=fake`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('dataset browser with 100k clips (fake engine)', () => {
  let session: BrowserSession | undefined;
  let page: Page;
  let web: Awaited<ReturnType<typeof serveRenderer>>;
  const engine = new FakeEngine();
  let problems: string[] = [];

  before(async () => {
    web = await serveRenderer();
    session = await openBrowserPage(web.url, {
      viewport: { width: 1280, height: 900 },
      beforeGoto: (p) => p.routeWebSocket(/\/rpc/, (ws) => engine.attach(ws)),
    });
    ({ page, consoleErrors: problems } = session);
    await page.getByTestId('nav-datasets').click();
  });

  after(async () => {
    await session?.close();
    await web?.close();
  });

  test('lists the dataset with its layout, counts, duration and failed files; shows the import report', async () => {
    const row = page.getByTestId('dataset-row').filter({ hasText: 'fake 100k' });
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /esc50/);
    assert.match(text, /100,000/);
    await row.getByTestId('dataset-failures').click();
    const report = page.getByTestId('import-report');
    await report.getByTestId('import-failure').nth(1).waitFor();
    assert.match(await report.innerText(), /zero length/);
    await report.getByRole('button', { name: 'Close' }).click();
  });

  test('keeps only a few dozen rows in the DOM while scrolling smoothly through 100k clips', async () => {
    await page.getByTestId('clip-row').first().waitFor();
    assert.match(await page.getByTestId('clip-count').innerText(), /100,000 clips/);
    const rowsInDom = () => page.locator('[data-testid="clip-table"] tbody tr:not(.spacer)').count();
    assert.ok((await rowsInDom()) <= 60, `rows in DOM at the top: ${await rowsInDom()}`);

    // Scroll the table by 600 px every animation frame for 2 s; record frame times and DOM size.
    // (A string, so the test runner's transpiler adds no helpers the page lacks.)
    const stats = (await page.evaluate(`(async () => {
      const el = document.querySelector('[data-testid="clip-table"]');
      const frames = [];
      let maxRows = 0;
      let last = performance.now();
      const end = last + 2000;
      await new Promise((resolve) => {
        function step(now) {
          frames.push(now - last);
          last = now;
          el.scrollTop += 600;
          maxRows = Math.max(maxRows, el.querySelectorAll('tbody tr:not(.spacer)').length);
          if (now < end) requestAnimationFrame(step);
          else resolve();
        }
        requestAnimationFrame(step);
      });
      frames.sort((a, b) => a - b);
      return { frames: frames.length, median: frames[frames.length >> 1], p95: frames[Math.floor(frames.length * 0.95)], maxRows, scrollTop: el.scrollTop };
    })()`)) as { frames: number; median: number; p95: number; maxRows: number; scrollTop: number };
    console.log(`# 100k scroll: ${stats.frames} frames, median ${stats.median.toFixed(1)} ms, p95 ${stats.p95.toFixed(1)} ms, max rows in DOM ${stats.maxRows}, scrolled to ${stats.scrollTop}px`);
    assert.ok(stats.maxRows <= 60, `rows in DOM while scrolling: ${stats.maxRows}`);
    assert.ok(stats.median < 50, `median frame ${stats.median} ms`);

    // Jump to the end: the last page is fetched, the last row is clip #100,000 of the path order.
    await page.getByTestId('clip-table').evaluate((el: { scrollTop: number; scrollHeight: number }) => (el.scrollTop = el.scrollHeight));
    await page.locator('[data-testid="clip-row"][data-index="99999"]').waitFor();
    assert.ok((await rowsInDom()) <= 60);
    const offsets = engine.listCalls.map((c) => c.offset ?? 0);
    assert.ok(offsets.includes(99_800), `fetched the last page: ${offsets.slice(-5).join(',')}`);
    assert.ok(engine.listCalls.length < 150, `pages fetched: ${engine.listCalls.length}`);
    await page.screenshot({ path: join(OUTPUT_DIR, '10-browser-100k-end.png') });
  });

  test('sorts and filters on the server; keyboard moves the selection and plays', async () => {
    await page.getByTestId('clip-sort-duration').click();
    await page.getByTestId('clip-sort-duration').click();
    await page.locator('[data-testid="clip-row"][data-index="0"]').waitFor();
    assert.equal(engine.listCalls.at(-1)?.sort, '-duration');
    assert.match(await page.locator('[data-testid="clip-row"][data-index="0"]').innerText(), /29\.99 s/);

    await page.getByTestId('clip-filter-label').selectOption('class=speech');
    await page.getByTestId('clip-count').filter({ hasText: '10,000 clips' }).waitFor();
    await page.getByTestId('clip-filter-text').fill('piano');
    await page.getByTestId('clip-filter-min-duration').fill('10');
    await page.getByTestId('clip-filter-max-duration').fill('20');
    await waitUntil(() => engine.listCalls.at(-1)?.maxDurationSec === 20 && engine.listCalls.at(-1)?.text != null);
    const call = engine.listCalls.at(-1)!;
    assert.deepEqual(call.label, { key: 'class', value: 'speech' });
    assert.equal(call.text, '"piano"');
    assert.equal(call.minDurationSec, 10);
    assert.equal(call.maxDurationSec, 20);
    const expected = engine.query(call).length;
    await page.getByTestId('clip-count').filter({ hasText: `${expected.toLocaleString('en-US')} clips` }).waitFor();

    await page.getByTestId('clip-row').first().click();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.locator('[data-testid="clip-row"][data-index="2"][aria-selected="true"]').waitFor();
    const selectedId = await page.locator('[data-testid="clip-row"][data-index="2"]').getAttribute('data-clip-id');
    await page.locator(`[data-testid="clip-view"][data-clip-id="${selectedId}"]`).waitFor();
    await page.keyboard.press('Enter');
    const state = await waitForPlayback(page);
    assert.equal(state.paused, false);
    assert.ok(state.currentTime > 0.2, `currentTime ${state.currentTime}`);

    for (const id of ['clip-waveform', 'clip-spectrogram']) {
      await waitForCanvasInk(page, id, 2000);
    }
    // Clicking the waveform seeks: at 75 % of the clip the audio clock jumps there.
    await page.getByTestId('clip-waveform').scrollIntoViewIfNeeded();
    const wave = (await page.getByTestId('clip-waveform').boundingBox())!;
    await page.mouse.click(wave.x + wave.width * 0.75, wave.y + wave.height / 2);
    const seeked = await page.getByTestId('clip-audio').evaluate((el: AudioLike) => ({ t: el.currentTime, d: el.duration }));
    assert.ok(Math.abs(seeked.t - seeked.d * 0.75) < 1, `seeked to ${seeked.t} of ${seeked.d}`);
    await page.screenshot({ path: join(OUTPUT_DIR, '11-browser-filtered.png') });
    await page.getByTestId('clip-view').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUTPUT_DIR, '12-browser-clip-view-playing.png') });

    // Clicking a bar of the label chart sets the label filter.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByTestId('clip-count').filter({ hasText: '100,000 clips' }).waitFor();
    await page.getByTestId('label-chart').waitFor();
    const box = (await page.getByTestId('label-chart').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.4, box.y + 14);
    for (let i = 0; i < 100 && !(await page.getByTestId('clip-filter-label').inputValue()).startsWith('class='); i++) await page.waitForTimeout(50);
    assert.match(await page.getByTestId('clip-filter-label').inputValue(), /^class=/);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('clip-row').first().click();
    await waitForCanvasInk(page, 'clip-spectrogram', 2000);
    await page.getByTestId('clip-view').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUTPUT_DIR, '13-browser-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    assert.deepEqual(problems, []);
  });
});

// ---------------------------------------------------------------------------------------------
// The real engine and the generated corpus.

describe('dataset browser against audiosae serve with the generated corpus', () => {
  const dir = makeTempDir('audiosae-e2e-browser-');
  let corpus: Awaited<ReturnType<typeof ensureCorpus>>;
  let session: AppSession | undefined;
  let page: Page;
  let problems: string[] = [];

  async function importFolder(name: string, folder: string, layout: string): Promise<void> {
    await page.getByTestId('dataset-name').fill(name);
    await page.getByTestId('dataset-folder').fill(folder);
    await page.getByTestId('dataset-layout').selectOption(layout);
    await page.getByTestId('dataset-import').click();
    await page.getByTestId('job-progress').and(page.locator('[data-status="succeeded"]')).waitFor({ timeout: 30_000 });
    await page.getByTestId('dataset-row').filter({ hasText: name }).waitFor();
    await page.getByTestId('dataset-row').filter({ hasText: name }).click();
    await page.getByTestId('job-progress').getByRole('button', { name: 'Dismiss' }).click();
  }

  before(async () => {
    corpus = await ensureCorpus();
    session = await openAppSession({ dataDir: join(dir.path, 'data'), viewport: { width: 1280, height: 900 } });
    ({ page, consoleErrors: problems } = session);
    await page.getByTestId('nav-datasets').click();
  });

  after(async () => {
    await session?.close();
    dir.cleanup();
  });

  test('imports ESC-50, filters by a label, opens a clip, draws it and plays it', async () => {
    const esc = corpus.manifest.layouts.esc50;
    await importFolder('esc50 corpus', join(corpus.root, esc.folder), 'esc50');
    const row = page.getByTestId('dataset-row').filter({ hasText: 'esc50 corpus' });
    assert.match(await row.innerText(), new RegExp(`esc50\\s+${esc.clips.length}\\b`));
    await page.getByTestId('clip-count').filter({ hasText: `${esc.clips.length} clips` }).waitFor();
    await page.getByTestId('label-chart').waitFor();
    await waitForCanvasInk(page, 'label-chart', 500);

    const sirens = esc.clips.filter((c) => c.labels.class?.includes('siren'));
    assert.ok(sirens.length >= 2);
    await page.getByTestId('clip-filter-label').selectOption('class=siren');
    await page.getByTestId('clip-count').filter({ hasText: `${sirens.length} clips` }).waitFor();
    assert.equal(await page.getByTestId('clip-row').count(), sirens.length);
    const paths = await page.getByTestId('clip-row').evaluateAll((rows) => rows.map((r) => (r as unknown as { innerText: string }).innerText));
    for (const clip of sirens) assert.ok(paths.some((p) => p.includes(clip.relativePath)), `${clip.relativePath} listed`);

    await page.getByTestId('clip-row').first().click();
    const view = page.getByTestId('clip-view');
    await view.waitFor();
    assert.match(await view.innerText(), /class: siren/);
    for (const id of ['clip-waveform', 'clip-spectrogram']) {
      await waitForCanvasInk(page, id, 2000);
    }
    await page.getByTestId('clip-view-play').click();
    const state = await waitForPlayback(page);
    assert.equal(state.paused, false);
    assert.ok(state.currentTime > 0.2, `currentTime ${state.currentTime}`);
    await view.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUTPUT_DIR, '20-esc50-siren-playing.png') });
  });

  test('imports LibriSpeech (auto layout) and finds an utterance by its transcript', async () => {
    const libri = corpus.manifest.layouts.librispeech;
    await importFolder('librispeech corpus', join(corpus.root, libri.folder), 'auto');
    const row = page.getByTestId('dataset-row').filter({ hasText: 'librispeech corpus' });
    assert.match(await row.innerText(), /librispeech/);
    await page.getByTestId('clip-count').filter({ hasText: `${libri.clips.length} clips` }).waitFor();
    const target = libri.clips[0]!;
    const word = target.transcript!.split(/\s+/).sort((a, b) => b.length - a.length)[0]!.toLowerCase();
    const matching = libri.clips.filter((c) => c.transcript!.toLowerCase().split(/\s+/).includes(word));
    await page.getByTestId('clip-filter-text').fill(word);
    await page.getByTestId('clip-count').filter({ hasText: new RegExp(`^${matching.length} clips?`) }).waitFor();
    await page.getByTestId('clip-row').first().click();
    await page.getByTestId('clip-transcript').waitFor();
    assert.match((await page.getByTestId('clip-transcript').innerText()).toLowerCase(), new RegExp(word));
    await page.getByTestId('clip-sort-duration').click();
    await page.getByTestId('clip-view').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUTPUT_DIR, '21-librispeech-search.png') });
  });

  test('a folder with broken files: its import report lists every failure', async () => {
    const folder = join(dir.path, 'mixed');
    mkdirSync(folder);
    const good = writeWavFolder(folder);
    const bad = writeBadFiles(folder);
    writeFileSync(join(folder, 'labels.csv'), `path,label,text\n${good.map((c) => `${c.relativePath},${c.relativePath.split('/')[0]},`).join('\n')}\n`);
    await importFolder('mixed folder', folder, 'generic');
    const row = page.getByTestId('dataset-row').filter({ hasText: 'mixed folder' });
    await row.getByTestId('dataset-failures').click();
    const report = page.getByTestId('import-report');
    await report.getByTestId('import-failure').nth(bad.length - 1).waitFor();
    assert.equal(await report.getByTestId('import-failure').count(), bad.length);
    const text = await report.innerText();
    for (const name of bad) assert.ok(text.includes(name), `${name} in the report`);
    await page.screenshot({ path: join(OUTPUT_DIR, '22-import-report.png') });
    assert.deepEqual(problems, []);
  });
});
