/**
 * A deterministic test corpus laid out like the real ones (LibriSpeech, ESC-50, MUSAN, FSD50K,
 * WHAM!, Common Voice, a generic folder with a labels CSV), so the real importers run on it.
 *
 * - speech: espeak-ng (several voices and rates) with known transcripts;
 * - sound: sox noise colours (`-R`: repeatable random numbers), tones, chirps, clicks;
 * - music: sox plucked chords and melodies; silence;
 * - formats: WAV 8/16/24/32-bit int and 32-bit float, FLAC and Ogg Vorbis (sox), MP3 (lamejs,
 *   as sox here lacks an MP3 encoder), Opus in Ogg and AAC in MP4 (.m4a) through ffmpeg
 *   (Debian package `ffmpeg`, installed by .ci/run): a sine and the generic speech clip each.
 *
 * `manifest.json` records every clip with the labels and transcript an importer must find, and
 * the sine files whose frequency and level the decoding tests check.
 *
 *   node --import tsx tests/corpus/generate-corpus.ts <outdir>
 */
import { Mp3Encoder } from '@breezystack/lamejs';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import wavefilePackage from 'wavefile';

const { WaveFile } = wavefilePackage;
const run = promisify(execFile);

/** Bump when the corpus changes: cached copies are keyed by it. */
export const CORPUS_VERSION = 2;

export type CorpusLayout = 'librispeech' | 'esc50' | 'musan' | 'fsd50k' | 'wham' | 'commonvoice' | 'generic';

export interface ManifestClip {
  /** Relative to the layout's import folder, with '/' separators. */
  relativePath: string;
  format: string;
  labels: Record<string, string[]>;
  transcript: string | null;
}

export interface ManifestSine {
  /** Relative to the corpus root. */
  path: string;
  format: string;
  frequency: number;
  /** Peak amplitude of each channel's sine. */
  amplitude: number;
  sampleRate: number;
  channels: number;
  durationSec: number;
}

export interface CorpusManifest {
  version: number;
  /** Import folder (relative to the corpus root) and expected clips of each layout. */
  layouts: Record<CorpusLayout, { folder: string; clips: ManifestClip[] }>;
  sines: ManifestSine[];
}

type Task = () => Promise<void>;

async function pool(tasks: Task[], width: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) await tasks[next++]!();
    }),
  );
}

function ensureDir(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

async function sox(args: string[]): Promise<void> {
  await run('sox', ['-R', ...args]);
}

/** How to install ffmpeg, for the error when it is missing. */
export const FFMPEG_MISSING =
  'ffmpeg is not installed: the test corpus encodes its Opus (.opus) and AAC (.m4a) files with it. ' +
  'Install the Debian package "ffmpeg" (apt-get install -y --no-install-recommends ffmpeg; .ci/run does).';

/** ffmpeg, bit-exact and without metadata, so the same input gives the same file. */
async function ffmpeg(input: string, codecArgs: string[], out: string): Promise<void> {
  const args = ['-nostdin', '-loglevel', 'error', '-y', '-i', input, '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact'];
  try {
    await run('ffmpeg', [...args, ...codecArgs, ensureDir(out)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(FFMPEG_MISSING);
    throw error;
  }
}

/** Fails at once, with the package to install, when ffmpeg is not on the PATH. */
async function requireFfmpeg(): Promise<void> {
  try {
    await run('ffmpeg', ['-hide_banner', '-version']);
  } catch {
    throw new Error(FFMPEG_MISSING);
  }
}

/** ffmpeg's encoder for each format it writes for the corpus (Opus in Ogg, AAC in MP4). */
function encodeWith(format: 'opus' | 'm4a', bitrate: string): string[] {
  return ['-c:a', format === 'opus' ? 'libopus' : 'aac', '-b:a', bitrate];
}

async function speak(text: string, voice: string, rate: number, out: string, outRate: number): Promise<void> {
  const tmp = `${out}.espeak.wav`;
  await run('espeak-ng', ['-v', voice, '-s', String(rate), '-w', ensureDir(tmp), text]);
  await sox([tmp, '-r', String(outRate), '-c', '1', out]);
  rmSync(tmp);
}

/** sox `synth` effects (after `-n`) for each kind of non-speech sound. */
const SOUNDS: Record<string, string[]> = {
  white: ['synth', '1', 'whitenoise', 'vol', '0.3'],
  pink: ['synth', '1', 'pinknoise', 'vol', '0.3'],
  brown: ['synth', '1', 'brownnoise', 'vol', '0.3'],
  tone: ['synth', '1', 'sine', '440', 'vol', '0.5'],
  chirp: ['synth', '1', 'sine', '200-4000', 'vol', '0.5'],
  clicks: ['synth', '1', 'square', '4', 'vol', '0.4'],
  chord: ['synth', '1.5', 'pluck', 'C4', 'pluck', 'E4', 'pluck', 'G4', 'remix', '-', 'gain', '-n', '-3'],
  melody: [
    ...['synth', '0.3', 'pluck', 'C4', ':', 'synth', '0.3', 'pluck', 'E4', ':', 'synth', '0.3', 'pluck', 'G4'],
    ...[':', 'synth', '0.3', 'pluck', 'C5'],
  ],
  silence: ['trim', '0', '1'],
};

async function sound(kind: string, out: string, rate: number, extra: string[] = []): Promise<void> {
  await sox(['-n', '-r', String(rate), '-c', '1', ...extra, ensureDir(out), ...SOUNDS[kind]!]);
}

function sine(frequency: number, amplitude: number, sampleRate: number, durationSec: number): Float64Array {
  const out = new Float64Array(Math.round(sampleRate * durationSec));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  return out;
}

function toInt16(x: Float64Array): Int16Array {
  return Int16Array.from(x, (s) => Math.max(-32768, Math.min(32767, Math.round(s * 32767))));
}

function writeMp3(path: string, channels: Float64Array[], sampleRate: number): void {
  const encoder = new Mp3Encoder(channels.length, sampleRate, 128);
  const pcm = channels.map(toInt16);
  const parts: Uint8Array[] = [];
  const block = 1152 * 10;
  for (let i = 0; i < pcm[0]!.length; i += block) {
    parts.push(encoder.encodeBuffer(pcm[0]!.subarray(i, i + block), pcm[1]?.subarray(i, i + block)));
  }
  parts.push(encoder.flush());
  writeFileSync(ensureDir(path), Buffer.concat(parts.map((p) => new Uint8Array(p.buffer, p.byteOffset, p.byteLength))));
}

function readWavInt16(path: string): { samples: Float64Array; sampleRate: number } {
  const wav = new WaveFile(readFileSync(path));
  wav.toBitDepth('32f');
  const samples = wav.getSamples(false, Float64Array) as unknown as Float64Array;
  return { samples, sampleRate: (wav.fmt as { sampleRate: number }).sampleRate };
}

const SENTENCES = [
  'the quick brown fox jumps over the lazy dog',
  'she sells sea shells by the sea shore',
  'a sparse autoencoder finds features in the encoder',
  'whisper hears speech in silence sometimes',
  'seven green apples fell from the old tree',
  'please call stella and ask her to bring these things',
];

/** Writes the corpus into `outDir` (which must be empty or absent) and returns its manifest. */
export async function generateCorpus(outDir: string): Promise<CorpusManifest> {
  await requireFfmpeg();
  mkdirSync(outDir, { recursive: true });
  const tasks: Task[] = [];
  const layouts = {} as CorpusManifest['layouts'];
  const add = (layout: CorpusLayout, folder: string, clip: ManifestClip) => {
    (layouts[layout] ??= { folder, clips: [] }).clips.push(clip);
  };

  // LibriSpeech: two speakers (voices/rates), one chapter each, three utterances.
  const speakers = [
    { id: '1272', chapter: '128104', voice: 'en-us', rate: 160 },
    { id: '2078', chapter: '142845', voice: 'en-gb', rate: 130 },
  ];
  for (const [s, spk] of speakers.entries()) {
    const dir = join('LibriSpeech', 'dev-clean', spk.id, spk.chapter);
    const lines: string[] = [];
    for (let u = 0; u < 3; u++) {
      const id = `${spk.id}-${spk.chapter}-${String(u).padStart(4, '0')}`;
      const text = SENTENCES[s * 3 + u]!.toUpperCase();
      lines.push(`${id} ${text}`);
      const rel = `${dir}/${id}.flac`;
      tasks.push(() => speak(text.toLowerCase(), spk.voice, spk.rate, join(outDir, 'librispeech', rel), 16000));
      add('librispeech', 'librispeech', {
        relativePath: rel,
        format: 'flac',
        labels: { speaker: [spk.id], chapter: [spk.chapter], subset: ['dev-clean'] },
        transcript: text,
      });
    }
    writeFileSync(ensureDir(join(outDir, 'librispeech', dir, `${spk.id}-${spk.chapter}.trans.txt`)), `${lines.join('\n')}\n`);
  }

  // ESC-50: five classes, two folds, 44.1 kHz, with meta/esc50.csv.
  const escClasses = [
    { category: 'rain', target: 10, kind: 'white', esc10: 'True' },
    { category: 'wind', target: 16, kind: 'brown', esc10: 'False' },
    { category: 'siren', target: 42, kind: 'chirp', esc10: 'False' },
    { category: 'clock_tick', target: 38, kind: 'clicks', esc10: 'True' },
    { category: 'church_bells', target: 46, kind: 'tone', esc10: 'False' },
  ];
  const escRows = ['filename,fold,target,category,esc10,src_file,take'];
  for (const c of escClasses) {
    for (const fold of [1, 2]) {
      const src = String(100000 + c.target * 10 + fold);
      const filename = `${fold}-${src}-A-${c.target}.wav`;
      escRows.push(`${filename},${fold},${c.target},${c.category},${c.esc10},${src},A`);
      tasks.push(() => sound(c.kind, join(outDir, 'esc50', 'audio', filename), 44100));
      add('esc50', 'esc50', {
        relativePath: `audio/${filename}`,
        format: 'wav',
        labels: { class: [c.category], fold: [String(fold)], target: [String(c.target)], esc10: [c.esc10] },
        transcript: null,
      });
    }
  }
  writeFileSync(ensureDir(join(outDir, 'esc50', 'meta', 'esc50.csv')), `${escRows.join('\n')}\n`);

  // MUSAN: speech / music / noise, each source folder with ANNOTATIONS.
  interface MusanItem {
    kind: string;
    gender?: string;
    language?: string;
    voice?: string;
    text?: string;
    genre?: string;
    vocals?: string;
    artist?: string;
  }
  const musan: { domain: string; source: string; items: MusanItem[] }[] = [
    { domain: 'speech', source: 'librivox', items: [{ kind: 'speech', gender: 'male', language: 'english', voice: 'en-us', text: SENTENCES[0]! }, { kind: 'speech', gender: 'female', language: 'english', voice: 'en-gb+f3', text: SENTENCES[1]! }] },
    { domain: 'music', source: 'fma', items: [{ kind: 'chord', genre: 'classical', vocals: 'N', artist: 'Test Ensemble' }, { kind: 'melody', genre: 'folk,pop', vocals: 'N', artist: 'Plucker' }] },
    { domain: 'noise', source: 'free-sound', items: [{ kind: 'pink' }, { kind: 'clicks' }] },
  ];
  for (const group of musan) {
    const annotations: string[] = [];
    for (const [i, item] of group.items.entries()) {
      const stem = `${group.domain}-${group.source}-${String(i).padStart(4, '0')}`;
      const rel = `${group.domain}/${group.source}/${stem}.wav`;
      const out = join(outDir, 'musan', rel);
      const labels: Record<string, string[]> = { domain: [group.domain], source: [group.source] };
      if (item.gender && item.language && item.text && item.voice) {
        const { text, voice } = item;
        annotations.push(`${stem} ${item.gender} ${item.language}`);
        labels.gender = [item.gender];
        labels.language = [item.language];
        tasks.push(() => speak(text, voice, 150, out, 16000));
      } else {
        if (item.genre && item.vocals && item.artist) {
          annotations.push(`${stem} ${item.genre} ${item.vocals} ${item.artist}`);
          labels.genre = item.genre.split(',');
          labels.vocals = [item.vocals];
          labels.artist = [item.artist];
        } else {
          annotations.push(`${stem} http://example.org/${stem}`);
        }
        tasks.push(() => sound(item.kind, out, 16000));
      }
      add('musan', 'musan', { relativePath: rel, format: 'wav', labels, transcript: null });
    }
    writeFileSync(ensureDir(join(outDir, 'musan', group.domain, group.source, 'ANNOTATIONS')), `${annotations.join('\n')}\n`);
  }

  // FSD50K: dev (train/val) and eval audio, multi-label ground truth CSVs.
  const fsd = [
    { part: 'dev', fname: '64760', labels: 'Music,Chord', mids: '/m/04rlf,/m/0x', split: 'train', kind: 'chord' },
    { part: 'dev', fname: '16399', labels: 'Rain,Water', mids: '/m/06mb1,/m/0838f', split: 'train', kind: 'white' },
    { part: 'dev', fname: '21303', labels: 'Siren', mids: '/m/03kmc9', split: 'val', kind: 'chirp' },
    { part: 'dev', fname: '30012', labels: 'Music,Melody,Plucked_string_instrument', mids: '/m/04rlf,/m/a,/m/b', split: 'val', kind: 'melody' },
    { part: 'eval', fname: '37199', labels: 'Tick,Clock', mids: '/m/07qjznl,/m/01x3z', kind: 'clicks' },
    { part: 'eval', fname: '102863', labels: 'Silence', mids: '/m/028v0c', kind: 'silence' },
  ];
  const fsdRows: Record<string, string[]> = { dev: ['fname,labels,mids,split'], eval: ['fname,labels,mids'] };
  for (const f of fsd) {
    fsdRows[f.part]!.push(`${f.fname},"${f.labels}","${f.mids}"${f.split ? `,${f.split}` : ''}`);
    const rel = `FSD50K.${f.part}_audio/${f.fname}.wav`;
    tasks.push(() => sound(f.kind, join(outDir, 'fsd50k', rel), 44100));
    add('fsd50k', 'fsd50k', {
      relativePath: rel,
      format: 'wav',
      labels: { class: f.labels.split(','), split: [f.split ?? 'eval'] },
      transcript: null,
    });
  }
  for (const part of ['dev', 'eval']) {
    writeFileSync(ensureDir(join(outDir, 'fsd50k', 'FSD50K.ground_truth', `${part}.csv`)), `${fsdRows[part]!.join('\n')}\n`);
  }

  // WHAM! noise: tr / cv / tt with metadata CSVs.
  const wham = [
    { split: 'tr', id: '011a0101_0.061_01vo030q_-0.061', kind: 'pink', env: 'cafe' },
    { split: 'tr', id: '011a0102_1.2_01vo0301_-1.2', kind: 'brown', env: 'restaurant' },
    { split: 'cv', id: '01aa010b_0.97_01po0310_-0.97', kind: 'white', env: 'bar' },
    { split: 'tt', id: '050a0501_1.7_442o030z_-1.7', kind: 'clicks', env: 'park' },
  ];
  const whamMeta: Record<string, string[]> = {};
  for (const w of wham) {
    (whamMeta[w.split] ??= ['utterance_id,noise_band,l_to_r_width,noise_env']).push(`${w.id}.wav,4,0.5,${w.env}`);
    const rel = `wham_noise/${w.split}/${w.id}.wav`;
    tasks.push(() => sound(w.kind, join(outDir, 'wham', rel), 16000, ['-c', '1']));
    add('wham', 'wham', {
      relativePath: rel,
      format: 'wav',
      labels: { split: [w.split], noise_band: ['4'], l_to_r_width: ['0.5'], noise_env: [w.env] },
      transcript: null,
    });
  }
  for (const [split, rows] of Object.entries(whamMeta)) {
    writeFileSync(ensureDir(join(outDir, 'wham', 'wham_noise', 'metadata', `noise_meta_${split}.csv`)), `${rows.join('\n')}\n`);
  }

  // Common Voice: clips/*.mp3 and the release's TSVs (a clip may be in several).
  const cv = [
    { n: 1, client: 'a1b2', gender: 'male_masculine', age: 'twenties', voice: 'en-us', text: 'Hello from the common voice corpus.', tsvs: ['validated', 'train'] },
    { n: 2, client: 'c3d4', gender: 'female_feminine', age: 'thirties', voice: 'en-gb+f3', text: 'Sparse features light up on speech.', tsvs: ['validated', 'dev'] },
    { n: 3, client: 'c3d4', gender: 'female_feminine', age: 'thirties', voice: 'en-gb+f3', text: 'This clip was voted down.', tsvs: ['invalidated'] },
  ];
  const cvHeader = 'client_id\tpath\tsentence_id\tsentence\tsentence_domain\tup_votes\tdown_votes\tage\tgender\taccents\tvariant\tlocale\tsegment';
  const tsv: Record<string, string[]> = { validated: [cvHeader], train: [cvHeader], dev: [cvHeader], test: [cvHeader], invalidated: [cvHeader] };
  for (const c of cv) {
    const name = `common_voice_en_${1000 + c.n}.mp3`;
    for (const t of c.tsvs) tsv[t]!.push([c.client, name, `s${c.n}`, c.text, '', '2', '0', c.age, c.gender, '', '', 'en', ''].join('\t'));
    tasks.push(async () => {
      const tmp = join(outDir, 'commonvoice', 'clips', `${name}.tmp.wav`);
      await speak(c.text, c.voice, 150, tmp, 22050);
      const { samples, sampleRate } = readWavInt16(tmp);
      writeMp3(join(outDir, 'commonvoice', 'clips', name), [samples], sampleRate);
      rmSync(tmp);
    });
    add('commonvoice', 'commonvoice', {
      relativePath: `clips/${name}`,
      format: 'mp3',
      labels: { split: [...c.tsvs].sort(), client_id: [c.client], gender: [c.gender], age: [c.age], locale: ['en'] },
      transcript: c.text,
    });
  }
  for (const [name, rows] of Object.entries(tsv)) {
    writeFileSync(ensureDir(join(outDir, 'commonvoice', `${name}.tsv`)), `${rows.join('\n')}\n`);
  }

  // Generic: every format as a sine (checked numerically), plus speech and silence, labels.csv.
  const sines: ManifestSine[] = [];
  const csv = ['path,label,text'];
  const sineFiles: { file: string; format: string; args: string[]; channels: number; rate: number; freq: number }[] = [
    { file: 'formats/sine-u8.wav', format: 'wav', args: ['-b', '8', '-e', 'unsigned-integer'], channels: 1, rate: 16000, freq: 1000 },
    { file: 'formats/sine-s16.wav', format: 'wav', args: ['-b', '16'], channels: 1, rate: 16000, freq: 1000 },
    { file: 'formats/sine-s24-stereo.wav', format: 'wav', args: ['-b', '24', '-c', '2'], channels: 2, rate: 44100, freq: 1000 },
    { file: 'formats/sine-s32.wav', format: 'wav', args: ['-b', '32', '-e', 'signed-integer'], channels: 1, rate: 48000, freq: 1000 },
    { file: 'formats/sine-f32.wav', format: 'wav', args: ['-b', '32', '-e', 'floating-point'], channels: 1, rate: 22050, freq: 1000 },
    { file: 'formats/sine.flac', format: 'flac', args: ['-b', '16'], channels: 1, rate: 44100, freq: 1000 },
    { file: 'formats/sine.ogg', format: 'ogg', args: [], channels: 2, rate: 44100, freq: 1000 },
    { file: 'formats/tone-7k-44k.wav', format: 'wav', args: ['-b', '16'], channels: 1, rate: 44100, freq: 7000 },
    { file: 'formats/tone-10k-44k.wav', format: 'wav', args: ['-b', '16'], channels: 1, rate: 44100, freq: 10000 },
  ];
  const AMP = 0.5;
  const DUR = 2;
  for (const s of sineFiles) {
    tasks.push(() =>
      sox(['-n', '-r', String(s.rate), '-c', String(s.channels), ...s.args, ensureDir(join(outDir, 'generic', s.file)), 'synth', String(DUR), 'sine', String(s.freq), 'vol', String(AMP)]),
    );
  }
  const mp3 = { file: 'formats/sine.mp3', format: 'mp3', channels: 2, rate: 44100, freq: 1000 };
  tasks.push(async () => {
    const x = sine(mp3.freq, AMP, mp3.rate, DUR);
    writeMp3(join(outDir, 'generic', mp3.file), [x, x], mp3.rate);
  });
  // Opus codes at 48 kHz whatever the input; AAC keeps the input's 44.1 kHz.
  const viaFfmpeg = [
    { file: 'formats/sine.opus', format: 'opus' as const, bitrate: '96k', channels: 2, rate: 48000, freq: 1000 },
    { file: 'formats/sine.m4a', format: 'm4a' as const, bitrate: '128k', channels: 2, rate: 44100, freq: 1000 },
  ];
  for (const s of viaFfmpeg) {
    tasks.push(async () => {
      const out = join(outDir, 'generic', s.file);
      const tmp = `${out}.src.wav`;
      await sox(['-n', '-r', String(s.rate), '-c', String(s.channels), '-b', '16', ensureDir(tmp), 'synth', String(DUR), 'sine', String(s.freq), 'vol', String(AMP)]);
      await ffmpeg(tmp, encodeWith(s.format, s.bitrate), out);
      rmSync(tmp);
    });
  }
  for (const s of [...sineFiles, mp3, ...viaFfmpeg]) {
    sines.push({ path: `generic/${s.file}`, format: s.format, frequency: s.freq, amplitude: AMP, sampleRate: s.rate, channels: s.channels, durationSec: DUR });
    csv.push(`${s.file},sine,`);
    add('generic', 'generic', { relativePath: s.file, format: s.format, labels: { folder: ['formats'], label: ['sine'] }, transcript: null });
  }
  // The speech clip as WAV (16 kHz), and the same clip through Opus and AAC (checked against it).
  tasks.push(async () => {
    const wav = join(outDir, 'generic', 'speech', 'stella.wav');
    await speak(SENTENCES[5]!, 'en-gb-scotland', 175, wav, 16000);
    await ffmpeg(wav, encodeWith('opus', '48k'), join(outDir, 'generic', 'speech', 'stella.opus'));
    await ffmpeg(wav, encodeWith('m4a', '64k'), join(outDir, 'generic', 'speech', 'stella.m4a'));
  });
  for (const format of ['wav', 'opus', 'm4a']) {
    csv.push(`speech/stella.${format},speech,"${SENTENCES[5]!}"`);
    add('generic', 'generic', { relativePath: `speech/stella.${format}`, format, labels: { folder: ['speech'], label: ['speech'] }, transcript: SENTENCES[5]! });
  }
  tasks.push(() => sound('silence', join(outDir, 'generic', 'silence.wav'), 16000));
  add('generic', 'generic', { relativePath: 'silence.wav', format: 'wav', labels: {}, transcript: null });
  writeFileSync(ensureDir(join(outDir, 'generic', 'labels.csv')), `${csv.join('\n')}\n`);

  await pool(tasks, 4);
  const manifest: CorpusManifest = { version: CORPUS_VERSION, layouts, sines };
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * The corpus, generated once per version into the temp folder (or `AUDIOSAE_CORPUS_DIR`) and
 * reused: tests call this instead of regenerating. Written to a side folder, then renamed,
 * so a half-written corpus is never used.
 */
export async function ensureCorpus(): Promise<{ root: string; manifest: CorpusManifest }> {
  const base = process.env.AUDIOSAE_CORPUS_DIR ?? tmpdir();
  const root = join(base, `audiosae-corpus-v${CORPUS_VERSION}`);
  const manifestPath = join(root, 'manifest.json');
  if (!existsSync(manifestPath)) {
    const staging = `${root}.${process.pid}.${Date.now()}`;
    await generateCorpus(staging);
    try {
      renameSync(staging, root);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process won the race
    }
  }
  return { root, manifest: JSON.parse(readFileSync(manifestPath, 'utf8')) as CorpusManifest };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node --import tsx tests/corpus/generate-corpus.ts <outdir>');
    process.exit(2);
  }
  const t0 = Date.now();
  const manifest = await generateCorpus(out);
  const count = Object.values(manifest.layouts).reduce((n, l) => n + l.clips.length, 0);
  console.log(`Wrote ${count} clips in ${((Date.now() - t0) / 1000).toFixed(1)} s to ${out}`);
}
