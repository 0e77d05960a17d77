/**
 * Writes a small folder of generated WAV files (tones, noise, silence, stereo, other
 * sample rates and bit depths) plus files that must fail or be ignored.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import wavefilePackage from 'wavefile';
import { SeededRandom } from '../../native-models/common/seeded-random.js';

const { WaveFile } = wavefilePackage;

export interface GeneratedClip {
  relativePath: string;
  sampleRate: number;
  channels: number;
  durationSec: number;
}


export function tone(frequency: number, durationSec: number, sampleRate: number, amplitude = 0.5): Float64Array {
  const out = new Float64Array(Math.round(durationSec * sampleRate));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  return out;
}

export function whiteNoise(durationSec: number, sampleRate: number, seed: number, amplitude = 0.3): Float64Array {
  const generator = new SeededRandom(seed);
  const random = (): number => generator.uniform();
  const out = new Float64Array(Math.round(durationSec * sampleRate));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * (random() * 2 - 1);
  return out;
}

function toInt16(samples: Float64Array): Int16Array {
  return Int16Array.from(samples, (s) => Math.max(-32768, Math.min(32767, Math.round(s * 32767))));
}

export function encodeWav(channels: Float64Array[], sampleRate: number, bitDepth: '16' | '32f' = '16'): Uint8Array {
  const wav = new WaveFile();
  const data = channels.map((c) => (bitDepth === '16' ? toInt16(c) : Float32Array.from(c)));
  wav.fromScratch(channels.length, sampleRate, bitDepth, data.length === 1 ? data[0]! : data);
  return wav.toBuffer();
}

/** The clips that must import, by relative path. */
export function writeWavFolder(root: string): GeneratedClip[] {
  mkdirSync(join(root, 'tones'), { recursive: true });
  mkdirSync(join(root, 'noise'), { recursive: true });
  const clips: { relativePath: string; channels: Float64Array[]; sampleRate: number; bitDepth?: '16' | '32f' }[] = [
    { relativePath: 'tones/a440.wav', channels: [tone(440, 1.5, 16000)], sampleRate: 16000 },
    { relativePath: 'tones/c262-44k.wav', channels: [tone(261.63, 1, 44100)], sampleRate: 44100 },
    { relativePath: 'tones/stereo-22k.wav', channels: [tone(330, 0.8, 22050), tone(660, 0.8, 22050)], sampleRate: 22050 },
    { relativePath: 'noise/white.wav', channels: [whiteNoise(2, 16000, 7)], sampleRate: 16000, bitDepth: '32f' },
    { relativePath: 'silence.wav', channels: [new Float64Array(8000)], sampleRate: 16000 },
  ];
  for (const clip of clips) {
    writeFileSync(join(root, clip.relativePath), encodeWav(clip.channels, clip.sampleRate, clip.bitDepth));
  }
  return clips.map((c) => ({
    relativePath: c.relativePath,
    sampleRate: c.sampleRate,
    channels: c.channels.length,
    durationSec: c.channels[0]!.length / c.sampleRate,
  }));
}

/** Files that must be reported as failures (by relative path), and one that is ignored. */
export function writeBadFiles(root: string): string[] {
  writeFileSync(join(root, 'not-really.wav'), 'this is a text file pretending to be a WAV\n');
  writeFileSync(join(root, 'empty.wav'), new Uint8Array(0));
  writeFileSync(join(root, 'song.mp3'), new Uint8Array([0xff, 0xfb, 0x90, 0x00]));
  writeFileSync(join(root, 'README.txt'), 'ignored: not audio\n');
  return ['empty.wav', 'not-really.wav', 'song.mp3'];
}
