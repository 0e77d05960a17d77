/**
 * Writes EDF(+) and BDF(+) files for tests, laid out as the specification says (a 256-byte header,
 * 256 bytes per signal, records of int16 / int24 little-endian samples, EDF+ annotations as
 * Time-stamped Annotation Lists), so the reader is checked against an independent writer.
 */
import { writeFileSync } from 'node:fs';

export interface WrittenSignal {
  label: string;
  /** Physical values; digitised with the given (or derived) ranges. */
  samples: ArrayLike<number>;
  physicalMin?: number;
  physicalMax?: number;
}

export interface EdfWriteOptions {
  format: 'edf' | 'bdf';
  rateHz: number;
  recordSec?: number;
  signals: WrittenSignal[];
  /** Written into an annotations signal (EDF+ / BDF+). */
  annotations?: { onsetSec: number; text: string }[];
}

const pad = (text: string, width: number): string => (text.length > width ? text.slice(0, width) : text.padEnd(width, ' '));

export function digitalRange(format: 'edf' | 'bdf'): [number, number] {
  return format === 'edf' ? [-32768, 32767] : [-8388608, 8388607];
}

/** The physical value a reader must return for `value` after digitising with these ranges. */
export function quantised(value: number, physMin: number, physMax: number, format: 'edf' | 'bdf'): number {
  const [dMin, dMax] = digitalRange(format);
  const digital = Math.round(((value - physMin) / (physMax - physMin)) * (dMax - dMin) + dMin);
  return ((Math.min(dMax, Math.max(dMin, digital)) - dMin) * (physMax - physMin)) / (dMax - dMin) + physMin;
}

export function writeEdf(path: string, o: EdfWriteOptions): void {
  const recordSec = o.recordSec ?? 1;
  const perRecord = Math.round(o.rateHz * recordSec);
  const length = Math.max(...o.signals.map((s) => s.samples.length));
  const records = Math.ceil(length / perRecord);
  const bytes = o.format === 'edf' ? 2 : 3;
  const [dMin, dMax] = digitalRange(o.format);
  const annotationBytes = o.annotations ? 120 : 0;
  const annotationSamples = Math.ceil(annotationBytes / bytes);
  const labels = [...o.signals.map((s) => s.label), ...(o.annotations ? [o.format === 'edf' ? 'EDF Annotations' : 'BDF Annotations'] : [])];
  const ns = labels.length;
  const ranges = o.signals.map((s) => {
    let lo = s.physicalMin ?? Infinity;
    let hi = s.physicalMax ?? -Infinity;
    if (s.physicalMin === undefined || s.physicalMax === undefined) {
      for (let i = 0; i < s.samples.length; i++) {
        lo = Math.min(lo, s.samples[i]!);
        hi = Math.max(hi, s.samples[i]!);
      }
    }
    return hi > lo ? [lo, hi] : [lo - 1, lo + 1];
  });
  let header = '';
  header += o.format === 'edf' ? pad('0', 8) : '\u00ffBIOSEMI';
  header += pad('X X X X', 80) + pad('Startdate X X X X', 80) + '01.01.26' + '00.00.00';
  header += pad(String(256 * (ns + 1)), 8) + pad(o.annotations ? (o.format === 'edf' ? 'EDF+C' : 'BDF+C') : o.format === 'bdf' ? '24BIT' : '', 44);
  header += pad(String(records), 8) + pad(String(recordSec), 8) + pad(String(ns), 4);
  const column = (values: string[], width: number) => values.map((v) => pad(v, width)).join('');
  header += column(labels, 16);
  header += column(labels.map(() => ''), 80);
  header += column(labels.map((_, i) => (i < o.signals.length ? 'uV' : '')), 8);
  header += column(labels.map((_, i) => (i < o.signals.length ? String(+ranges[i]![0]!.toPrecision(7)) : '-1')), 8);
  header += column(labels.map((_, i) => (i < o.signals.length ? String(+ranges[i]![1]!.toPrecision(7)) : '1')), 8);
  header += column(labels.map(() => String(dMin)), 8);
  header += column(labels.map(() => String(dMax)), 8);
  header += column(labels.map(() => ''), 80);
  header += column(labels.map((_, i) => String(i < o.signals.length ? perRecord : annotationSamples)), 8);
  header += column(labels.map(() => ''), 32);
  const recordBytes = (o.signals.length * perRecord + (o.annotations ? annotationSamples : 0)) * bytes;
  const data = Buffer.alloc(records * recordBytes);
  for (let r = 0; r < records; r++) {
    let at = r * recordBytes;
    o.signals.forEach((s, i) => {
      const [lo, hi] = ranges[i]! as [number, number];
      for (let k = 0; k < perRecord; k++) {
        const v = s.samples[r * perRecord + k] ?? lo;
        const digital = Math.min(dMax, Math.max(dMin, Math.round(((v - lo) / (hi - lo)) * (dMax - dMin) + dMin)));
        if (bytes === 2) data.writeInt16LE(digital, at);
        else data.writeIntLE(digital, at, 3);
        at += bytes;
      }
    });
    if (o.annotations) {
      let tal = `+${r * recordSec}\u0014\u0014\u0000`;
      for (const a of o.annotations.filter((x) => x.onsetSec >= r * recordSec && x.onsetSec < (r + 1) * recordSec)) tal += `+${a.onsetSec}\u0014${a.text}\u0014\u0000`;
      if (tal.length > annotationSamples * bytes) throw new Error('too many annotations in one record for this writer');
      data.write(tal, at, 'latin1');
    }
  }
  writeFileSync(path, Buffer.concat([Buffer.from(header, 'latin1'), data]));
}
