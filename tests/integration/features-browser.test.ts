/**
 * The feature browser and labels end to end through RpcClient on a trained, analysed fixture SAE
 * (tests/helpers/analysed-sae.ts): the feature table, a feature page (examples, enrichment checked
 * against an independent count, decoder neighbours), per-clip activations checked against a plain
 * TS TopK encode of the shard rows, labels with events, undo and search, and the CLI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { EngineEvent, FeatureDetail } from '../../electron/common/contract.js';
import type { RpcClient } from '../../electron/common/rpc-client.js';
import type { Engine } from '../../electron/engine/engine.js';
import { readSafetensorsTensor } from '../../native-models/formats/safetensors.js';
import { loadSaeCheckpoint } from '../../native-models/sae/sae-checkpoint.js';
import { prepareAnalysedSae, ANALYSED_LAYER, CLIP_CLASSES, type AnalysedSae } from '../helpers/analysed-sae.js';
import { startTestHub, type TestHub } from '../helpers/fixture-hub.js';
import { openInProcessEngine, type InProcessEngine } from '../helpers/in-process-engine.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const TSX = import.meta.resolve('tsx');
const CLI = join(import.meta.dirname, '..', '..', 'electron', 'engine', 'cli', 'cli.ts');

let hub: TestHub;
let dir: ReturnType<typeof makeTempDir>;
let engine: Engine;
let client: RpcClient;
let prepared: AnalysedSae;
let events: EngineEvent[];
let session: InProcessEngine;
/** A feature that fired on the run (labelled by the label tests). */
let live = -1;

before(async () => {
  hub = await startTestHub();
  dir = makeTempDir('features-browser-');
  session = openInProcessEngine({
    dataDir: join(dir.path, 'data'),
    testHub: hub,
    extraction: { shardFrames: 700, batchSize: 4 },
    training: { intraOpThreads: 1 },
    analysis: { batchRows: 256 },
  });
  ({ engine, client, events } = session);
  prepared = await prepareAnalysedSae(client, { repoId: hub.repoId, workDir: dir.path });
});

after(async () => {
  await session.close();
  await hub.close();
  dir.cleanup();
});

function audiosae(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', TSX, CLI, '--data-dir', join(dir.path, 'data'), ...args], { cwd: dir.path, encoding: 'utf8', timeout: 90_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('the feature table pages over every feature; dead and dense agree with the stats', async () => {
  const sae = (await client.call('saes.list', {})).find((s) => s.id === prepared.saeId)!;
  const all = await client.call('features.list', { saeId: prepared.saeId, limit: 10_000 });
  assert.equal(all.total, sae.width, 'a row per feature');
  assert.deepEqual(all.rows.map((r) => r.feature), Array.from({ length: sae.width }, (_, i) => i), 'in feature order');
  const dead = await client.call('features.list', { saeId: prepared.saeId, filter: 'dead', limit: 10_000 });
  assert.deepEqual(dead.rows.map((r) => r.feature), all.rows.filter((r) => r.density === 0).map((r) => r.feature), 'dead = density 0');
  live = all.rows.find((r) => r.density > 0)!.feature;
  const byMax = await client.call('features.list', { saeId: prepared.saeId, sort: '-max', limit: 3 });
  assert.deepEqual(byMax.rows.map((r) => r.maxActivation), all.rows.map((r) => r.maxActivation).sort((a, b) => b - a).slice(0, 3), 'sorted by max, strongest first');
});

test('a feature page: top clips with their labels, enrichment against an independent count, and decoder neighbours', async () => {
  const all = await client.call('features.list', { saeId: prepared.saeId, sort: '-density', limit: 10_000 });
  const feature = all.rows.find((r) => r.density > 0)!.feature;
  const detail: FeatureDetail = await client.call('features.get', { saeId: prepared.saeId, feature });
  assert.ok(detail.top.length > 0, 'top examples');
  assert.equal(detail.frameRateHz, 50, 'Whisper frame rate');
  const counts = new Map<string, number>();
  for (const e of detail.top) {
    const clip = await client.call('clips.get', { clipId: e.clipId });
    assert.equal(e.relativePath, clip.relativePath, 'clip path joined');
    assert.deepEqual(e.labels, clip.labels, 'clip labels joined');
    for (const [k, vs] of Object.entries(clip.labels)) for (const v of vs) counts.set(`${k}=${v}`, (counts.get(`${k}=${v}`) ?? 0) + 1);
  }
  const base = await client.call('datasets.labelCounts', { datasetId: prepared.datasetId });
  const clips = (await client.call('datasets.get', { datasetId: prepared.datasetId })).clipCount;
  for (const row of detail.enrichment) {
    assert.equal(row.count, counts.get(row.label), `${row.label}: count`);
    assert.equal(row.of, detail.top.length, `${row.label}: of`);
    const n = base.find((b) => `${b.key}=${b.value}` === row.label)!.count;
    assert.ok(Math.abs(row.baseRate - n / clips) < 1e-12, `${row.label}: base rate`);
  }
  const majority = [...counts].filter(([, n]) => n >= detail.top.length / 2 && n >= 2).sort((a, b) => b[1] - a[1])[0];
  if (majority && majority[1] / detail.top.length >= 1.5 * (1 / CLIP_CLASSES.length)) assert.equal(detail.suggestedLabel, majority[0], 'the majority class of the top clips is suggested');
  assert.equal(detail.neighbours.length, 10, 'ten neighbours by default');
  assert.ok(detail.neighbours.every((n, i) => n.feature !== feature && n.cosine <= 1 + 1e-6 && (i === 0 || n.cosine <= detail.neighbours[i - 1]!.cosine)), 'most similar first, never itself');
});

test('clip activations equal a plain TS TopK encode of the clip rows read from the shards', async () => {
  const clipId = prepared.clips.tone[0]!;
  const result = await client.call('features.clipActivations', { saeId: prepared.saeId, clipId, limit: 5 });
  const sae = (await client.call('saes.list', {})).find((s) => s.id === prepared.saeId)!;
  const run = (await client.call('activations.runs', {})).find((r) => r.id === prepared.runId)!;
  const { weights: w } = await loadSaeCheckpoint(sae.checkpointPath!);
  const spans = engine.store.db
    .prepare('SELECT s.first_frame AS firstFrame, s.frames, s.row_offset AS rowOffset, s.start_sec AS startSec, h.file FROM activation_spans s JOIN activation_shards h ON h.run_id = s.run_id AND h.shard_index = s.shard_index WHERE s.run_id = ? AND s.clip_id = ? ORDER BY s.first_frame')
    .all(run.id, clipId) as { firstFrame: number; frames: number; rowOffset: number; startSec: number; file: string }[];
  const rows: Float32Array[] = [];
  for (const s of spans) {
    const { data } = await readSafetensorsTensor(join(run.dir, s.file), `layer_${ANALYSED_LAYER}`);
    for (let f = 0; f < s.frames; f++) rows.push(data.slice((s.rowOffset + f) * w.dIn, (s.rowOffset + f + 1) * w.dIn));
  }
  assert.equal(result.frames, rows.length, 'a value per frame of the clip');
  assert.equal(result.startSec, spans[0]!.startSec, 'start time');
  const codes = rows.map((x) => {
    const pre = Array.from({ length: w.dSae }, (_, j) => {
      let s = w.b_enc[j]!;
      for (let i = 0; i < w.dIn; i++) s += (x[i]! - w.b_dec[i]!) * w.W_enc[i * w.dSae + j]!;
      return s;
    });
    const kth = [...pre].sort((a, b) => b - a)[sae.k - 1]!;
    return pre.map((v) => (v > 0 && v >= kth ? v : 0));
  });
  const peak = Array.from({ length: w.dSae }, (_, j) => Math.max(...codes.map((c) => c[j]!)));
  const strongest = peak.map((p, j) => [p, j] as const).filter(([p]) => p > 0).sort((a, b) => b[0] - a[0]).slice(0, 5).map(([, j]) => j);
  assert.deepEqual(result.features.map((f) => f.feature), strongest, 'the five strongest features on the clip');
  for (const f of result.features) {
    f.values.forEach((v, t) => assert.ok(Math.abs(v - codes[t]![f.feature]!) < 1e-3 * (1 + Math.abs(v)), `feature ${f.feature} frame ${t}: ${v} vs ${codes[t]![f.feature]}`));
  }
  const chosen = await client.call('features.clipActivations', { saeId: prepared.saeId, clipId, features: [strongest[1]!, 0] });
  assert.deepEqual(new Set(chosen.features.map((f) => f.feature)), new Set([strongest[1]!, 0]), 'the requested features');
  await assert.rejects(client.call('features.clipActivations', { saeId: prepared.saeId, clipId: 999_999 }), /Clip 999999 is not in activation run/, 'a clip outside the run');
});

test('labels through RPC: patch, event, undo, search, export and re-import', async () => {
  const saeId = prepared.saeId;
  events.length = 0;
  const saved = await client.call('labels.set', { saeId, feature: live, patch: { label: 'steady tone', tags: ['tonal'] }, author: 'tester' });
  assert.deepEqual(events.filter((e) => e.type === 'labels.changed'), [{ type: 'labels.changed', label: saved }], 'labels.changed carries the saved label');
  await client.call('labels.set', { saeId, feature: live, patch: { notes: 'pure sine' } });
  const hits = await client.call('labels.search', { query: 'sine', saeId });
  assert.deepEqual(hits.map((h) => [h.feature, h.label]), [[live, 'steady tone']], 'FTS finds it by notes');
  const undone = await client.call('labels.undo', { saeId, feature: live });
  assert.equal(undone.notes, '', 'undo removes the notes');
  assert.equal((await client.call('labels.history', { saeId, feature: live })).length, 3, 'three versions');
  const page = await client.call('features.list', { saeId, filter: 'labelled', search: 'tonal' });
  assert.deepEqual(page.rows.map((r) => r.feature), [live], 'the table finds it by tag');
  const csv = await client.call('labels.export', { saeId, format: 'csv' });
  assert.equal((await client.call('labels.import', { saeId, format: 'csv', text: csv.text })).unchanged, 1, 'a re-import changes nothing');
});

test('CLI: features top / list, labels export --out and import', () => {
  const top = audiosae('features', 'top', String(prepared.saeId), String(live));
  assert.equal(top.code, 0, top.stderr);
  assert.match(top.stdout, new RegExp(`^Feature ${live} of SAE \\d+: density .*label "steady tone"`, 'm'), 'header with the label');
  assert.match(top.stdout, /^ {2}1\.\t.*\t.* s\t(tone|noise|chirp)\//m, 'ranked top clips');
  const list = audiosae('features', 'list', String(prepared.saeId), '--filter', 'labelled');
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`^1 features\n${live}\t.*\tsteady tone`, 'm'), 'the labelled feature');
  const out = join(dir.path, 'labels.csv');
  const exported = audiosae('labels', 'export', String(prepared.saeId), '--out', 'labels.csv');
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(readFileSync(out, 'utf8'), /^sae_id,feature,label,notes,confidence,tags,unclear,author,updated_at\r\n\d+,\d+,steady tone,,,tonal,false,/, 'CSV written');
  const other = live === 5 ? 6 : 5;
  const edited = readFileSync(out, 'utf8').replace('steady tone', '"steady, clean tone"') + `${prepared.saeId},${other},"multi\nline",,high,,true,me,2026-01-01T00:00:00.000Z\r\n${prepared.saeId},x,bad,,,,,,\r\n`;
  const path = join(dir.path, 'edited.csv');
  writeFileSync(path, edited);
  const imported = audiosae('labels', 'import', String(prepared.saeId), 'edited.csv');
  assert.equal(imported.code, 1, 'a skipped row makes the exit code 1');
  assert.match(imported.stdout, /^2 labels imported, 0 unchanged, 1 rows skipped:\n {2}Row 4: feature 'x'/m, imported.stdout + imported.stderr);
  const json = audiosae('labels', 'export', String(prepared.saeId), '--format', 'json');
  const labels = (JSON.parse(json.stdout) as { labels: { feature: number; label: string }[] }).labels;
  assert.deepEqual(labels.map((l) => [l.feature, l.label]), [[live, 'steady, clean tone'], [other, 'multi\nline']].sort((x, y) => (x[0] as number) - (y[0] as number)), 'imported labels exported as JSON on stdout');
});
