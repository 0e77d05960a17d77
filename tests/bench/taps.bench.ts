/**
 * Layer-tap benchmark on the full-size whisper-small-shaped fixture (12 x 768, random weights).
 * Prints JSON lines: plain encoder time, all-layer tapped encoder time (goal <= 1.15x plain),
 * extraction real-time factor including writing fp16 shards, and peak RSS.
 *
 *   node --import tsx tests/bench/taps.bench.ts [--runs 8] [--audio-sec 120] [--cache DIR]
 *
 * The fixture (~350 MB) is generated once into the cache dir (default
 * $AUDIOSAE_BENCH_CACHE or ~/.cache/audiosae-lab/bench) and reused.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { JobManager } from '../../electron/engine/jobs/job-manager.js';
import { ActivationsRepo } from '../../electron/engine/extraction/activations-repo.js';
import { extractActivationsJob, type ExtractResult } from '../../electron/engine/extraction/extract-job.js';
import { Store } from '../../electron/engine/store/store.js';
import { TappedWhisperEncoder } from '../../native-models/encoders/tapped-whisper-encoder.js';
import { SeededRandom } from '../../native-models/common/seeded-random.js';
import { WHISPER_SMALL_FIXTURE, writeWhisperEncoderRepo } from '../../native-models/fixtures/whisper-encoder-fixture.js';
import { createSession } from '../../native-models/onnx/runtime.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { encodeWav, whiteNoise } from '../helpers/wav-folder.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '8' },
    'audio-sec': { type: 'string', default: '120' },
    cache: { type: 'string', default: process.env['AUDIOSAE_BENCH_CACHE'] ?? join(homedir(), '.cache', 'audiosae-lab', 'bench') },
  },
});
const runs = Number(values.runs);
const audioSec = Number(values['audio-sec']);
const emit = (record: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'taps', ...record }));
const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function fixtureRepo(): Promise<string> {
  const dir = join(values.cache, 'whisper-small-random');
  if (!existsSync(join(dir, 'onnx', 'encoder_model.onnx'))) {
    const t0 = performance.now();
    mkdirSync(dir, { recursive: true });
    await writeWhisperEncoderRepo(dir, WHISPER_SMALL_FIXTURE);
    emit({ step: 'fixture_generated', dir, ms: Math.round(performance.now() - t0) });
  }
  return dir;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const repo = await fixtureRepo();
const rng = new SeededRandom(5);
const features = { dims: [1, 80, 3000], data: Float32Array.from({ length: 80 * 3000 }, () => rng.uniform() * 2.5 - 1) };

// 1. Extraction of all 13 layers (0..12) to fp16 shards, through the job, on `audioSec` of audio.
//    First, so its peak RSS is measured before the timing step loads two sessions at once.
const tmp = makeTempDir('taps-bench-');
try {
  const clips = [];
  const clipSec = 40;
  for (let i = 0; i * clipSec < audioSec; i++) {
    const sec = Math.min(clipSec, audioSec - i * clipSec);
    const path = join(tmp.path, `clip-${i}.wav`);
    writeFileSync(path, encodeWav([whiteNoise(sec, 16000, i + 1, 0.2)], 16000));
    clips.push({ path, relativePath: `clip-${i}.wav`, sha256: String(i).padStart(64, '0'), durationSec: sec, sampleRate: 16000, channels: 1 });
  }
  const store = Store.open(join(tmp.path, 'data'));
  const jobs = new JobManager(store.jobs);
  const datasetId = store.datasets.createWithClips('bench', tmp.path, null, clips);
  const model = store.models.upsert({ repoId: 'audiosae-fixtures/whisper-small-random', revision: 'main', commit: 'bench', architecture: 'whisper-encoder', snapshotDir: repo, nMels: 80, dModel: 768, layers: 12 });
  jobs.register('activations.extract', extractActivationsJob(store.models, new ActivationsRepo(store.db), { activationsDir: join(tmp.path, 'activations') }));
  const t0 = performance.now();
  const job = await jobs.waitFor(jobs.enqueue('activations.extract', { datasetId, modelId: model.id, layers: 'all', dtype: 'float16' }).id);
  const wallSec = (performance.now() - t0) / 1000;
  if (job.status !== 'succeeded') throw new Error(`extraction ${job.status}: ${JSON.stringify(job.error)}`);
  const result = job.result as ExtractResult;
  emit({ step: 'extraction', audio_sec: result.audioSec, layers: 13, dtype: 'float16', shards: result.shards, frames: result.frames, bytes: result.bytes, wall_sec: Number(wallSec.toFixed(2)), rtf_including_load: Number((wallSec / result.audioSec).toFixed(4)), rtf: Number(result.realTimeFactor.toFixed(4)), device: result.device, peak_rss_mib: peakRssMiB() });
  jobs.dispose();
  store.dispose();
} finally {
  tmp.cleanup();
}

// 2. Plain vs all-layer tapped encoder, batch 1, runs interleaved (plain, tapped, plain, ...) so
//    load from other processes hits both alike; medians and minima.
const plain = await createSession(join(repo, 'onnx', 'encoder_model.onnx'));
const tapped = await TappedWhisperEncoder.load(repo);
const runPlain = () => plain.run({ input_features: features }, ['last_hidden_state']);
const runTapped = () => tapped.encode(features, tapped.taps);
await runPlain();
await runTapped();
const plainMs: number[] = [];
const tappedMs: number[] = [];
for (let i = 0; i < runs; i++) {
  for (const [run, into] of [[runPlain, plainMs], [runTapped, tappedMs]] as const) {
    const t0 = performance.now();
    await run();
    into.push(performance.now() - t0);
  }
}
await plain.dispose();
await tapped.dispose();
const plainMedian = median(plainMs);
const tappedMedian = median(tappedMs);
emit({
  step: 'encoder',
  model: 'whisper-small-shaped (12 x 768)',
  batch: 1,
  runs,
  plain_ms: plainMs.map(Math.round),
  tapped_ms: tappedMs.map(Math.round),
  plain_median_ms: Math.round(plainMedian),
  tapped_median_ms: Math.round(tappedMedian),
  plain_min_ms: Math.round(Math.min(...plainMs)),
  tapped_min_ms: Math.round(Math.min(...tappedMs)),
  taps: 14,
  ratio_median: Number((tappedMedian / plainMedian).toFixed(3)),
  ratio_min: Number((Math.min(...tappedMs) / Math.min(...plainMs)).toFixed(3)),
  goal_ratio: 1.15,
});
emit({ step: 'summary', peak_rss_mib: peakRssMiB(), cpus: (await import('node:os')).cpus().length, node: process.version });
