/** Malformed audio files for the bad-input suite: each must be refused at import with a reason. */
import { encodeWav, tone } from '../helpers/wav-folder.js';

export interface BadFile {
  name: string;
  bytes: Uint8Array;
}

/** A 44-byte PCM WAV header with the given fields (data size as declared, not as present). */
function wavHeader(o: { channels?: number; sampleRate?: number; bits?: number; format?: number; dataBytes: number }): Buffer {
  const channels = o.channels ?? 1;
  const sampleRate = o.sampleRate ?? 16000;
  const bits = o.bits ?? 16;
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(Math.min(36 + o.dataBytes, 0xffffffff), 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(o.format ?? 1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE((sampleRate * channels * bits) / 8, 28);
  h.writeUInt16LE((channels * bits) / 8, 32);
  h.writeUInt16LE(bits, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(o.dataBytes, 40);
  return h;
}

const junk = (n: number, seed: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 197 + seed * 31 + ((i * i) >> 3)) % 256));

export function badAudioFiles(): BadFile[] {
  const samples = Buffer.alloc(32000, 1);
  const floatNaN = Buffer.alloc(64000);
  for (let i = 0; i < 16000; i++) floatNaN.writeFloatLE(i % 100 === 0 ? Number.NaN : 0.1, i * 4);
  const good = encodeWav([tone(220, 1, 16000)], 16000);
  return [
    { name: 'empty.wav', bytes: new Uint8Array(0) },
    { name: 'header-only.wav', bytes: wavHeader({ dataBytes: 0 }) },
    { name: 'truncated-data.wav', bytes: Buffer.concat([wavHeader({ dataBytes: 32000 }), samples.subarray(0, 100)]) },
    { name: 'huge-declared-data.wav', bytes: Buffer.concat([wavHeader({ dataBytes: 0xfffffff0 }), samples.subarray(0, 2000)]) },
    { name: 'zero-sample-rate.wav', bytes: Buffer.concat([wavHeader({ sampleRate: 0, dataBytes: 32000 }), samples]) },
    { name: 'zero-channels.wav', bytes: Buffer.concat([wavHeader({ channels: 0, dataBytes: 32000 }), samples]) },
    { name: 'twelve-bit.wav', bytes: Buffer.concat([wavHeader({ bits: 12, dataBytes: 32000 }), samples]) },
    { name: 'unknown-format-code.wav', bytes: Buffer.concat([wavHeader({ format: 0x55, dataBytes: 32000 }), samples]) },
    { name: 'nan-samples.wav', bytes: Buffer.concat([wavHeader({ format: 3, bits: 32, dataBytes: 64000 }), floatNaN]) },
    { name: 'riff-avi.wav', bytes: Buffer.concat([Buffer.from('RIFF\u0010\u0000\u0000\u0000AVI LIST', 'latin1'), junk(200, 1)]) },
    { name: 'text.wav', bytes: Buffer.from('this is not audio, it is a text file with a .wav name\n') },
    { name: 'garbage.wav', bytes: junk(5000, 2) },
    { name: 'garbage.mp3', bytes: junk(5000, 3) },
    { name: 'flac-magic-then-junk.flac', bytes: Buffer.concat([Buffer.from('fLaC'), junk(3000, 4)]) },
    { name: 'ogg-magic-then-junk.ogg', bytes: Buffer.concat([Buffer.from('OggS'), junk(3000, 5)]) },
    { name: 'garbage.m4a', bytes: Buffer.concat([Buffer.from('\u0000\u0000\u0000\u0018ftypM4A ', 'latin1'), junk(3000, 6)]) },
    { name: 'wav-cut-in-header.wav', bytes: good.subarray(0, 30) },
  ];
}
