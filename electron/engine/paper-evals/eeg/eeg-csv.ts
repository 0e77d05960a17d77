/**
 * EEG as CSV: a header row of channel names, one row per sample; an optional `time` (or
 * `time_s`, `t`) column in seconds gives the rate, else the caller's rate is used.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../../../common/errors.js';
import { findChannel } from './edf-reader.js';

const TIME_COLUMNS = new Set(['time', 'time_s', 't', 'seconds']);
/** A CSV is read whole; larger recordings should be EDF/BDF. */
const MAX_CSV_BYTES = 512 * 1024 * 1024;

export interface CsvChannels {
  channels: string[];
}

export function readEegCsvHeader(path: string): CsvChannels {
  const text = readFileSync(path, 'utf8');
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const names = first.split(',').map((c) => c.trim());
  if (names.length < 1 || names.every((n) => n === '')) throw new AppError('bad_input', `${basename(path)}: the first row must name the channels (e.g. time,Fz,Cz,Pz).`);
  return { channels: names.filter((n) => !TIME_COLUMNS.has(n.toLowerCase())) };
}

export function readEegCsvChannel(path: string, channel: string, rateHz: number | undefined): { samples: Float64Array; rateHz: number } {
  const size = statSync(path).size;
  if (size > MAX_CSV_BYTES) throw new AppError('bad_input', `${basename(path)} is ${(size / 2 ** 20).toFixed(0)} MB; CSV EEG is read whole, so convert recordings this large to EDF/BDF.`);
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const names = (lines[0] ?? '').split(',').map((c) => c.trim());
  const found = findChannel(names.map((label, index) => ({ label, index })).filter((c) => !TIME_COLUMNS.has(c.label.toLowerCase())), channel);
  if (!found) throw new AppError('bad_input', `${basename(path)} has no channel ${channel}; it has ${names.filter((n) => !TIME_COLUMNS.has(n.toLowerCase())).join(', ')}.`);
  const timeIndex = names.findIndex((n) => TIME_COLUMNS.has(n.toLowerCase()));
  const samples = new Float64Array(lines.length - 1);
  const times: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i]!.split(',');
    const value = Number(cells[found.index]);
    if (cells[found.index] === undefined || cells[found.index]!.trim() === '' || !Number.isFinite(value)) {
      throw new AppError('bad_input', `${basename(path)} line ${i + 1}: channel ${found.label} holds "${cells[found.index] ?? ''}", not a finite number.`);
    }
    samples[i - 1] = value;
    if (timeIndex >= 0) times.push(Number(cells[timeIndex]));
  }
  if (samples.length < 2) throw new AppError('bad_input', `${basename(path)} holds fewer than two samples.`);
  let rate = rateHz;
  if (timeIndex >= 0) {
    const step = times[1]! - times[0]!;
    if (!(step > 0)) throw new AppError('bad_input', `${basename(path)}: the time column does not increase (${times[0]}, ${times[1]}).`);
    const uneven = times.findIndex((t, i) => !(Math.abs(t - times[0]! - i * step) <= 0.01 * step));
    if (uneven >= 0) {
      throw new AppError('bad_input', `${basename(path)} line ${uneven + 2}: the time ${times[uneven]} breaks the sampling step of ${step} s; the samples must be evenly spaced (resample the recording).`);
    }
    rate = 1 / step;
  }
  if (rate === undefined) throw new AppError('bad_input', `${basename(path)} has no time column: add one (seconds) so the sampling rate is known.`);
  return { samples, rateHz: rate };
}
