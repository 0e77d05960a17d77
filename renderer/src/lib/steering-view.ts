/** Pure helpers of the Steering page: the discovery form's request, display of scores and presets. */
import type { ActivationRunSummary, DiscoverySort, FeatureDiscovery, RpcParams, SaeSummary, SteeringPreset } from '../../../electron/common/contract.js';

export type DiscoverRequest = RpcParams<'steering.discover'>;

export interface DiscoverForm {
  mode: 'two-runs' | 'label';
  nonspeechRunId: number | null;
  speechRunId: number | null;
  runId: number | null;
  /** `key=value` of the non-speech clips' label. */
  positive: string;
}

/** "folder=tone" -> { key, value }; null unless both sides are non-empty. */
export function parseLabel(text: string): { key: string; value: string } | null {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1) return null;
  return { key: text.slice(0, at), value: text.slice(at + 1) };
}

/** The request for the form, or null while it is incomplete. */
export function discoverRequest(saeId: number | null, form: DiscoverForm): DiscoverRequest | null {
  if (saeId == null) return null;
  if (form.mode === 'two-runs') {
    if (form.nonspeechRunId == null || form.speechRunId == null || form.nonspeechRunId === form.speechRunId) return null;
    return { saeId, nonspeechRunId: form.nonspeechRunId, speechRunId: form.speechRunId };
  }
  const positive = parseLabel(form.positive);
  if (form.runId == null || positive == null) return null;
  return { saeId, runId: form.runId, positive };
}

/** Complete runs an SAE can be scored on: its model, holding its layer. */
export function runsForSae(runs: readonly ActivationRunSummary[], sae: SaeSummary | null): ActivationRunSummary[] {
  if (!sae) return [];
  return runs.filter((r) => r.status === 'complete' && r.modelId === sae.modelId && r.layers.includes(sae.layer));
}

export function formatPercent(x: number): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '—';
}

export function formatScore(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '—';
}

export function discoveryCaption(d: FeatureDiscovery): string {
  const p = d.params;
  const sets = typeof p['runId'] === 'number' ? `run ${p['runId']} split by ${(p['positive'] as { key: string; value: string } | undefined)?.key}=${(p['positive'] as { value: string } | undefined)?.value}` : `run ${p['nonspeechRunId']} vs ${p['speechRunId']}`;
  const accuracy = d.heldOutAccuracy == null ? '' : ` · probe ${formatPercent(d.heldOutAccuracy)} held-out`;
  return `#${d.id} · ${sets} · by ${d.score}${accuracy}`;
}

/** The paper's alpha as the splice's scale (DESIGN.md: the features are scaled by -alpha; 0 removes them). */
export function scaleForAlpha(alpha: number): number {
  return alpha === 0 ? 0 : -alpha;
}

export function presetCaption(p: SteeringPreset): string {
  const scales = [...new Set(p.features.map((f) => f.scale))];
  const alpha = scales.length === 1 ? ` · alpha ${formatScore(scales[0] === 0 ? 0 : -scales[0]!, 2).replace(/\.?0+$/, '')}` : '';
  return `${p.features.length} feature${p.features.length === 1 ? '' : 's'}${alpha}`;
}

/** The ranking's orders, as the Order picker names them (a Record, so a new sort must be named here). */
export const RANKING_SORT_LABELS: Record<DiscoverySort, string> = {
  rank: 'rank (discovery score)',
  feature: 'feature',
  auroc: 'AUROC',
  probeWeight: 'probe weight',
  firingRateDiff: 'firing-rate difference',
  meanDiff: 'mean difference',
};
export const RANKING_SORTS = Object.keys(RANKING_SORT_LABELS) as DiscoverySort[];
