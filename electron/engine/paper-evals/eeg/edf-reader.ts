/**
 * EDF / EDF+ and BDF / BDF+ (BioSemi 24-bit) recordings, read strictly and by the record: the
 * header, one channel's samples in physical units (never the whole file in memory), and EDF+
 * annotations (Time-stamped Annotation Lists) for stimulus onsets.
 */
import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../../../common/errors.js';

export interface EdfSignal {
  label: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  samplesPerRecord: number;
  /** Byte offset of this signal's block inside a data record. */
  offsetInRecord: number;
}

export interface EdfHeader {
  format: 'edf' | 'bdf';
  /** EDF+ / BDF+ (has an annotations signal). */
  plus: boolean;
  headerBytes: number;
  records: number;
  recordDurationSec: number;
  signals: EdfSignal[];
  recordBytes: number;
  bytesPerSample: 2 | 3;
}

export interface EdfAnnotation {
  onsetSec: number;
  durationSec: number;
  text: string;
}

const ANNOTATION_LABELS = new Set(['EDF Annotations', 'BDF Annotations']);

function bad(path: string, what: string): AppError {
  return new AppError('bad_input', `${basename(path)} is not a readable EDF/BDF file: ${what}. Export it again as EDF(+) or BDF(+), or as CSV.`);
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

function field(buffer: Buffer, offset: number, length: number): string {
  return buffer.toString('latin1', offset, offset + length).trim();
}

function numberField(path: string, buffer: Buffer, offset: number, length: number, name: string): number {
  const text = field(buffer, offset, length);
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) throw bad(path, `the header field "${name}" is "${text}", not a number`);
  return value;
}

export function readEdfHeader(path: string): EdfHeader {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const fixed = readAt(fd, 0, 256);
    if (fixed.length < 256) throw bad(path, `it is ${size} bytes, shorter than the 256-byte header`);
    const bdf = fixed[0] === 0xff && fixed.toString('latin1', 1, 8) === 'BIOSEMI';
    if (!bdf && field(fixed, 0, 8) !== '0') throw bad(path, 'the version field is neither "0" (EDF) nor BIOSEMI (BDF)');
    const headerBytes = numberField(path, fixed, 184, 8, 'header bytes');
    const reserved = field(fixed, 192, 44);
    let records = numberField(path, fixed, 236, 8, 'number of records');
    const recordDurationSec = numberField(path, fixed, 244, 8, 'record duration');
    const count = numberField(path, fixed, 252, 4, 'number of signals');
    if (!Number.isInteger(count) || count < 1 || count > 4096) throw bad(path, `it declares ${count} signals`);
    if (headerBytes !== 256 * (count + 1)) throw bad(path, `the header size ${headerBytes} does not match ${count} signals (${256 * (count + 1)} bytes)`);
    if (!(recordDurationSec > 0)) throw bad(path, `the record duration is ${recordDurationSec} s`);
    const block = readAt(fd, 256, 256 * count);
    if (block.length < 256 * count) throw bad(path, 'the signal headers are cut short');
    let at = 0;
    const column = (width: number): string[] => {
      const values = Array.from({ length: count }, (_, i) => block.toString('latin1', at + i * width, at + (i + 1) * width).trim());
      at += width * count;
      return values;
    };
    const labels = column(16);
    column(80);
    column(8);
    const numbers = (width: number, name: string) => column(width).map((t, i) => {
      const v = Number(t);
      if (t === '' || !Number.isFinite(v)) throw bad(path, `signal "${labels[i]}" has ${name} "${t}"`);
      return v;
    });
    const physicalMin = numbers(8, 'physical minimum');
    const physicalMax = numbers(8, 'physical maximum');
    const digitalMin = numbers(8, 'digital minimum');
    const digitalMax = numbers(8, 'digital maximum');
    column(80);
    const samplesPerRecord = numbers(8, 'samples per record');
    const bytesPerSample = bdf ? 3 : 2;
    let offset = 0;
    const signals = labels.map((label, i) => {
      if (!Number.isInteger(samplesPerRecord[i]!) || samplesPerRecord[i]! < 1) throw bad(path, `signal "${label}" has ${samplesPerRecord[i]} samples per record`);
      if (digitalMax[i] === digitalMin[i]) throw bad(path, `signal "${label}" has equal digital minimum and maximum`);
      const signal = { label, physicalMin: physicalMin[i]!, physicalMax: physicalMax[i]!, digitalMin: digitalMin[i]!, digitalMax: digitalMax[i]!, samplesPerRecord: samplesPerRecord[i]!, offsetInRecord: offset };
      offset += samplesPerRecord[i]! * bytesPerSample;
      return signal;
    });
    const recordBytes = offset;
    const available = Math.floor((size - headerBytes) / recordBytes);
    if (records === -1) records = available;
    if (!Number.isInteger(records) || records < 1) throw bad(path, `it declares ${records} data records`);
    if (available < records) throw bad(path, `it declares ${records} data records but holds ${available} (the file is cut short)`);
    return { format: bdf ? 'bdf' : 'edf', plus: reserved.startsWith('EDF+') || reserved.startsWith('BDF+') || labels.some((l) => ANNOTATION_LABELS.has(l)), headerBytes, records, recordDurationSec, signals, recordBytes, bytesPerSample };
  } finally {
    closeSync(fd);
  }
}

/** Channels that hold data (not annotations), by label. */
export function dataChannels(header: EdfHeader): EdfSignal[] {
  return header.signals.filter((s) => !ANNOTATION_LABELS.has(s.label));
}

/** `Pz` matches "Pz", "pz", "EEG Pz" and "Pz-REF" style labels. */
export function findChannel<T extends { label: string }>(channels: readonly T[], name: string): T | undefined {
  const norm = (label: string) => label.trim().toLowerCase().replace(/^eeg\s+/, '').replace(/[-_ ](ref|le|ar|avg)$/, '');
  const wanted = norm(name);
  return channels.find((c) => c.label.trim().toLowerCase() === name.trim().toLowerCase()) ?? channels.find((c) => norm(c.label) === wanted);
}

/** One channel's samples in physical units, read record by record. */
export function readEdfChannel(path: string, header: EdfHeader, signal: EdfSignal): { samples: Float64Array; rateHz: number } {
  const n = signal.samplesPerRecord;
  const samples = new Float64Array(n * header.records);
  const gain = (signal.physicalMax - signal.physicalMin) / (signal.digitalMax - signal.digitalMin);
  const fd = openSync(path, 'r');
  try {
    for (let r = 0; r < header.records; r++) {
      const bytes = readAt(fd, header.headerBytes + r * header.recordBytes + signal.offsetInRecord, n * header.bytesPerSample);
      if (bytes.length < n * header.bytesPerSample) throw bad(path, `data record ${r + 1} is cut short`);
      for (let i = 0; i < n; i++) {
        const digital = header.bytesPerSample === 2 ? bytes.readInt16LE(i * 2) : bytes.readIntLE(i * 3, 3);
        samples[r * n + i] = (digital - signal.digitalMin) * gain + signal.physicalMin;
      }
    }
  } finally {
    closeSync(fd);
  }
  return { samples, rateHz: n / header.recordDurationSec };
}

/** EDF+ annotations (onset relative to the recording start), without the per-record time-keeping entries. */
export function readEdfAnnotations(path: string, header: EdfHeader): EdfAnnotation[] {
  const signal = header.signals.find((s) => ANNOTATION_LABELS.has(s.label));
  if (!signal) return [];
  const out: EdfAnnotation[] = [];
  const fd = openSync(path, 'r');
  try {
    for (let r = 0; r < header.records; r++) {
      const bytes = readAt(fd, header.headerBytes + r * header.recordBytes + signal.offsetInRecord, signal.samplesPerRecord * header.bytesPerSample);
      const text = bytes.toString('latin1');
      for (const tal of text.split('\u0000')) {
        if (tal === '') continue;
        const parts = tal.split('\u0014');
        const [timing, ...texts] = parts;
        // Onset, then optionally \u0015 and the duration.
        const [onsetText = '', durationText] = (timing ?? '').split('\u0015');
        const onset = Number(onsetText);
        if (!/^[+-]\d+(\.\d+)?$/.test(onsetText) || !Number.isFinite(onset)) throw bad(path, `annotation "${tal.slice(0, 40)}" in record ${r + 1} has no onset`);
        for (const t of texts) {
          if (t.trim() === '') continue;
          out.push({ onsetSec: onset, durationSec: durationText === undefined ? 0 : Number(durationText), text: t.trim() });
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return out;
}
