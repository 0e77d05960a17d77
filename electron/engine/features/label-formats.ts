/**
 * Label files: CSV (RFC 4180), JSON (our labels with the SAE's metadata) and a Neuronpedia-style
 * explanations export (one object per labelled feature: modelId, layer, index, description,
 * typeName, explanationModelName, authorId, createdAt, as in Neuronpedia's explanation exports;
 * explanationModelName is null because a person wrote the label). Parsing reports bad rows
 * one by one and keeps the rest.
 */
import { LABEL_CONFIDENCES, type FeatureLabel, type LabelConfidence, type SaeSummary } from '../../common/contract.js';
import { parseCsv, toCsv } from './csv.js';
import type { LabelFields } from './labels-repo.js';

export const CSV_COLUMNS = ['sae_id', 'feature', 'label', 'notes', 'confidence', 'tags', 'unclear', 'author', 'updated_at'] as const;

export interface LabelFileRow {
  feature: number;
  fields: LabelFields;
  author: string | null;
  updatedAt: string | null;
}

export interface SaeMetadata {
  sae: Pick<SaeSummary, 'id' | 'modelId' | 'layer' | 'architecture' | 'k' | 'width'>;
  modelRepoId: string | null;
}

/** Tags are `;`-joined in CSV, so a tag cannot hold `;`. */
export function labelsToCsv(labels: readonly FeatureLabel[]): string {
  return toCsv([
    [...CSV_COLUMNS],
    ...labels.map((l) => [String(l.saeId), String(l.feature), l.label, l.notes, l.confidence ?? '', l.tags.join(';'), l.unclear ? 'true' : 'false', l.author, l.updatedAt]),
  ]);
}

export function labelsToJson(meta: SaeMetadata, labels: readonly FeatureLabel[]): string {
  return JSON.stringify({ format: 'audiosae-labels', version: 1, sae: { ...meta.sae, model: meta.modelRepoId }, labels }, null, 2) + '\n';
}

export function labelsToNeuronpedia(meta: SaeMetadata, labels: readonly FeatureLabel[]): string {
  const layer = `${meta.sae.layer}-audiosae-${meta.sae.architecture}-${meta.sae.width}`;
  const rows = labels
    .filter((l) => l.label !== '')
    .map((l) => ({
      modelId: meta.modelRepoId ?? `model-${meta.sae.modelId}`,
      layer,
      index: String(l.feature),
      description: l.label,
      typeName: 'audiosae-listening',
      explanationModelName: null,
      authorId: l.author,
      notes: l.notes,
      confidence: l.confidence,
      tags: l.tags,
      createdAt: l.updatedAt,
    }));
  return JSON.stringify(rows, null, 2) + '\n';
}

const isConfidence = (v: unknown): v is LabelConfidence => (LABEL_CONFIDENCES as readonly unknown[]).includes(v);

function readFeature(value: unknown, width: number): number | string {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) return `feature '${String(value)}' is not a whole number >= 0`;
  if (n >= width) return `feature ${n} does not exist (the SAE has ${width} features)`;
  return n;
}

export function parseCsvLabels(text: string, width: number): { rows: LabelFileRow[]; errors: string[] } {
  const errors: string[] = [];
  let records: string[][];
  try {
    records = parseCsv(text);
  } catch (error) {
    return { rows: [], errors: [`The CSV cannot be read: ${(error as Error).message}.`] };
  }
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
  const col = (name: string): number => header.indexOf(name);
  if (col('feature') < 0) return { rows: [], errors: [`The CSV has no 'feature' column; expected a header like: ${CSV_COLUMNS.join(',')}.`] };
  const rows: LabelFileRow[] = [];
  records.slice(1).forEach((record, i) => {
    const line = `Row ${i + 2}`;
    if (record.length === 1 && record[0] === '') return;
    const get = (name: string): string => (col(name) >= 0 ? (record[col(name)] ?? '') : '');
    const feature = readFeature(get('feature'), width);
    if (typeof feature === 'string') return void errors.push(`${line}: ${feature}.`);
    const confidence = get('confidence').trim();
    if (confidence !== '' && !isConfidence(confidence)) return void errors.push(`${line}: confidence '${confidence}' is not one of ${LABEL_CONFIDENCES.join(', ')} (or empty).`);
    const unclear = get('unclear').trim().toLowerCase();
    if (!['', 'true', 'false', '1', '0'].includes(unclear)) return void errors.push(`${line}: unclear '${unclear}' is not true or false.`);
    rows.push({
      feature,
      fields: {
        label: get('label'),
        notes: get('notes'),
        confidence: confidence === '' ? null : (confidence as LabelConfidence),
        tags: get('tags').split(';').map((t) => t.trim()).filter((t) => t !== ''),
        unclear: unclear === 'true' || unclear === '1',
      },
      author: get('author').trim() || null,
      updatedAt: get('updated_at').trim() || null,
    });
  });
  return { rows, errors };
}

export function parseJsonLabels(text: string, width: number): { rows: LabelFileRow[]; errors: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { rows: [], errors: [`The JSON cannot be read: ${(error as Error).message}.`] };
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { labels?: unknown } | null)?.labels;
  if (!Array.isArray(list)) return { rows: [], errors: ['The JSON is neither a list of labels nor an object with a "labels" list (an AudioSAE Lab labels export).'] };
  const errors: string[] = [];
  const rows: LabelFileRow[] = [];
  list.forEach((item: unknown, i) => {
    const where = `Label ${i + 1}`;
    if (typeof item !== 'object' || item === null) return void errors.push(`${where}: not an object.`);
    const o = item as Record<string, unknown>;
    const feature = readFeature(o['feature'], width);
    if (typeof feature === 'string') return void errors.push(`${where}: ${feature}.`);
    const str = (key: string): string | null | undefined => (o[key] === undefined ? undefined : typeof o[key] === 'string' ? o[key] : null);
    const label = str('label');
    const notes = str('notes');
    if (label === null || notes === null) return void errors.push(`${where} (feature ${feature}): label and notes must be text.`);
    const confidence = o['confidence'] ?? null;
    if (confidence !== null && !isConfidence(confidence)) return void errors.push(`${where} (feature ${feature}): confidence '${String(confidence)}' is not one of ${LABEL_CONFIDENCES.join(', ')} or null.`);
    const tags = o['tags'] ?? [];
    if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) return void errors.push(`${where} (feature ${feature}): tags must be a list of text.`);
    const unclear = o['unclear'] ?? false;
    if (typeof unclear !== 'boolean') return void errors.push(`${where} (feature ${feature}): unclear must be true or false.`);
    rows.push({
      feature,
      fields: { label: label ?? '', notes: notes ?? '', confidence, tags: (tags as string[]).map((t) => t.trim()).filter((t) => t !== ''), unclear },
      author: typeof o['author'] === 'string' && o['author'].trim() !== '' ? o['author'] : null,
      updatedAt: typeof o['updatedAt'] === 'string' ? o['updatedAt'] : null,
    });
  });
  return { rows, errors };
}
