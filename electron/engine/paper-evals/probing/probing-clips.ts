/**
 * The class of each clip of a run for probing, from one clip label, and the checks that refuse a
 * bad request before the job is queued.
 */
import { AppError } from '../../../common/errors.js';
import type { ProbingParams } from '../../../common/paper-evals/probing.js';
import type { SqliteDatabase } from '../../store/database.js';
import { runClipLabels, runLabelValueCounts } from '../clip-labels.js';

export interface ProbingClips {
  classes: string[];
  /** clip id -> index into `classes`. */
  classOf: Map<number, number>;
  clipsPerClass: number[];
  skipped: { multiValued: number; otherValue: number };
  /** Values left out by default because they have fewer clips than folds. */
  droppedClasses: string[];
}

/**
 * Clips with exactly one value of the key, in `classes` (default: every value with at least `folds`
 * such clips, sorted). Clips with several values are left out, as are clips of other values.
 */
export function probingClips(labels: ReadonlyMap<number, readonly string[]>, classes: readonly string[] | undefined, folds: number): ProbingClips {
  const single = new Map<number, string>();
  let multiValued = 0;
  for (const [clipId, values] of labels) {
    const distinct = new Set(values);
    if (distinct.size === 1) single.set(clipId, values[0]!);
    else if (distinct.size > 1) multiValued++;
  }
  const clipsOf = new Map<string, number>();
  for (const value of single.values()) clipsOf.set(value, (clipsOf.get(value) ?? 0) + 1);
  const present = [...clipsOf.keys()].sort();
  const chosen = classes ? [...classes] : present.filter((v) => clipsOf.get(v)! >= folds);
  const droppedClasses = classes ? [] : present.filter((v) => clipsOf.get(v)! < folds);
  const index = new Map(chosen.map((c, i) => [c, i]));
  const classOf = new Map<number, number>();
  let otherValue = 0;
  for (const [clipId, value] of single) {
    const c = index.get(value);
    if (c === undefined) otherValue++;
    else classOf.set(clipId, c);
  }
  return { classes: chosen, classOf, clipsPerClass: chosen.map((c) => clipsOf.get(c) ?? 0), skipped: { multiValued, otherValue }, droppedClasses };
}

function runLabelKeys(db: SqliteDatabase, runId: number): string[] {
  const rows = db
    .prepare(`SELECT DISTINCT key FROM clip_labels WHERE clip_id IN (SELECT DISTINCT clip_id FROM activation_spans WHERE run_id = ?) ORDER BY key LIMIT 30`)
    .all(runId) as { key: string }[];
  return rows.map((r) => r.key);
}

/** The run's clips by class; refuses an unknown key or class, fewer than two classes, or a class with fewer clips than folds. */
export function runProbingClips(db: SqliteDatabase, params: Pick<ProbingParams, 'runId' | 'labelKey' | 'classes' | 'folds'>): ProbingClips {
  const { runId, labelKey, folds } = params;
  const counts = runLabelValueCounts(db, runId, labelKey);
  if (counts.length === 0) {
    const keys = runLabelKeys(db, runId);
    throw new AppError(
      'bad_input',
      keys.length === 0
        ? `The clips of activation run ${runId} carry no labels: label them (e.g. by folder on import) before probing.`
        : `No clip of activation run ${runId} carries the label "${labelKey}"; pick one of: ${keys.join(', ')}.`,
    );
  }
  const offered = counts.map((c) => `${c.value} (${c.clips})`).join(', ');
  if (params.classes) {
    const repeated = params.classes.find((c, i) => params.classes!.indexOf(c) !== i);
    if (repeated !== undefined) throw new AppError('bad_input', `Class "${repeated}" is listed twice: list each class once.`);
    const unknown = params.classes.filter((c) => !counts.some((v) => v.value === c));
    if (unknown.length > 0) throw new AppError('bad_input', `No clip of activation run ${runId} has ${labelKey} = ${unknown.join(', ')}; values of ${labelKey} there: ${offered}.`);
  }
  const clips = probingClips(runClipLabels(db, runId, labelKey), params.classes, folds);
  const described = () => clips.classes.map((c, i) => `${c} (${clips.clipsPerClass[i]})`).join(', ');
  if (clips.classes.length < 2) {
    throw new AppError(
      'bad_input',
      `Probing needs at least two classes with ${folds} or more clips each (one value of ${labelKey} per clip); found ${clips.classes.length === 0 ? 'none' : described()}. Values of ${labelKey} on run ${runId}: ${offered}. Pick another label key, fewer folds, or add clips.`,
    );
  }
  const short = clips.classes.filter((_, i) => clips.clipsPerClass[i]! < folds);
  if (short.length > 0) {
    throw new AppError('bad_input', `Every class needs at least ${folds} clips for ${folds} folds; ${short.join(', ')} ha${short.length === 1 ? 's' : 've'} fewer (clips: ${described()}). Lower folds, drop the class, or add clips.`);
  }
  return clips;
}
