/**
 * The clips of a run sorted into speech / music / other by a clip label, and the checks that make
 * a bad mapping fail before the job is queued.
 */
import { DOMAINS, type Domain, type DomainsParams } from '../../../common/paper-evals/domains.js';
import { AppError } from '../../../common/errors.js';
import type { SqliteDatabase } from '../../store/database.js';
import { runClipLabels, runLabelValueCounts } from '../clip-labels.js';
import type { DomainIndex } from './domain-specificity.js';

type DomainValues = Pick<DomainsParams, Domain>;

export interface RunDomainClips {
  /** clip id -> domain, for the clips of exactly one domain. */
  domainOf: Map<number, DomainIndex>;
  clips: Record<Domain, number>;
  /** Clips whose label values fall in two domains (left out). */
  ambiguous: number;
}

/** label value -> domain; refuses a value listed in two domains. */
export function valueDomains(params: DomainValues): Map<string, DomainIndex> {
  const out = new Map<string, DomainIndex>();
  DOMAINS.forEach((domain, d) => {
    for (const value of params[domain]) {
      const earlier = out.get(value);
      if (earlier !== undefined && earlier !== d) {
        throw new AppError('bad_input', `Label value "${value}" is listed for both ${DOMAINS[earlier]} and ${domain}: give each value to one domain.`);
      }
      out.set(value, d as DomainIndex);
    }
  });
  return out;
}

export function domainClips(labels: ReadonlyMap<number, readonly string[]>, values: ReadonlyMap<string, DomainIndex>): RunDomainClips {
  const out: RunDomainClips = { domainOf: new Map(), clips: { speech: 0, music: 0, other: 0 }, ambiguous: 0 };
  for (const [clipId, clipValues] of labels) {
    const domains = new Set<DomainIndex>();
    for (const v of clipValues) {
      const d = values.get(v);
      if (d !== undefined) domains.add(d);
    }
    if (domains.size > 1) out.ambiguous++;
    if (domains.size !== 1) continue;
    const d = domains.values().next().value as DomainIndex;
    out.domainOf.set(clipId, d);
    out.clips[DOMAINS[d]]++;
  }
  return out;
}

function runLabelKeys(db: SqliteDatabase, runId: number): string[] {
  const rows = db
    .prepare(`SELECT DISTINCT key FROM clip_labels WHERE clip_id IN (SELECT DISTINCT clip_id FROM activation_spans WHERE run_id = ?) ORDER BY key LIMIT 30`)
    .all(runId) as { key: string }[];
  return rows.map((r) => r.key);
}

/** The run's clips by domain; refuses an unknown label key or a domain without clips. */
export function runDomainClips(db: SqliteDatabase, params: Pick<DomainsParams, 'runId' | 'labelKey' | Domain>): RunDomainClips {
  const { runId, labelKey } = params;
  const values = valueDomains(params);
  const counts = runLabelValueCounts(db, runId, labelKey);
  if (counts.length === 0) {
    const keys = runLabelKeys(db, runId);
    throw new AppError(
      'bad_input',
      keys.length === 0
        ? `The clips of activation run ${runId} carry no labels: label them (e.g. by folder on import) before this evaluation.`
        : `No clip of activation run ${runId} carries the label "${labelKey}"; pick one of: ${keys.join(', ')}.`,
    );
  }
  const clips = domainClips(runClipLabels(db, runId, labelKey), values);
  for (const domain of DOMAINS) {
    if (clips.clips[domain] > 0) continue;
    const offered = counts.map((c) => `${c.value} (${c.clips})`).join(', ');
    throw new AppError(
      'bad_input',
      `No clip of activation run ${runId} falls in the ${domain} domain (${labelKey} = ${params[domain].join(' | ')}${clips.ambiguous > 0 ? `; ${clips.ambiguous} clips in two domains are left out` : ''}); values of ${labelKey} there: ${offered}.`,
    );
  }
  return clips;
}

/** Frames of each clip of the run (all its spans). */
export function runClipRows(db: SqliteDatabase, runId: number): Map<number, number> {
  const rows = db.prepare('SELECT clip_id AS clipId, SUM(frames) AS frames FROM activation_spans WHERE run_id = ? GROUP BY clip_id').all(runId) as { clipId: number; frames: number }[];
  return new Map(rows.map((r) => [r.clipId, r.frames]));
}
