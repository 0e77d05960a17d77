/**
 * Feature browser (issue 7): time to build the `features.get` result (a feature page) for a
 * 6144-wide SAE of d=768 saved to disk, 20 top clips per feature, clips with labels; and
 * `labels.search` over 100k labelled features across SAEs. Prints JSON lines with p50/p95 and
 * the goals (< 200 ms and < 10 ms p95).
 *
 *   node --import tsx tests/bench/features.bench.ts [--labels 100000] [--runs 60]
 */
import { parseArgs } from 'node:util';
import { makeTempDir } from '../helpers/temp-dir.js';
import { openFeatureFixture } from '../unit/engine/features/feature-store-fixture.js';

const { values } = parseArgs({ options: { labels: { type: 'string', default: '100000' }, runs: { type: 'string', default: '60' } } });
const LABELS = Number(values.labels);
const RUNS = Number(values.runs);
const WIDTH = 6144;
const WORDS = ['dog', 'bark', 'speech', 'vowel', 'music', 'piano', 'rain', 'wind', 'siren', 'onset', 'silence', 'laughter', 'fricative', 'guitar', 'engine', 'bird'];

const quantile = (times: number[], q: number): number => {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};
const ms = (x: number): number => +x.toFixed(2);
const print = (value: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(value)}\n`);

const dir = makeTempDir('audiosae-bench-features-');
const t0 = performance.now();
const fx = openFeatureFixture(dir.path, { width: WIDTH, dIn: 768, clips: 2000, topN: 20, weights: true, seed: 3 });
print({ bench: 'features.setup', width: WIDTH, dIn: 768, clips: 2000, topN: 20, seconds: ms((performance.now() - t0) / 1000) });
try {
  const live = fx.stats.filter((s) => s.density > 0).map((s) => s.feature);
  let start = performance.now();
  const first = await fx.service.get(fx.saeId, live[0]!, 10);
  const cold = performance.now() - start;
  if (first.top.length !== 20) throw new Error(`expected 20 top clips, got ${first.top.length}`);
  for (let i = 1; i <= 5; i++) await fx.service.get(fx.saeId, live[i]!, 10);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const feature = live[(i * 97) % live.length]!;
    start = performance.now();
    await fx.service.get(fx.saeId, feature, 10);
    times.push(performance.now() - start);
  }
  print({ bench: 'features.get', topClips: 20, neighbours: 10, width: WIDTH, dIn: 768, runs: RUNS, coldMs: ms(cold), p50Ms: ms(quantile(times, 0.5)), p95Ms: ms(quantile(times, 0.95)), goalP95Ms: 200, ok: quantile(times, 0.95) < 200 });

  // 100k labelled features over several 6144-wide SAEs.
  const db = fx.store.db;
  const saes = Math.ceil(LABELS / WIDTH);
  start = performance.now();
  db.transaction(() => {
    for (let s = 2; s <= saes + 1; s++) db.prepare("INSERT INTO saes (id, run_id, model_id, layer, architecture, k, width, seed, status, config, train_key, created_at) VALUES (?, 1, 1, ?, 'topk', 32, ?, 0, 'complete', '{}', ?, 'now')").run(s, s % 12, WIDTH, `k${s}`);
    const insert = db.prepare("INSERT INTO feature_labels (sae_id, feature, label, notes, tags, author, updated_at) VALUES (?, ?, ?, ?, ?, 'bench', 'now')");
    for (let i = 0; i < LABELS; i++) {
      const w = (j: number) => WORDS[(i * j + (i >> j)) % WORDS.length]!;
      insert.run(2 + Math.floor(i / WIDTH), i % WIDTH, `${w(1)} ${w(3)} ${i}`, `fires on ${w(5)} and ${w(7)} near onsets`, JSON.stringify([w(11)]));
    }
  })();
  print({ bench: 'labels.insert', labels: LABELS, saes, seconds: ms((performance.now() - start) / 1000) });
  const queries = ['dog', 'bark*', 'dog bark', 'fricative vowel', 'sil*', 'laughter onsets', '4242', 'nomatch', 'piano'];
  for (const q of queries) fx.service.search(q, undefined, 50);
  const searchTimes: number[] = [];
  const perQuery: Record<string, number> = {};
  for (let r = 0; r < RUNS; r++) {
    for (const q of queries) {
      start = performance.now();
      fx.service.search(q, undefined, 50);
      const t = performance.now() - start;
      searchTimes.push(t);
      perQuery[q] = Math.max(perQuery[q] ?? 0, t);
    }
  }
  const p95 = quantile(searchTimes, 0.95);
  const oneSae: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    for (const q of queries) {
      start = performance.now();
      fx.service.search(q, 5, 50);
      oneSae.push(performance.now() - start);
    }
  }
  print({ bench: 'labels.search.oneSae', labels: LABELS, limit: 50, runs: oneSae.length, p50Ms: ms(quantile(oneSae, 0.5)), p95Ms: ms(quantile(oneSae, 0.95)), goalP95Ms: 10, ok: quantile(oneSae, 0.95) < 10 });
  // SAE 5 gets SAE 1's statistics so its labelled table can be listed.
  db.exec('INSERT INTO sae_analyses (sae_id, run_id, frames, top_n, histogram, created_at) SELECT 5, run_id, frames, top_n, histogram, created_at FROM sae_analyses WHERE sae_id = 1');
  db.exec('INSERT INTO sae_feature_stats SELECT 5, feature, density, mean_activation, max_activation, suggested_label FROM sae_feature_stats WHERE sae_id = 1');
  const listTimes: number[] = [];
  for (let r = 0; r < 20; r++) {
    for (const query of [{ sort: 'label', filter: 'all' }, { sort: '-density', filter: 'labelled', search: 'dog' }, { sort: 'feature', filter: 'unlabelled' }] as const) {
      start = performance.now();
      fx.service.list({ saeId: 5, offset: 3000, limit: 500, ...query });
      listTimes.push(performance.now() - start);
    }
  }
  print({ bench: 'features.list', width: WIDTH, limit: 500, offset: 3000, runs: listTimes.length, p50Ms: ms(quantile(listTimes, 0.5)), p95Ms: ms(quantile(listTimes, 0.95)) });
  print({ bench: 'labels.search', labels: LABELS, limit: 50, queries: queries.length, runs: searchTimes.length, p50Ms: ms(quantile(searchTimes, 0.5)), p95Ms: ms(p95), maxMsPerQuery: Object.fromEntries(Object.entries(perQuery).map(([q, t]) => [q, ms(t)])), goalP95Ms: 10, ok: p95 < 10 });
} finally {
  await fx.service.dispose();
  fx.store.dispose();
  dir.cleanup();
}
