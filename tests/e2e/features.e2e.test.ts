/**
 * The feature browser in a real browser against `audiosae serve`: a labelled generated dataset
 * (tone / noise / chirp) is extracted and a small SAE trained and analysed through the engine
 * (tests/helpers/analysed-sae.ts, over the served app's WebSocket). Then, in Chromium: the
 * Features page (table + density histogram), a feature page (waveform + activation overlay, the
 * peak window plays), labelling with the keyboard only, moving on, reload + FTS search, export and
 * re-import, two windows editing the same label, and a clip's feature strip in the dataset browser.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { connectWebSocket } from '../../electron/engine/transports/websocket-client.js';
import { prepareAnalysedSae, type AnalysedSae } from '../helpers/analysed-sae.js';
import { E2E_OUTPUT_DIR as OUTPUT_DIR, openAppSession, unexpectedConsoleErrors, type HubAppSession } from '../helpers/app-session.js';
import { waitForInk, waitForPlayback } from '../helpers/page-probes.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const VIEWPORT = { width: 1360, height: 960 };

/** Polls `read` until `accept` holds (up to `timeoutMs`); the last value. */
async function until<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value) && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

async function openedFeature(page: Page): Promise<number> {
  await page.getByTestId('feature-page').waitFor();
  return Number(await page.getByTestId('feature-page').getAttribute('data-feature'));
}

async function saveState(page: Page): Promise<string | null> {
  return page.getByTestId('label-save-state').getAttribute('data-state');
}

describe('feature browser in Chromium against audiosae serve', () => {
  const dir = makeTempDir('audiosae-e2e-features-');
  let session: HubAppSession | undefined;
  let client: RpcClient | undefined;
  let prepared: AnalysedSae;
  let labelled: number;

  const live = () => {
    if (!session || !client) throw new Error('The app session is not open (its before() hook failed).');
    return { session, page: session.page, client };
  };

  before(async () => {
    session = await openAppSession({ dataDir: join(dir.path, 'data'), withHub: true, viewport: VIEWPORT });
    const url = new URL(session.serve.url);
    client = new RpcClient(await connectWebSocket(`ws://127.0.0.1:${url.port}/rpc?token=${url.searchParams.get('token')}`));
    prepared = await prepareAnalysedSae(client, { repoId: session.hub.repoId, workDir: dir.path });
  });

  after(async () => {
    client?.dispose();
    await session?.close();
    dir.cleanup();
  });

  test('open a feature, see and hear its peak, label it by keyboard, move on; after a reload the label is there and FTS finds it', async () => {
    const { page } = live();
    await page.getByTestId('nav-features').click();
    await page.getByTestId('feature-row').first().waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('features-sae').inputValue(), String(prepared.saeId), 'the analysed SAE is picked');
    await waitForInk(page.getByTestId('density-histogram'));
    assert.match(await page.getByTestId('feature-count').innerText(), /128 features/, 'all 128 latents listed');

    // Strongest first, then open the top row from the keyboard.
    await page.getByTestId('feature-sort-max').click();
    await page.locator('[data-testid="feature-sort-max"]').filter({ hasText: '▼' }).waitFor();
    await page.getByTestId('feature-row').first().waitFor();
    await page.screenshot({ path: join(OUTPUT_DIR, 'features-01-table.png') });
    await page.getByTestId('feature-table').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    labelled = await openedFeature(page);

    const strip = page.locator('[data-testid="example-waveform"][data-has-activation="true"]').first();
    await strip.waitFor({ timeout: 15_000 });
    await waitForInk(strip, 50);
    assert.ok((await page.getByTestId('feature-example').count()) > 0, 'top examples listed');

    // ']' -> 2 s context; '1' plays the window around example 1's peak.
    await page.keyboard.press(']');
    await page.locator('[data-testid="context-2"][aria-checked="true"]').waitFor();
    await page.keyboard.press('1');
    const playback = await waitForPlayback(page);
    assert.ok(playback.currentTime > 0.2, `the peak window plays (currentTime ${playback.currentTime})`);
    assert.ok(playback.duration <= 2.1, `only the window was fetched (${playback.duration} s)`);
    await waitForInk(page.getByTestId('clip-spectrogram'));

    // Keyboard only: l focuses the label, type, Enter saves and leaves, c sets confidence.
    await page.keyboard.press('l');
    await page.locator('[data-testid="label-input"]:focus').waitFor();
    await page.keyboard.type('steady tone');
    // Keys typed in the field are not shortcuts ('a' accepts a suggestion, Space replays, 'n'...).
    assert.equal(await page.getByTestId('label-input').inputValue(), 'steady tone', 'typed into the field');
    assert.equal(await openedFeature(page), labelled, 'still the same feature');
    await page.keyboard.press('Enter');
    await page.keyboard.press('c');
    await page.locator('[data-testid="label-confidence-low"][aria-checked="true"]').waitFor();
    assert.equal(await until(() => saveState(page), (s) => s === 'saved'), 'saved', 'autosaved');
    await page.screenshot({ path: join(OUTPUT_DIR, 'features-02-feature.png') });
    const saved = await live().client.call('features.get', { saeId: prepared.saeId, feature: labelled });
    assert.equal(saved.label?.label, 'steady tone', 'the engine has the label');

    await page.keyboard.press('j');
    const next = await until(() => openedFeature(page), (f) => f !== labelled);
    assert.notEqual(next, labelled, 'j moved to the next feature');
    await page.keyboard.press('k');
    assert.equal(await until(() => openedFeature(page), (f) => f === labelled), labelled, 'k came back');
    assert.equal(await until(() => page.getByTestId('label-input').inputValue(), (v) => v === 'steady tone'), 'steady tone', 'the label is shown');

    await page.reload();
    await page.getByTestId('engine-status').filter({ hasText: 'Connected' }).waitFor();
    await page.getByTestId('nav-features').click();
    await page.getByTestId('feature-row').first().waitFor({ timeout: 15_000 });
    await page.getByTestId('feature-search').fill('steady');
    await until(() => page.getByTestId('feature-count').innerText(), (t) => /^1 feature\b/.test(t));
    assert.match(await page.getByTestId('feature-count').innerText(), /^1 feature\b/, 'FTS finds exactly the labelled feature');
    const found = page.getByTestId('feature-row').first();
    assert.equal(Number(await found.getAttribute('data-feature')), labelled, 'the labelled feature');
    assert.match(await found.innerText(), /steady tone[\s\S]*low/, 'with its label and confidence after the reload');
    await page.getByTestId('feature-search').fill('tone');
    await until(() => page.getByTestId('feature-count').innerText(), (t) => /^1 feature\b/.test(t));
    assert.match(await page.getByTestId('feature-count').innerText(), /^1 feature\b/, 'a word of the label finds it too');
    await page.getByTestId('feature-search').fill('');
  });

  test('export JSON and import it again: the same file comes back', async () => {
    const { page } = live();
    const exportJson = async (name: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('labels-export-json').click()]);
      const path = join(dir.path, name);
      await download.saveAs(path);
      return { path, text: readFileSync(path, 'utf8') };
    };
    const first = await exportJson('labels-1.json');
    assert.match(first.text, /steady tone/, 'the export holds the label');
    await page.getByTestId('labels-import-file').setInputFiles(first.path);
    await page.getByTestId('labels-import-result').waitFor();
    const second = await exportJson('labels-2.json');
    assert.equal(second.text, first.text, 'export -> import -> export is identical');
  });

  test('two windows on one label: an edit in one appears in the other, whose edit of another field survives', async () => {
    const { session: s, page } = live();
    const other = await s.browser.newPage({ viewport: VIEWPORT });
    try {
      await other.goto(s.serve.url);
      await other.getByTestId('engine-status').filter({ hasText: 'Connected' }).waitFor();
      for (const p of [page, other]) {
        await p.getByTestId('nav-features').click();
        await p.getByTestId('feature-search').fill('steady');
        await p.getByTestId('feature-count').filter({ hasText: /^1 feature\b/ }).waitFor();
        await p.locator(`[data-testid="feature-row"][data-feature="${labelled}"]`).dblclick();
        await p.getByTestId('feature-page').waitFor();
      }
      // The other window starts a note (focus stays in the field) ...
      await other.getByTestId('label-notes').click();
      await other.keyboard.type('only on pure tones');
      // ... while this one changes the label.
      await page.getByTestId('label-input').fill('steady tone, high pitch');
      await page.getByTestId('label-input').press('Enter');
      assert.equal(await until(() => other.getByTestId('label-input').inputValue(), (v) => v === 'steady tone, high pitch'), 'steady tone, high pitch', 'the other window shows the new label');
      assert.equal(await other.getByTestId('label-notes').inputValue(), 'only on pure tones', 'its note in progress is kept');
      await other.keyboard.press('Escape');
      assert.equal(await until(() => saveState(other), (st) => st === 'saved'), 'saved');
      assert.equal(await until(() => page.getByTestId('label-notes').inputValue(), (v) => v === 'only on pure tones'), 'only on pure tones', 'and its note reaches the first window');
      const both = await live().client.call('features.get', { saeId: prepared.saeId, feature: labelled });
      assert.deepEqual([both.label?.label, both.label?.notes], ['steady tone, high pitch', 'only on pure tones'], 'the engine has both fields');
    } finally {
      await other.close();
    }
  });

  test("a clip's feature strip in the dataset browser opens a feature's page", async () => {
    const { page } = live();
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('dataset-row').filter({ hasText: 'labelled' }).click();
    await page.getByTestId('clip-row').first().click();
    await page.getByTestId('clip-features').waitFor({ timeout: 15_000 });
    await waitForInk(page.getByTestId('clip-feature-heat'));
    await page.getByTestId('clip-view').screenshot({ path: join(OUTPUT_DIR, 'features-03-clip-strip.png') });
    const link = page.getByTestId('clip-feature-link').first();
    const feature = Number(await link.getAttribute('data-feature'));
    // (Dark theme for this page: its canvases draw with the dark palette.)
    await page.emulateMedia({ colorScheme: 'dark' });
    await link.click();
    assert.equal(await openedFeature(page), feature, 'the feature page of the clicked row');
    await page.locator('[data-testid="example-waveform"][data-has-activation="true"]').first().waitFor();
    await waitForInk(page.getByTestId('clip-spectrogram'));
    await page.screenshot({ path: join(OUTPUT_DIR, 'features-04-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    assert.deepEqual(unexpectedConsoleErrors(live().session.consoleErrors), [], 'no console errors');
  });
});
