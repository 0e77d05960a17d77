/**
 * When each stimulus clip started in the EEG recording: from a CSV (`clip`, `onset_sec`; the
 * clip named by id, relative path, or file name with or without extension) or from EDF+
 * annotations whose text names the clip the same way. Names that match no clip of the run are
 * reported, not guessed.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../../../common/errors.js';
import { clipNameIndex } from '../../datasets/clip-names.js';
import { parseCsv } from '../../features/csv.js';
import type { SqliteDatabase } from '../../store/database.js';

export interface RunClip {
  id: number;
  relativePath: string;
  durationSec: number;
}

export interface StimulusOnset {
  clipId: number;
  onsetSec: number;
}

export interface MatchedOnsets {
  onsets: StimulusOnset[];
  /** Names from the onsets that are not clips of the run. */
  unmatched: string[];
}

export function runClipsOf(db: SqliteDatabase, runId: number): RunClip[] {
  return db
    .prepare('SELECT id, relative_path AS relativePath, duration_sec AS durationSec FROM clips WHERE id IN (SELECT DISTINCT clip_id FROM activation_spans WHERE run_id = ?) ORDER BY id')
    .all(runId) as RunClip[];
}

export function readOnsetsCsv(path: string): { name: string; onsetSec: number }[] {
  const records = parseCsv(readFileSync(path, 'utf8')).filter((r) => r.some((c) => c.trim() !== ''));
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
  const clipColumn = header.findIndex((h) => ['clip', 'clip_id', 'file', 'path', 'stimulus'].includes(h));
  const onsetColumn = header.findIndex((h) => ['onset', 'onset_sec', 'onset_s', 'time'].includes(h));
  if (clipColumn < 0 || onsetColumn < 0) {
    throw new AppError('bad_input', `${basename(path)}: the first row must name a clip column (clip, file or path) and an onset column (onset_sec), e.g. "clip,onset_sec"; it has ${header.join(', ') || 'nothing'}.`);
  }
  return records.slice(1).map((r, i) => {
    const onset = Number(r[onsetColumn]);
    if (!Number.isFinite(onset) || onset < 0) throw new AppError('bad_input', `${basename(path)} line ${i + 2}: the onset "${r[onsetColumn] ?? ''}" is not a time in seconds.`);
    return { name: r[clipColumn] ?? '', onsetSec: onset };
  });
}

export function matchOnsets(entries: readonly { name: string; onsetSec: number }[], clips: readonly RunClip[]): MatchedOnsets {
  const lookup = clipNameIndex(clips);
  const onsets: StimulusOnset[] = [];
  const unmatched: string[] = [];
  for (const e of entries) {
    const id = lookup(e.name);
    if (id === undefined) unmatched.push(e.name);
    else onsets.push({ clipId: id, onsetSec: e.onsetSec });
  }
  return { onsets, unmatched };
}
