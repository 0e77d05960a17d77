/**
 * Imports forced alignments for a dataset's clips from a TextGrid / CTM file or a folder of them.
 * A TextGrid belongs to the clip with the same relative path (MFA mirrors the corpus tree) or,
 * failing that, the same file name, without extensions; a CTM line's utterance id is matched the
 * same way. Each clip's tier is replaced in one transaction; a malformed file is reported and the
 * others still import. Labels: ARPAbet stress digits are removed when `stripStress`; empty
 * intervals (silence in MFA's output) are not stored.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { AppError } from '../../common/errors.js';
import type { SqliteDatabase } from '../store/database.js';
import { clipNameIndex } from '../datasets/clip-names.js';
import { decodeAlignmentText, parseCtm, parseTextGrid, withoutStress, type AlignedInterval } from './alignment-formats.js';
import { AlignmentsRepo } from './alignments-repo.js';

export const ALIGNMENT_FORMATS = ['auto', 'textgrid', 'ctm'] as const;

export interface AlignmentImportRequest {
  datasetId: number;
  path: string;
  format: (typeof ALIGNMENT_FORMATS)[number];
  stripStress: boolean;
}

export interface AlignmentImportResult {
  files: number;
  clips: number;
  intervals: number;
  tiers: string[];
  /** Files or utterances that name no clip of the dataset (at most 50). */
  unmatched: string[];
  /** Files that could not be read, with why. */
  errors: { file: string; message: string }[];
}

const MAX_FILES = 200_000;

function alignmentFiles(path: string, format: AlignmentImportRequest['format']): string[] {
  const wanted = (file: string) => {
    const ext = extname(file).toLowerCase();
    return format === 'textgrid' ? ext === '.textgrid' : format === 'ctm' ? ext === '.ctm' : ext === '.textgrid' || ext === '.ctm';
  };
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new AppError('bad_input', `No alignment file or folder at ${path}.`);
  }
  if (stat.isFile()) return [path];
  const files = (readdirSync(path, { recursive: true }) as string[]).map((f) => join(path, f)).filter((f) => wanted(f) && statSync(f).isFile()).sort();
  if (files.length === 0) throw new AppError('bad_input', `${path} holds no ${format === 'ctm' ? '.ctm' : format === 'textgrid' ? '.TextGrid' : '.TextGrid or .ctm'} files.`);
  if (files.length > MAX_FILES) throw new AppError('bad_input', `${path} holds ${files.length} alignment files; import at most ${MAX_FILES} at a time (one subfolder at a time).`);
  return files;
}

const stem = (p: string) => p.slice(0, p.length - extname(p).length);

export function importAlignments(db: SqliteDatabase, request: AlignmentImportRequest): AlignmentImportResult {
  const clips = db.prepare('SELECT id, relative_path AS relativePath, duration_sec AS durationSec FROM clips WHERE dataset_id = ? ORDER BY id').all(request.datasetId) as { id: number; relativePath: string; durationSec: number }[];
  if (clips.length === 0) throw new AppError('bad_input', `Dataset ${request.datasetId} has no clips to align.`);
  const lookup = clipNameIndex(clips);
  const repo = new AlignmentsRepo(db);
  const folder = statSync(request.path, { throwIfNoEntry: false })?.isDirectory() ? request.path : null;
  const result: AlignmentImportResult = { files: 0, clips: 0, intervals: 0, tiers: [], unmatched: [], errors: [] };
  const tiers = new Set<string>();
  const clipsDone = new Set<number>();
  const store = (clipId: number, tier: string, intervals: AlignedInterval[], source: string) => {
    const kept = intervals.filter((i) => i.label.trim() !== '').map((i) => ({ ...i, label: request.stripStress ? withoutStress(i.label.trim()) : i.label.trim() }));
    repo.replaceTier(clipId, tier, kept, source);
    tiers.add(tier);
    clipsDone.add(clipId);
    result.intervals += kept.length;
  };
  const unmatched = (name: string) => result.unmatched.length < 50 && result.unmatched.push(name);
  for (const file of alignmentFiles(request.path, request.format)) {
    const name = folder ? relative(folder, file) : basename(file);
    try {
      const text = decodeAlignmentText(readFileSync(file));
      if (extname(file).toLowerCase() === '.ctm' || request.format === 'ctm') {
        for (const [utterance, intervals] of parseCtm(text, name)) {
          const clipId = lookup(utterance);
          if (clipId === undefined) unmatched(`${name}: ${utterance}`);
          else store(clipId, 'phones', intervals, name);
        }
      } else {
        const parsed = parseTextGrid(text, name);
        const clipId = lookup(stem(name).replace(/\\/g, '/')) ?? lookup(stem(basename(file)));
        if (clipId === undefined) unmatched(name);
        else for (const tier of parsed) store(clipId, tier.name, tier.intervals, name);
      }
      result.files++;
    } catch (error) {
      result.errors.push({ file: name, message: error instanceof Error ? error.message : String(error) });
    }
  }
  if (result.files === 0 && result.errors.length > 0) throw new AppError('bad_input', `No alignment file could be read: ${result.errors[0]!.message}`);
  result.clips = clipsDone.size;
  result.tiers = [...tiers].sort();
  return result;
}
