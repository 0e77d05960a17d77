/** The EEG file of an evaluation: its format, channels, one channel's samples and any EDF+ annotations. */
import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { AppError } from '../../../common/errors.js';
import type { EegParams } from '../../../common/paper-evals/eeg.js';
import { dataChannels, findChannel, readEdfAnnotations, readEdfChannel, readEdfHeader, type EdfAnnotation } from './edf-reader.js';
import { readEegCsvChannel, readEegCsvHeader } from './eeg-csv.js';

export type ConcreteEegFormat = 'edf' | 'bdf' | 'csv';

export interface EegChannelData {
  samples: Float64Array;
  rateHz: number;
  annotations: EdfAnnotation[];
}

export function eegFormatOf(path: string, format: EegParams['format']): ConcreteEegFormat {
  if (!existsSync(path) || !statSync(path).isFile()) throw new AppError('bad_input', `No EEG file at ${path}.`);
  if (format !== 'auto') return format;
  const ext = extname(path).toLowerCase();
  if (ext === '.edf' || ext === '.rec') return 'edf';
  if (ext === '.bdf') return 'bdf';
  if (ext === '.csv' || ext === '.txt') return 'csv';
  throw new AppError('bad_input', `Cannot tell the format of ${path} from its extension; give format edf, bdf or csv.`);
}

/** The channel names, checking that `channel` is one of them (the error lists them). */
export function checkEegChannel(path: string, format: ConcreteEegFormat, channel: string): void {
  const names = format === 'csv' ? readEegCsvHeader(path).channels : dataChannels(readEdfHeader(path)).map((s) => s.label);
  if (!findChannel(names.map((label) => ({ label })), channel)) throw new AppError('bad_input', `The EEG file has no channel ${channel}; it has ${names.join(', ')}.`);
}

export function readEegChannel(path: string, format: ConcreteEegFormat, channel: string): EegChannelData {
  if (format === 'csv') return { ...readEegCsvChannel(path, channel, undefined), annotations: [] };
  const header = readEdfHeader(path);
  if ((format === 'bdf') !== (header.format === 'bdf')) throw new AppError('bad_input', `${path} is ${header.format.toUpperCase()}, not ${format.toUpperCase()}; use format auto.`);
  const signal = findChannel(dataChannels(header), channel);
  if (!signal) throw new AppError('bad_input', `The EEG file has no channel ${channel}; it has ${dataChannels(header).map((s) => s.label).join(', ')}.`);
  const { samples, rateHz } = readEdfChannel(path, header, signal);
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i]!)) throw new AppError('bad_input', `Channel ${signal.label} holds a non-finite value at sample ${i}.`);
  }
  return { samples, rateHz, annotations: readEdfAnnotations(path, header) };
}
