/**
 * A recorded take: the session's audio written as a mono 16-bit WAV under `<data dir>/recordings/`
 * (temp file, fsync, rename) and registered as a clip of the "Recordings" dataset (created on
 * first use), with the take transcribed original (the clip's transcript) and steered (a label).
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LiveSteering, LiveTake } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import { encodeWav16 } from '../audio/wav-encode.js';
import type { DatasetsRepo } from '../store/datasets-repo.js';
import type { WindowTranscription } from './window-transcriber.js';

export const RECORDINGS_DATASET = 'Recordings';
/** Whisper's window: a longer take is transcribed window by window. */
const TRANSCRIBE_WINDOW_SEC = 30;

export interface SaveTakeDeps {
  datasets: DatasetsRepo;
  recordingsDir: string;
  transcribe: (window: Float32Array) => Promise<WindowTranscription>;
  now?: () => Date;
}

export interface TakeAudio {
  samples: Float32Array;
  sampleRate: number;
  sessionId: number;
  steering: LiveSteering;
  modelRepo: string;
}

export function takeFileName(at: Date, sessionId: number): string {
  return `take-${at.toISOString().replace(/[:.]/g, '-')}-s${sessionId}.wav`;
}

export async function saveTake(deps: SaveTakeDeps, take: TakeAudio): Promise<LiveTake> {
  const { samples, sampleRate, steering } = take;
  const windowSamples = TRANSCRIBE_WINDOW_SEC * sampleRate;
  const original: string[] = [];
  const steered: string[] = [];
  for (let start = 0; start < samples.length; start += windowSamples) {
    const result = await deps.transcribe(samples.subarray(start, start + windowSamples));
    original.push(result.original.trim());
    steered.push(result.steered.trim());
  }
  const originalText = original.filter((t) => t.length > 0).join(' ');
  const steeredText = steered.filter((t) => t.length > 0).join(' ');

  mkdirSync(deps.recordingsDir, { recursive: true });
  const name = takeFileName((deps.now ?? (() => new Date()))(), take.sessionId);
  const path = join(deps.recordingsDir, name);
  const bytes = encodeWav16(samples, sampleRate);
  writeAtomically(path, bytes);

  const labels: Record<string, string[]> = {
    source: ['live'],
    take: [name],
    steered: [steeredText],
    alpha: [String(steering.alpha)],
    model: [take.modelRepo],
  };
  if (steering.saeId !== null) labels['sae'] = [String(steering.saeId)];
  if (steering.presetName !== null) labels['preset'] = [steering.presetName];
  if (steering.features.length > 0) labels['features'] = [String(steering.features.length)];

  const durationSec = samples.length / sampleRate;
  const datasetId = deps.datasets.createWithClips(RECORDINGS_DATASET, deps.recordingsDir, null, [
    {
      path,
      relativePath: name,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      durationSec,
      sampleRate,
      channels: 1,
      format: 'wav',
      labels,
      transcript: originalText,
    },
  ]);
  const clip = deps.datasets.listClips({ datasetId, offset: 0, limit: 1, label: { key: 'take', value: name } }).clips[0];
  if (!clip) throw new AppError('internal', `The take ${name} was written but its clip row was not found.`);
  return { clip, datasetId, durationSec, original: originalText, steered: steeredText };
}

function writeAtomically(path: string, bytes: Uint8Array): void {
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
}
