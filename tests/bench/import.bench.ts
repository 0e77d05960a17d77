/**
 * Dataset import benchmark (issue 4). Prints JSON lines:
 *   import.many   — a corpus of many short WAV files: audio hours per minute, peak RSS
 *   import.long   — ONE 3-hour 16 kHz WAV (~345 MB, stream-written, deleted after): same numbers
 *   decode.window — probe + decode a 10 s window 2.5 h into the long file (seek), ms
 *   decode.stream — waveform peaks over the whole long file by streaming decode, s and peak RSS
 * Peak RSS is sampled every 10 ms during each step (and `maxRSS` of the process at the end);
 * the goal is < 500 MB whatever the file length.
 *
 *   node --import tsx tests/bench/import.bench.ts [--files 1000] [--file-sec 3] [--long-hours 3]
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { decodeAudioRange } from '../../electron/engine/audio/decode.js';
import { probeAudio } from '../../electron/engine/audio/probe.js';
import { wavHeader16 } from '../../electron/engine/audio/wav-encode.js';
import type { ImportFolderResult } from '../../electron/engine/datasets/import-folder-job.js';
import { Engine } from '../../electron/engine/engine.js';
import { createInProcessChannelPair } from '../../electron/engine/transports/in-process-channel.js';
import { waitForJob } from '../helpers/jobs.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { encodeWav, tone } from '../helpers/wav-folder.js';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '1000' },
    'file-sec': { type: 'string', default: '3' },
    'long-hours': { type: 'string', default: '3' },
  },
});
const FILES = Number(values.files);
const FILE_SEC = Number(values['file-sec']);
const LONG_HOURS = Number(values['long-hours']);
const MB = 1024 * 1024;

class RssSampler {
  #peak = 0;
  readonly #timer = setInterval(() => this.sample(), 10);
  sample(): void {
    this.#peak = Math.max(this.#peak, process.memoryUsage.rss());
  }
  stop(): number {
    this.sample();
    clearInterval(this.#timer);
    return Math.round(this.#peak / MB);
  }
}

function emit(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

/** A 16 kHz mono 16-bit WAV of `hours`, stream-written in 320 KB blocks. */
async function writeLongWav(path: string, hours: number): Promise<number> {
  const rate = 16000;
  const frames = Math.round(hours * 3600 * rate);
  const out = createWriteStream(path);
  out.write(wavHeader16(rate, frames * 2));
  // Ten seconds of a sweep plus a hum, computed once and written over and over.
  const pattern = Buffer.alloc(10 * rate * 2);
  for (let i = 0; i < 10 * rate; i++) {
    const t = i / rate;
    const v = 0.3 * Math.sin(2 * Math.PI * (220 + 20 * t) * t) + 0.05 * Math.sin(2 * Math.PI * 50 * t);
    pattern.writeInt16LE(Math.round(v * 32767), 2 * i);
  }
  for (let written = 0; written < frames; written += 10 * rate) {
    const n = Math.min(10 * rate, frames - written);
    if (!out.write(pattern.subarray(0, n * 2))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return frames / rate;
}

const dir = makeTempDir('audiosae-bench-import-');
const engine = Engine.open({ dataDir: join(dir.path, 'data') });
const [clientEnd, engineEnd] = createInProcessChannelPair();
engine.connect(engineEnd);
const client = new RpcClient(clientEnd);

async function timedImport(name: string, folder: string): Promise<{ seconds: number; peakRssMB: number; result: ImportFolderResult }> {
  const sampler = new RssSampler();
  const t0 = performance.now();
  const { jobId } = await client.call('datasets.importFolder', { name, folder });
  const job = await waitForJob(client, jobId, 30 * 60_000);
  const seconds = (performance.now() - t0) / 1000;
  const peakRssMB = sampler.stop();
  if (job.status !== 'succeeded') throw new Error(`${name} import ${job.status}: ${JSON.stringify(job.error)}`);
  return { seconds, peakRssMB, result: job.result as ImportFolderResult };
}

try {
  // Many short files.
  const many = join(dir.path, 'many');
  mkdirSync(join(many, 'a'), { recursive: true });
  mkdirSync(join(many, 'b'), { recursive: true });
  for (let i = 0; i < FILES; i++) {
    const sub = i % 2 === 0 ? 'a' : 'b';
    writeFileSync(join(many, sub, `clip-${String(i).padStart(5, '0')}.wav`), encodeWav([tone(100 + (i % 3000), FILE_SEC, 16000)], 16000));
  }
  const m = await timedImport('many', many);
  const manyHours = (FILES * FILE_SEC) / 3600;
  emit({
    bench: 'import.many',
    files: m.result.imported,
    audioHours: +manyHours.toFixed(3),
    seconds: +m.seconds.toFixed(2),
    filesPerSecond: +(m.result.imported / m.seconds).toFixed(1),
    audioHoursPerMinute: +(manyHours / (m.seconds / 60)).toFixed(1),
    peakRssMB: m.peakRssMB,
  });

  // One 3-hour file.
  const long = join(dir.path, 'long');
  mkdirSync(long);
  const longPath = join(long, 'three-hours.wav');
  const tWrite = performance.now();
  const longSec = await writeLongWav(longPath, LONG_HOURS);
  const writeSeconds = (performance.now() - tWrite) / 1000;
  const l = await timedImport('long', long);
  emit({
    bench: 'import.long',
    files: l.result.imported,
    audioHours: +(longSec / 3600).toFixed(3),
    fileMB: Math.round((longSec * 32000) / MB),
    writeSeconds: +writeSeconds.toFixed(1),
    seconds: +l.seconds.toFixed(2),
    audioHoursPerMinute: +(longSec / 3600 / (l.seconds / 60)).toFixed(1),
    peakRssMB: l.peakRssMB,
  });

  // Probe + a window deep into the long file (a seek, not a decode of what is before it).
  let sampler = new RssSampler();
  let t0 = performance.now();
  const probe = await probeAudio(longPath);
  const start = Math.min(2.5 * 3600, probe.durationSec - 20);
  const window = await decodeAudioRange(longPath, { startSec: start, durationSec: 10, targetRate: 16000 });
  emit({
    bench: 'decode.window',
    probedDurationSec: probe.durationSec,
    startSec: start,
    windowSamples: window.samples.length,
    ms: +(performance.now() - t0).toFixed(1),
    peakRssMB: sampler.stop(),
  });

  // The whole long file, streamed (waveform peaks through the RPC).
  const [clip] = (await client.call('clips.list', { datasetId: l.result.datasetId })).clips;
  sampler = new RssSampler();
  t0 = performance.now();
  const peaks = await client.call('clips.peaks', { clipId: clip!.id, points: 4000 });
  const streamSeconds = (performance.now() - t0) / 1000;
  emit({
    bench: 'decode.stream',
    points: peaks.peaks.length / 2,
    seconds: +streamSeconds.toFixed(2),
    audioHoursPerMinute: +(longSec / 3600 / (streamSeconds / 60)).toFixed(1),
    peakRssMB: sampler.stop(),
  });
  emit({ bench: 'import.process', maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) });
} finally {
  client.dispose();
  await engine.close();
  dir.cleanup();
}
