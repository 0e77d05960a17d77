/**
 * Issue 4, engine side: every corpus layout of the generated corpus imports through the RPC
 * (in-process transport) with the labels and transcripts the generator wrote; every format
 * decodes to the right frequency and level; the resampler keeps what it should and removes
 * what it must; bad files become report rows and leave a clean database; cancel + resume
 * equals an uninterrupted import.
 */
import assert from 'node:assert/strict';
import { copyFileSync, chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ClipRow } from '../../electron/common/contract.js';
import type { JobSnapshot } from '../../electron/common/jobs.js';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { decodeAudioRange } from '../../electron/engine/audio/decode.js';
import { probeAudio } from '../../electron/engine/audio/probe.js';
import { wavHeader16 } from '../../electron/engine/audio/wav-encode.js';
import type { ImportFolderResult } from '../../electron/engine/datasets/import-folder-job.js';
import { Engine } from '../../electron/engine/engine.js';
import { createInProcessChannelPair } from '../../electron/engine/transports/in-process-channel.js';
import { FFMPEG_MISSING, ensureCorpus, type CorpusLayout, type CorpusManifest } from '../corpus/generate-corpus.js';
import { waitForJob } from '../helpers/jobs.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { encodeWav, tone } from '../helpers/wav-folder.js';

/** Power of `x` at `frequency` (Goertzel). */
function power(x: Float32Array, sampleRate: number, frequency: number): number {
  const w = (2 * Math.PI * frequency) / sampleRate;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s = x[i]! + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return s1 * s1 + s2 * s2 - c * s1 * s2;
}

function dominantFrequency(x: Float32Array, sampleRate: number): number {
  let best = 0;
  let bestPower = -1;
  for (let f = 50; f < sampleRate / 2; f += 25) {
    const p = power(x, sampleRate, f);
    if (p > bestPower) [best, bestPower] = [f, p];
  }
  return best;
}

/** The strongest frequency within `around ± span` Hz, to 0.5 Hz. */
function refinedFrequency(x: Float32Array, sampleRate: number, around: number, span = 25): number {
  let best = around;
  let bestPower = -1;
  for (let f = around - span; f <= around + span; f += 0.5) {
    const p = power(x, sampleRate, f);
    if (p > bestPower) [best, bestPower] = [f, p];
  }
  return best;
}

/** Largest normalised cross-correlation of `x` and `y` over lags -maxLag..maxLag, and its lag. */
function bestCorrelation(x: Float32Array, y: Float32Array, maxLag: number): { correlation: number; lag: number } {
  let best = { correlation: -1, lag: 0 };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let i = maxLag; i < x.length - maxLag; i++) {
      const a = x[i]!;
      const b = y[i + lag] ?? 0;
      xy += a * b;
      xx += a * a;
      yy += b * b;
    }
    const correlation = xy / Math.sqrt(xx * yy);
    if (correlation > best.correlation) best = { correlation, lag };
  }
  return best;
}

function rms(x: Float32Array): number {
  let sum = 0;
  for (const v of x) sum += v * v;
  return Math.sqrt(sum / Math.max(1, x.length));
}

function sortedLabels(labels: Record<string, string[]>): Record<string, string[]> {
  const entries = Object.entries(labels).map(([k, v]): [string, string[]] => [k, [...v].sort()]);
  return Object.fromEntries(entries.sort((x, y) => x[0].localeCompare(y[0])));
}

describe('dataset import of the generated corpus', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let client: RpcClient;
  let corpus: { root: string; manifest: CorpusManifest };
  const datasetIds = new Map<CorpusLayout, number>();

  async function importFolder(name: string, folder: string, layout?: string): Promise<JobSnapshot> {
    const { jobId } = await client.call('datasets.importFolder', { name, folder, ...(layout ? { layout } : {}) } as {
      name: string;
      folder: string;
    });
    return waitForJob(client, jobId);
  }

  async function allClips(datasetId: number): Promise<ClipRow[]> {
    return (await client.call('clips.list', { datasetId, limit: 1000 })).clips;
  }

  before(async () => {
    corpus = await ensureCorpus();
    dir = makeTempDir();
    engine = Engine.open({ dataDir: join(dir.path, 'data') });
    const [clientEnd, engineEnd] = createInProcessChannelPair();
    engine.connect(engineEnd);
    client = new RpcClient(clientEnd);
  });

  after(async () => {
    client.dispose();
    await engine.close();
    dir.cleanup();
  });

  for (const layout of ['librispeech', 'esc50', 'musan', 'fsd50k', 'wham', 'commonvoice', 'generic'] as const) {
    test(`${layout}: detected, every clip with the generator's labels, transcript and format`, async () => {
      const expected = corpus.manifest.layouts[layout];
      const job = await importFolder(layout, join(corpus.root, expected.folder));
      assert.equal(job.status, 'succeeded', `import job ${JSON.stringify(job.error)}`);
      const result = job.result as ImportFolderResult;
      assert.equal(result.layout, layout, 'auto detection picks the layout');
      assert.deepEqual(result.failures, [], 'no file of the corpus fails');
      assert.equal(result.imported, expected.clips.length, 'imported count');
      datasetIds.set(layout, result.datasetId);
      const summary = await client.call('datasets.get', { datasetId: result.datasetId });
      assert.equal(summary.layout, layout, 'summary layout');
      assert.equal(summary.clipCount, expected.clips.length, 'summary clip count');
      assert.equal(summary.failedFiles, 0, 'summary failed files');
      const rows = new Map((await allClips(result.datasetId)).map((c) => [c.relativePath.split('\\').join('/'), c]));
      assert.equal(rows.size, expected.clips.length, 'one row per file');
      for (const clip of expected.clips) {
        const row = rows.get(clip.relativePath);
        assert.ok(row, `${clip.relativePath} imported`);
        assert.deepEqual(sortedLabels(row.labels), sortedLabels(clip.labels), `${clip.relativePath} labels`);
        assert.equal(row.transcript, clip.transcript, `${clip.relativePath} transcript`);
        assert.equal(row.format, clip.format, `${clip.relativePath} format`);
        assert.ok(row.durationSec > 0.2 && row.durationSec < 10, `${clip.relativePath} duration ${row.durationSec}`);
        assert.match(row.sha256, /^[0-9a-f]{64}$/, 'sha256');
      }
    });
  }

  test('an explicit layout is used as given; an unknown one is refused at the boundary', async () => {
    const job = await importFolder('esc50 as generic', join(corpus.root, 'esc50'), 'generic');
    assert.equal(job.status, 'succeeded', 'import job');
    assert.equal((job.result as ImportFolderResult).layout, 'generic', 'layout as given');
    await assert.rejects(
      client.call('datasets.importFolder', { name: 'x', folder: corpus.root, layout: 'timit' } as never),
      (e: { code: string }) => e.code === 'invalid_params',
      'unknown layout refused',
    );
  });

  test('label counts, label filter, duration range, sort and transcript search run server-side', async () => {
    const esc = datasetIds.get('esc50')!;
    const classes = await client.call('datasets.labelCounts', { datasetId: esc, key: 'class' });
    assert.equal(classes.length, 5, 'five ESC classes');
    assert.ok(classes.every((c) => c.count === 2 && c.key === 'class'), 'two clips per class');
    const all = await client.call('datasets.labelCounts', { datasetId: esc });
    assert.deepEqual([...new Set(all.map((c) => c.key))].sort(), ['class', 'esc10', 'fold', 'target'], 'all label keys');

    const rain = await client.call('clips.list', { datasetId: esc, label: { key: 'class', value: 'rain' } });
    assert.equal(rain.total, 2, 'label filter total');
    assert.ok(rain.clips.every((c) => c.labels.class?.[0] === 'rain'), 'label filter rows');

    const fsd = datasetIds.get('fsd50k')!;
    const music = await client.call('clips.list', { datasetId: fsd, label: { key: 'class', value: 'Music' } });
    assert.equal(music.total, 2, 'multi-label filter');

    const libri = datasetIds.get('librispeech')!;
    const fox = await client.call('clips.list', { datasetId: libri, text: 'quick fox' });
    assert.equal(fox.total, 1, 'FTS finds one transcript');
    assert.match(fox.clips[0]!.transcript!, /QUICK BROWN FOX/, 'FTS row');
    const prefix = await client.call('clips.list', { datasetId: libri, text: 'sea*' });
    assert.equal(prefix.total, 1, 'FTS prefix');
    const none = await client.call('clips.list', { datasetId: libri, text: 'quick "unicorn' });
    assert.equal(none.total, 0, 'quotes in the query are harmless');

    const byDuration = await client.call('clips.list', { datasetId: libri, sort: '-duration' });
    const durations = byDuration.clips.map((c) => c.durationSec);
    assert.deepEqual(durations, [...durations].sort((a, b) => b - a), 'sorted by duration, longest first');
    const longest = durations[0]!;
    const ranged = await client.call('clips.list', { datasetId: libri, minDurationSec: longest - 1e-6 });
    assert.equal(ranged.total, 1, 'duration range');
    const page = await client.call('clips.list', { datasetId: libri, sort: 'duration', offset: 2, limit: 2 });
    assert.deepEqual(page.clips.map((c) => c.durationSec), [...durations].reverse().slice(2, 4), 'paged');
  });

  test('every format decodes to its sine: dominant frequency and RMS, native and at 16 kHz', async () => {
    for (const sine of corpus.manifest.sines.filter((s) => s.frequency === 1000)) {
      const path = join(corpus.root, sine.path);
      const probe = await probeAudio(path);
      assert.equal(probe.sampleRate, sine.sampleRate, `${sine.path} rate`);
      assert.equal(probe.channels, sine.channels, `${sine.path} channels`);
      assert.ok(Math.abs(probe.durationSec - sine.durationSec) < 0.1, `${sine.path} probed duration ${probe.durationSec}`);
      for (const targetRate of [undefined, 16000]) {
        const { samples, sampleRate } = await decodeAudioRange(path, { targetRate });
        assert.equal(sampleRate, targetRate ?? sine.sampleRate, `${sine.path} output rate`);
        assert.ok(Math.abs(samples.length / sampleRate - sine.durationSec) < 0.1, `${sine.path} decoded length`);
        const middle = samples.subarray(Math.floor(0.2 * sampleRate), Math.floor(1.8 * sampleRate));
        assert.equal(dominantFrequency(middle, sampleRate), 1000, `${sine.path} @${sampleRate} dominant frequency`);
        const expectedRms = sine.amplitude / Math.SQRT2;
        assert.ok(Math.abs(rms(middle) - expectedRms) / expectedRms < 0.1, `${sine.path} @${sampleRate} RMS ${rms(middle)}`);
      }
    }
  });

  test('Opus and M4A (AAC), encoded by ffmpeg: probed, imported and decoded numerically', async () => {
    const byFormat = new Map(corpus.manifest.sines.map((s) => [s.format, s]));
    assert.ok(byFormat.has('opus') && byFormat.has('m4a'), `the corpus has Opus and M4A sines; if not: ${FFMPEG_MISSING}`);
    const rows = new Map((await allClips(datasetIds.get('generic')!)).map((c) => [c.relativePath.split('\\').join('/'), c]));

    // The sines: 48 kHz stereo Opus, 44.1 kHz stereo AAC, 2 s of 1 kHz at amplitude 0.5.
    for (const format of ['opus', 'm4a'] as const) {
      const sine = byFormat.get(format)!;
      const path = join(corpus.root, sine.path);
      const probe = await probeAudio(path);
      assert.equal(probe.format, format, `${sine.path} format`);
      assert.equal(probe.sampleRate, format === 'opus' ? 48000 : 44100, `${sine.path} rate`);
      assert.equal(probe.sampleRate, sine.sampleRate, `${sine.path} rate as generated`);
      assert.equal(probe.channels, 2, `${sine.path} channels`);
      assert.ok(Math.abs(probe.durationSec - sine.durationSec) < 0.005, `${sine.path} probed duration ${probe.durationSec}`);
      const row = rows.get(sine.path.slice('generic/'.length));
      assert.ok(row, `${sine.path} imported`);
      assert.deepEqual([row.format, row.sampleRate, row.channels], [format, probe.sampleRate, 2], `${sine.path} clip row`);
      assert.ok(Math.abs(row.durationSec - sine.durationSec) < 0.005, `${sine.path} clip duration ${row.durationSec}`);

      const { samples, sampleRate } = await decodeAudioRange(path, { targetRate: 16000 });
      assert.equal(sampleRate, 16000, `${sine.path} output rate`);
      assert.ok(Math.abs(samples.length / 16000 - sine.durationSec) < 0.005, `${sine.path} decoded length ${samples.length}`);
      const middle = samples.subarray(3200, 28800);
      const frequency = refinedFrequency(middle, 16000, dominantFrequency(middle, 16000));
      assert.ok(Math.abs(frequency - sine.frequency) <= 2, `${sine.path} dominant frequency ${frequency} Hz`);
      const expectedRms = sine.amplitude / Math.SQRT2;
      assert.ok(Math.abs(rms(middle) - expectedRms) / expectedRms < 0.05, `${sine.path} RMS ${rms(middle)} (expected ${expectedRms})`);
    }

    // The speech clip (16 kHz mono WAV) through Opus and AAC: same rate, channels, length and waveform.
    const wavPath = join(corpus.root, 'generic/speech/stella.wav');
    const reference = (await decodeAudioRange(wavPath)).samples;
    const wavProbe = await probeAudio(wavPath);
    for (const format of ['opus', 'm4a'] as const) {
      const relativePath = `speech/stella.${format}`;
      const path = join(corpus.root, 'generic', relativePath);
      const probe = await probeAudio(path);
      // Opus always codes at 48 kHz; its header keeps the input rate, which the engine reports.
      assert.deepEqual([probe.format, probe.sampleRate, probe.channels], [format, 16000, 1], `${relativePath} probe`);
      assert.ok(Math.abs(probe.durationSec - wavProbe.durationSec) < 0.005, `${relativePath} duration ${probe.durationSec} vs ${wavProbe.durationSec}`);
      const row = rows.get(relativePath);
      assert.ok(row, `${relativePath} imported`);
      assert.deepEqual([row.format, row.sampleRate, row.channels], [format, 16000, 1], `${relativePath} clip row`);
      const { samples } = await decodeAudioRange(path, { targetRate: 16000 });
      assert.ok(Math.abs(samples.length - reference.length) <= 16, `${relativePath} decoded ${samples.length} samples, WAV ${reference.length}`);
      const { correlation, lag } = bestCorrelation(reference, samples, 40);
      assert.ok(correlation > 0.95 && Math.abs(lag) <= 2, `${relativePath} matches the WAV: correlation ${correlation.toFixed(4)} at lag ${lag}`);
      assert.ok(Math.abs(rms(samples) - rms(reference)) / rms(reference) < 0.05, `${relativePath} RMS ${rms(samples)} vs ${rms(reference)}`);
    }
  });

  test('resampling 44.1 kHz -> 16 kHz keeps a 7 kHz tone and removes a 10 kHz tone (>= 40 dB)', async () => {
    const at = (f: number) => join(corpus.root, corpus.manifest.sines.find((s) => s.frequency === f)!.path);
    const seven = (await decodeAudioRange(at(7000), { targetRate: 16000 })).samples.subarray(4000, 28000);
    assert.ok(Math.abs(dominantFrequency(seven, 16000) - 7000) <= 25, 'a 7 kHz tone stays at 7 kHz');
    assert.ok(rms(seven) > 0.3, `7 kHz level kept (${rms(seven)})`);
    const original = (await decodeAudioRange(at(10000))).samples;
    const ten = (await decodeAudioRange(at(10000), { targetRate: 16000 })).samples.subarray(4000, 28000);
    const attenuationDb = 20 * Math.log10(rms(ten) / rms(original));
    assert.ok(attenuationDb <= -40, `10 kHz attenuated by ${attenuationDb.toFixed(1)} dB`);
  });

  test('a decoded window starts where asked: the same samples as the whole decode', async () => {
    const path = join(corpus.root, 'generic/formats/sine-s24-stereo.wav');
    const whole = (await decodeAudioRange(path)).samples;
    const window = (await decodeAudioRange(path, { startSec: 0.5, durationSec: 0.25 })).samples;
    assert.equal(window.length, Math.round(0.25 * 44100), 'window length');
    assert.deepEqual(Array.from(window.subarray(0, 50)), Array.from(whole.subarray(22050, 22100)), 'window samples');
  });

  test('clips.get, clips.audio (whole small WAV as is, windows and compressed files decoded) and clips.peaks', async () => {
    const generic = datasetIds.get('generic')!;
    const clips = await allClips(generic);
    const wav = clips.find((c) => c.relativePath.endsWith('sine-s16.wav'))!;
    assert.deepEqual(await client.call('clips.get', { clipId: wav.id }), wav, 'clips.get equals the listed row');
    const whole = await client.call('clips.audio', { clipId: wav.id });
    assert.deepEqual(Buffer.from(whole.bytes), readFileSync(wav.path), 'small WAV sent byte for byte');
    assert.equal(whole.startSec, 0, 'whole starts at 0');
    assert.ok(Math.abs(whole.durationSec - 2) < 1e-6, 'whole duration');

    const flac = clips.find((c) => c.format === 'flac')!;
    const window = await client.call('clips.audio', { clipId: flac.id, startSec: 0.5, durationSec: 0.5 });
    assert.equal(window.mimeType, 'audio/wav', 'WAV out');
    assert.equal(window.startSec, 0.5, 'window start');
    assert.ok(Math.abs(window.durationSec - 0.5) < 1e-3, `window duration ${window.durationSec}`);
    const probe = Buffer.from(window.bytes);
    assert.equal(probe.toString('ascii', 0, 4), 'RIFF', 'a WAV file');
    assert.equal(probe.readUInt32LE(24), 44100, 'window keeps the clip rate');

    const mp3 = clips.find((c) => c.format === 'mp3')!;
    const decoded = await client.call('clips.audio', { clipId: mp3.id });
    assert.ok(Math.abs(decoded.durationSec - 2) < 0.1, 'compressed clip decoded whole');
    await assert.rejects(
      client.call('clips.audio', { clipId: mp3.id, startSec: 30 }),
      (e: { code: string }) => e.code === 'bad_input',
      'a window past the end is refused',
    );

    const peaks = await client.call('clips.peaks', { clipId: wav.id, points: 100 });
    assert.equal(peaks.peaks.length, 200, 'min/max per point');
    const max = Math.max(...peaks.peaks);
    const min = Math.min(...peaks.peaks);
    assert.ok(Math.abs(max - 0.5) < 0.02 && Math.abs(min + 0.5) < 0.02, `sine peaks ${min}..${max}`);
  });

  test('bad files each get a report entry; the good ones import; the database stays clean', async () => {
    const folder = join(dir.path, 'bad');
    mkdirSync(folder);
    const good = ['sine-s16.wav', 'sine.flac', 'sine.mp3'];
    for (const name of good) copyFileSync(join(corpus.root, 'generic/formats', name), join(folder, name));
    const wavBytes = readFileSync(join(corpus.root, 'generic/formats/sine-s16.wav'));
    writeFileSync(join(folder, 'truncated.wav'), wavBytes.subarray(0, Math.floor(wavBytes.length / 2)));
    let seed = 1;
    writeFileSync(join(folder, 'random.wav'), Uint8Array.from({ length: 4096 }, () => (seed = (seed * 48271) % 2147483647) & 0xff));
    writeFileSync(join(folder, 'random.mp3'), Uint8Array.from({ length: 4096 }, () => (seed = (seed * 48271) % 2147483647) & 0xff));
    writeFileSync(join(folder, 'zero-length.flac'), new Uint8Array(0));
    writeFileSync(join(folder, 'zero-hz.wav'), Buffer.concat([wavHeader16(0, 3200), Buffer.alloc(3200)]));
    writeFileSync(join(folder, 'huge-declared.wav'), Buffer.concat([wavHeader16(16000, 0x7fff0000), Buffer.alloc(3200)]));
    writeFileSync(join(folder, 'unreadable.wav'), encodeWav([tone(300, 0.5, 16000)], 16000));
    chmodSync(join(folder, 'unreadable.wav'), 0o000);
    symlinkSync('loop-b.wav', join(folder, 'loop-a.wav'));
    symlinkSync('loop-a.wav', join(folder, 'loop-b.wav'));
    // root reads a chmod-000 file anyway: then it imports, honestly.
    const isRoot = process.getuid?.() === 0;
    const expectedFailures = ['huge-declared.wav', 'loop-a.wav', 'loop-b.wav', 'random.mp3', 'random.wav', 'truncated.wav', 'zero-hz.wav', 'zero-length.flac'];
    if (!isRoot) expectedFailures.push('unreadable.wav');

    const job = await importFolder('bad inputs', folder);
    assert.equal(job.status, 'succeeded', `import finishes: ${JSON.stringify(job.error)}`);
    const result = job.result as ImportFolderResult;
    assert.equal(result.imported, good.length + (isRoot ? 1 : 0), 'the good files imported');
    const report = await client.call('datasets.importReport', { datasetId: result.datasetId });
    const reasons = new Map(report.failures.map((f) => [f.path.slice(folder.length + 1), f.reason]));
    assert.deepEqual([...reasons.keys()].sort(), expectedFailures.sort(), 'one report entry per bad file');
    assert.match(reasons.get('truncated.wav')!, /Truncated/, 'truncated reason');
    assert.match(reasons.get('huge-declared.wav')!, /declares 2147418112 bytes/, 'huge size reason');
    assert.match(reasons.get('random.wav')!, /Not a WAV file/, 'random bytes reason');
    assert.match(reasons.get('random.mp3')!, /Corrupt|decode/i, 'corrupt mp3 reason');
    assert.match(reasons.get('zero-length.flac')!, /Zero-length/, 'zero length reason');
    assert.match(reasons.get('zero-hz.wav')!, /0 Hz/, '0 Hz reason');
    assert.match(reasons.get('loop-a.wav')!, /Symlink loop/, 'symlink loop reason');
    if (!isRoot) assert.match(reasons.get('unreadable.wav')!, /permission denied/, 'unreadable reason');
    assert.ok(report.failures.every((f) => f.jobId === job.id), 'failures carry the job');
    const summary = await client.call('datasets.get', { datasetId: result.datasetId });
    assert.equal(summary.failedFiles, expectedFailures.length, 'summary counts failures');
    assert.equal(engine.store.integrityCheck(), 'ok', 'integrity_check');
    const orphans = engine.store.db
      .prepare(`SELECT COUNT(*) AS n FROM clip_labels WHERE clip_id NOT IN (SELECT id FROM clips)`)
      .get() as { n: number };
    assert.equal(orphans.n, 0, 'no orphan label rows');
    chmodSync(join(folder, 'unreadable.wav'), 0o644);
  });

  test('cancel mid-import, then resume: the same dataset as an uninterrupted import, no duplicates', async () => {
    const folder = join(dir.path, 'many');
    mkdirSync(folder);
    const FILES = 900;
    for (let i = 0; i < FILES; i++) {
      writeFileSync(join(folder, `c${String(i).padStart(4, '0')}.wav`), encodeWav([tone(100 + i, 0.1, 16000)], 16000));
    }
    const { jobId } = await client.call('datasets.importFolder', { name: 'many', folder });
    await new Promise<void>((resolve) => {
      const listener = client.onEvent((e) => {
        if (e.type === 'job' && e.job.id === jobId && (e.job.progress.done >= 350 || e.job.status !== 'running')) {
          listener.dispose();
          resolve();
        }
      });
    });
    await client.call('jobs.cancel', { jobId });
    const cancelled = await waitForJob(client, jobId);
    assert.equal(cancelled.status, 'cancelled', 'cancelled before the end');
    assert.ok(!(await client.call('datasets.list', {})).some((d) => d.name === 'many'), 'an unfinished import is not listed');
    const partial = engine.store.db.prepare(`SELECT COUNT(*) AS n FROM clips c JOIN datasets d ON d.id = c.dataset_id WHERE d.name = 'many'`).get() as { n: number };
    assert.ok(partial.n > 0 && partial.n < FILES, `whole batches committed before the cancel (${partial.n})`);

    const { jobId: resumedId } = await client.call('jobs.resume', { jobId });
    const resumed = await waitForJob(client, resumedId);
    assert.equal(resumed.status, 'succeeded', 'resumed import');
    const result = resumed.result as ImportFolderResult;
    assert.equal(result.skipped, partial.n, 'files already imported were skipped by hash');
    assert.equal(result.imported + result.skipped, FILES, 'the rest imported');

    const whole = await importFolder('many, uninterrupted', folder);
    const wholeId = (whole.result as ImportFolderResult).datasetId;
    const facts = async (id: number) =>
      (await client.call('clips.list', { datasetId: id, limit: 1000 })).clips.map((c) => [c.relativePath, c.sha256, c.durationSec]);
    const resumedFacts = await facts(result.datasetId);
    assert.equal(resumedFacts.length, FILES, 'no duplicates');
    assert.deepEqual(resumedFacts, await facts(wholeId), 'resumed equals uninterrupted');

    // Re-running the finished import skips everything and keeps one dataset.
    const again = await importFolder('many', folder);
    assert.equal((again.result as ImportFolderResult).datasetId, result.datasetId, 'same dataset');
    assert.equal((again.result as ImportFolderResult).skipped, FILES, 'all skipped');
    assert.equal((await client.call('datasets.list', {})).filter((d) => d.name === 'many').length, 1, 'one dataset');
  });
});
