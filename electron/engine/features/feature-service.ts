/** What the features.* and labels.* handlers do, over the store's repos and an in-memory SAE cache. */
import type { ActivationRunSummary, ClipFeatureActivations, EngineEvent, FeatureDetail, FeatureLabel, LabelExport, LabelExportFormat, LabelImportResult, SaeSummary } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import type { AnalysisRepo } from '../analysis/analysis-repo.js';
import type { ActivationsRepo } from '../extraction/activations-repo.js';
import type { SqliteDatabase } from '../store/database.js';
import type { ModelsRepo } from '../store/models-repo.js';
import type { SaesRepo } from '../training/saes-repo.js';
import { clipCodes, pickFeatures } from './clip-activations.js';
import { enrichment, type DatasetLabelBase } from './enrichment.js';
import { FeaturesRepo, type FeatureQuery } from './features-repo.js';
import { labelsToCsv, labelsToJson, labelsToNeuronpedia, parseCsvLabels, parseJsonLabels, type SaeMetadata } from './label-formats.js';
import { defaultAuthor, fieldsOf, LabelsRepo, sameFields, type LabelPatch } from './labels-repo.js';
import { decoderNeighbours, SaeModelCache } from './sae-model-cache.js';

/** An import announces each label only up to this many (then one saes.changed). */
const MAX_IMPORT_EVENTS = 200;

export interface FeatureServiceDeps {
  db: SqliteDatabase;
  saes: SaesRepo;
  analyses: AnalysisRepo;
  activations: ActivationsRepo;
  models: ModelsRepo;
  notify?: (event: EngineEvent) => void;
}

export class FeatureService {
  readonly features: FeaturesRepo;
  readonly labels: LabelsRepo;
  readonly models = new SaeModelCache();
  readonly #labelBases = new Map<string, DatasetLabelBase>();

  constructor(private readonly deps: FeatureServiceDeps) {
    this.features = new FeaturesRepo(deps.db);
    this.labels = new LabelsRepo(deps.db);
  }

  sae(saeId: number): SaeSummary {
    const sae = this.deps.saes.get(saeId);
    if (!sae) throw new AppError('not_found', `No SAE with id ${saeId}.`);
    return sae;
  }

  /** The SAE and the run its analysis is over; refuses an SAE that was never analysed. */
  analysed(saeId: number): { sae: SaeSummary; run: ActivationRunSummary } {
    const sae = this.sae(saeId);
    const analysis = this.deps.analyses.get(saeId);
    if (!analysis) throw new AppError('not_found', `SAE ${saeId} has no feature analysis yet: run saes.analyze (Analyse on the Features page, or audiosae sae analyze ${saeId}) first.`);
    const run = this.deps.activations.get(analysis.runId);
    if (!run) throw new AppError('not_found', `The activation run ${analysis.runId} SAE ${saeId} was analysed on no longer exists; analyse it on another run.`);
    return { sae, run };
  }

  list(query: FeatureQuery) {
    this.analysed(query.saeId);
    return this.features.list(query);
  }

  async get(saeId: number, feature: number, neighbourCount: number): Promise<FeatureDetail> {
    const { sae, run } = this.analysed(saeId);
    const row = this.features.row(saeId, feature);
    if (!row) throw new AppError('not_found', `SAE ${saeId} has no feature ${feature} (it has ${sae.width}: 0..${sae.width - 1}).`);
    const examples = this.features.examples(saeId, feature);
    const top = examples.filter((e) => e.kind === 'top');
    const loaded = neighbourCount > 0 ? await this.models.get(sae) : null;
    const near = loaded ? decoderNeighbours(loaded.unitDecoder, loaded.weights.dSae, loaded.weights.dIn, feature, neighbourCount) : [];
    const labels = this.features.labelTexts(saeId, near.map((n) => n.feature));
    return {
      ...row,
      saeId,
      frameRateHz: run.frameRateHz,
      top,
      quantiles: examples.filter((e) => e.kind === 'quantile'),
      enrichment: enrichment(top.map((e) => e.labels), this.#labelBase(run.datasetId)),
      neighbours: near.map((n) => ({ ...n, label: labels.get(n.feature) ?? null })),
    };
  }

  #labelBase(datasetId: number): DatasetLabelBase {
    const clips = (this.deps.db.prepare('SELECT COUNT(*) AS n FROM clips WHERE dataset_id = ?').get(datasetId) as { n: number }).n;
    const key = `${datasetId}:${clips}`;
    let base = this.#labelBases.get(key);
    if (!base) {
      base = this.deps.analyses.labelBase(datasetId);
      this.#labelBases.set(key, base);
    }
    return base;
  }

  async clipActivations(params: { saeId: number; clipId: number; features?: number[] | undefined; limit: number }): Promise<ClipFeatureActivations> {
    const { sae, run } = this.analysed(params.saeId);
    const encoder = await this.models.encoder(sae);
    const codes = await clipCodes(this.deps.activations, run, sae.layer, params.clipId, encoder, sae.width);
    const picked = pickFeatures(codes, params.features, params.limit);
    const labels = this.features.labelTexts(sae.id, picked.map((p) => p.feature));
    return {
      saeId: sae.id,
      clipId: params.clipId,
      frameRateHz: run.frameRateHz,
      startSec: codes.startSec,
      frames: codes.frames,
      features: picked.map((p) => ({ ...p, label: labels.get(p.feature) ?? null })),
    };
  }

  #checkFeature(sae: SaeSummary, feature: number): void {
    if (feature >= sae.width) throw new AppError('invalid_params', `Feature ${feature} does not exist: SAE ${sae.id} has ${sae.width} features (0..${sae.width - 1}).`);
  }

  setLabel(saeId: number, feature: number, patch: LabelPatch, author?: string): FeatureLabel {
    this.#checkFeature(this.sae(saeId), feature);
    const saved = this.labels.set(saeId, feature, patch, author ?? defaultAuthor());
    this.deps.notify?.({ type: 'labels.changed', label: saved });
    return saved;
  }

  history(saeId: number, feature: number): FeatureLabel[] {
    this.#checkFeature(this.sae(saeId), feature);
    return this.labels.history(saeId, feature);
  }

  undo(saeId: number, feature: number): FeatureLabel {
    this.#checkFeature(this.sae(saeId), feature);
    const saved = this.labels.undo(saeId, feature);
    this.deps.notify?.({ type: 'labels.changed', label: saved });
    return saved;
  }

  search(query: string, saeId: number | undefined, limit: number) {
    if (saeId !== undefined) this.sae(saeId);
    return this.labels.search(query, saeId, limit);
  }

  #metadata(sae: SaeSummary): SaeMetadata {
    return { sae: { id: sae.id, modelId: sae.modelId, layer: sae.layer, architecture: sae.architecture, k: sae.k, width: sae.width }, modelRepoId: this.deps.models.get(sae.modelId)?.repoId ?? null };
  }

  exportLabels(saeId: number, format: LabelExportFormat): LabelExport {
    const sae = this.sae(saeId);
    const labels = this.labels.all(saeId);
    const meta = this.#metadata(sae);
    const base = `sae-${saeId}-layer-${sae.layer}-labels`;
    if (format === 'csv') return { fileName: `${base}.csv`, mimeType: 'text/csv', text: labelsToCsv(labels), count: labels.length };
    if (format === 'json') return { fileName: `${base}.json`, mimeType: 'application/json', text: labelsToJson(meta, labels), count: labels.length };
    const text = labelsToNeuronpedia(meta, labels);
    return { fileName: `${base}-neuronpedia.json`, mimeType: 'application/json', text, count: labels.filter((l) => l.label !== '').length };
  }

  /** Imports a CSV or JSON label file; `replace` also removes the SAE's labels the file does not mention. */
  importLabels(params: { saeId: number; format: 'csv' | 'json'; text: string; mode: 'merge' | 'replace'; author?: string | undefined }): LabelImportResult {
    const sae = this.sae(params.saeId);
    const { rows, errors } = params.format === 'csv' ? parseCsvLabels(params.text, sae.width) : parseJsonLabels(params.text, sae.width);
    const saved: FeatureLabel[] = [];
    let unchanged = 0;
    this.deps.db.transaction(() => {
      const now = new Date().toISOString();
      for (const row of rows) {
        const current = this.labels.get(sae.id, row.feature);
        if (current && sameFields(fieldsOf(current), row.fields)) {
          unchanged++;
          continue;
        }
        saved.push(this.labels.write(sae.id, row.feature, row.fields, row.author ?? params.author ?? defaultAuthor(), row.updatedAt ?? now, current));
      }
      if (params.mode === 'replace') this.labels.deleteExcept(sae.id, new Set(rows.map((r) => r.feature)));
    })();
    if (saved.length <= MAX_IMPORT_EVENTS) for (const label of saved) this.deps.notify?.({ type: 'labels.changed', label });
    this.deps.notify?.({ type: 'saes.changed' });
    return { imported: saved.length, unchanged, errors };
  }

  dispose(): Promise<void> {
    return this.models.dispose();
  }
}
