/**
 * The UI under load (issue 10): a data folder with 100k clips, 12 SAEs x 6144 analysed features
 * (one per layer) and 100k labels, served by the built `audiosae serve` to Chromium. Measures how
 * long pages take to show their data, scroll frame times, and the renderer's main-thread long tasks
 * (> 50 ms, PerformanceObserver 'longtask') per step. Prints JSON lines; needs `npm run build`.
 *
 *   node --import tsx tests/bench/ui-load.bench.ts [--clips 100000] [--labels 100000] [--saes 12]
 */
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { openBrowserPage } from '../helpers/app-session.js';
import { startServe } from '../helpers/serve-process.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { openFeatureFixture } from '../unit/engine/features/feature-store-fixture.js';

const { values } = parseArgs({ options: { clips: { type: 'string', default: '100000' }, labels: { type: 'string', default: '100000' }, saes: { type: 'string', default: '12' } } });
const CLIPS = Number(values.clips);
const LABELS = Number(values.labels);
const SAES = Number(values.saes);
const WIDTH = 6144;
const WORDS = ['dog', 'bark', 'speech', 'vowel', 'music', 'piano', 'rain', 'wind', 'siren', 'onset', 'silence', 'laughter'];
const ms = (x: number): number => +x.toFixed(1);
const print = (value: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(value)}\n`);

/** The feature fixture's SAE 1 (layer 6) copied to layers 1..SAES, then LABELS labels spread over them. */
function seed(dataDir: string): void {
  const fx = openFeatureFixture(dataDir, { width: WIDTH, dIn: 768, clips: CLIPS, topN: 20, weights: true, seed: 5 });
  const db = fx.store.db;
  db.transaction(() => {
    let layer = 0;
    for (let id = 2; id <= SAES; id++) {
      layer = layer + 1 === 6 ? layer + 2 : layer + 1;
      db.prepare("INSERT INTO saes (id, run_id, model_id, layer, architecture, k, width, seed, status, config, train_key, checkpoint_path, created_at) SELECT ?, run_id, model_id, ?, architecture, k, width, seed, status, config, ?, checkpoint_path, created_at FROM saes WHERE id = 1").run(id, layer, `key${id}`);
      db.prepare('INSERT INTO sae_analyses (sae_id, run_id, frames, top_n, histogram, job_id, created_at) SELECT ?, run_id, frames, top_n, histogram, job_id, created_at FROM sae_analyses WHERE sae_id = 1').run(id);
      db.prepare('INSERT INTO sae_feature_stats SELECT ?, feature, density, mean_activation, max_activation, suggested_label FROM sae_feature_stats WHERE sae_id = 1').run(id);
      db.prepare('INSERT INTO sae_feature_examples SELECT ?, feature, kind, rank, clip_id, frame, time_sec, value, quantile FROM sae_feature_examples WHERE sae_id = 1').run(id);
    }
    // Every feature of the analysed SAEs is labelled; labels beyond SAES x WIDTH go to further SAEs (of other runs, say).
    const extraSaes = Math.max(0, Math.ceil((LABELS - SAES * WIDTH) / WIDTH));
    for (let id = SAES + 1; id <= SAES + extraSaes; id++) {
      db.prepare("INSERT INTO saes (id, run_id, model_id, layer, architecture, k, width, seed, status, config, train_key, created_at) SELECT ?, run_id, model_id, layer, architecture, k, width, ?, status, config, ?, created_at FROM saes WHERE id = 1").run(id, id, `key${id}`);
    }
    const insert = db.prepare("INSERT INTO feature_labels (sae_id, feature, label, notes, tags, author, updated_at) VALUES (?, ?, ?, ?, ?, 'bench', 'now')");
    for (let i = 0; i < LABELS; i++) {
      const w = (j: number) => WORDS[(i * j + (i >> j)) % WORDS.length]!;
      const analysed = i < SAES * WIDTH;
      const sae = analysed ? 1 + (i % SAES) : SAES + 1 + Math.floor((i - SAES * WIDTH) / WIDTH);
      const feature = analysed ? Math.floor(i / SAES) : (i - SAES * WIDTH) % WIDTH;
      insert.run(sae, feature, `${w(1)} ${w(3)} ${i}`, `fires on ${w(5)}`, JSON.stringify([w(7)]));
    }
  })();
  fx.store.dispose();
}

const LONG_TASKS = `
  window.__longTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
`;

/** Runs `step`, then reports its time and the long tasks it caused. */
async function measure(page: Page, name: string, step: () => Promise<unknown>, extra: Record<string, unknown> = {}): Promise<void> {
  await page.evaluate('window.__longTasks.length = 0');
  const start = performance.now();
  await step();
  const elapsed = performance.now() - start;
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => setTimeout(r, 100)))');
  const tasks = (await page.evaluate('window.__longTasks.slice()')) as number[];
  print({ bench: `ui.${name}`, ms: ms(elapsed), longTasks: tasks.length, longestTaskMs: ms(Math.max(0, ...tasks)), longTaskTotalMs: ms(tasks.reduce((a, b) => a + b, 0)), ...extra });
}

const dir = makeTempDir('audiosae-bench-ui-');
const t0 = performance.now();
seed(dir.path);
print({ bench: 'ui.setup', clips: CLIPS, saes: SAES, width: WIDTH, labels: LABELS, seconds: ms((performance.now() - t0) / 1000) });
const serve = await startServe(dir.path);
const session = await openBrowserPage(serve.url, { viewport: { width: 1360, height: 960 }, beforeGoto: async (p) => void (await p.addInitScript(LONG_TASKS)) });
const { page } = session;
try {
  await measure(page, 'datasets.open', async () => {
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('dataset-row').first().click();
    await page.getByTestId('clip-row').first().waitFor({ timeout: 60_000 });
  });
  const scroll = (await page.evaluate(`(async () => {
    const el = document.querySelector('[data-testid="clip-table"]');
    const frames = [];
    let last = performance.now();
    const end = last + 2000;
    await new Promise((resolve) => {
      function step(now) { frames.push(now - last); last = now; el.scrollTop += 600; if (now < end) requestAnimationFrame(step); else resolve(); }
      requestAnimationFrame(step);
    });
    frames.sort((a, b) => a - b);
    return { frames: frames.length, median: frames[frames.length >> 1], p95: frames[Math.floor(frames.length * 0.95)] };
  })()`)) as { frames: number; median: number; p95: number };
  print({ bench: 'ui.clips.scroll', frames: scroll.frames, medianFrameMs: ms(scroll.median), p95FrameMs: ms(scroll.p95) });

  await measure(page, 'features.open', async () => {
    await page.getByTestId('nav-features').click();
    await page.getByTestId('feature-row').first().waitFor({ timeout: 60_000 });
  });
  const layers = (await page.getByTestId('features-layer').locator('option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value))).filter((v) => v !== '');
  for (const layer of layers.slice(0, 3)) {
    await measure(
      page,
      'features.switchLayer',
      async () => {
        await page.getByTestId('features-layer').selectOption(layer);
        await page.getByTestId('feature-row').first().waitFor();
        await page.getByTestId('feature-count').filter({ hasText: /6,144 features/ }).waitFor({ timeout: 30_000 });
      },
      { layer: Number(layer) },
    );
  }
  await measure(page, 'features.search', async () => {
    const before = await page.getByTestId('feature-count').innerText();
    await page.getByTestId('feature-search').fill('piano');
    for (let i = 0; i < 300 && (await page.getByTestId('feature-count').innerText()) === before; i++) await page.waitForTimeout(20);
  });
  await page.getByTestId('feature-search').fill('');
  await measure(page, 'feature.open', async () => {
    await page.getByTestId('feature-row').first().dblclick();
    await page.getByTestId('feature-page').waitFor({ timeout: 30_000 });
    await page.getByTestId('feature-example').first().waitFor({ timeout: 30_000 });
  });
  for (const name of ['training', 'steering', 'evaluations', 'jobs', 'models'] as const) {
    await measure(page, `page.${name}`, async () => {
      await page.getByTestId(`nav-${name}`).click();
      await page.waitForLoadState('networkidle').catch(() => undefined);
    });
  }
} finally {
  await session.close();
  await serve.stop();
  dir.cleanup();
}
