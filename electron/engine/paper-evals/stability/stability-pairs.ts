/**
 * Which SAEs a stability evaluation compares: seeds mode every pair of SAEs of the same model,
 * layer and width; layers mode consecutive layers of one model (one SAE per layer); models mode
 * every pair of SAEs of different models. Refuses a list in which some SAE has nothing to compare.
 */
import type { SaeSummary } from '../../../common/contract.js';
import { AppError } from '../../../common/errors.js';
import type { StabilityParams } from '../../../common/paper-evals/stability.js';

export type SaePair = [SaeSummary, SaeSummary];

export function saeInputWidth(sae: SaeSummary): number | undefined {
  const dIn = sae.config['dIn'];
  return typeof dIn === 'number' ? dIn : undefined;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

const byLayerThenId = (a: SaeSummary, b: SaeSummary) => a.modelId - b.modelId || a.layer - b.layer || a.id - b.id;

export function stabilityPairs(saes: readonly SaeSummary[], mode: StabilityParams['mode']): SaePair[] {
  const sorted = [...saes].sort(byLayerThenId);
  const pairs: SaePair[] = [];
  if (mode === 'seeds') {
    for (const group of groupBy(sorted, (s) => `${s.modelId}/${s.layer}/${s.width}`).values()) {
      if (group.length < 2) {
        const s = group[0]!;
        throw new AppError('bad_input', `SAE ${s.id} (model ${s.modelId}, layer ${s.layer}, width ${s.width}) has no other SAE of the same model, layer and width to compare with: seeds mode compares SAEs trained with different seeds on the same layer; add one or remove it.`);
      }
      for (let i = 0; i < group.length; i++) for (let j = i + 1; j < group.length; j++) pairs.push([group[i]!, group[j]!]);
    }
  } else if (mode === 'layers') {
    for (const group of groupBy(sorted, (s) => String(s.modelId)).values()) {
      for (let i = 1; i < group.length; i++) {
        const [a, b] = [group[i - 1]!, group[i]!];
        if (a.layer === b.layer) throw new AppError('bad_input', `SAEs ${a.id} and ${b.id} both read layer ${a.layer} of model ${a.modelId}: layers mode compares one SAE per layer; keep one of them (or use seeds mode).`);
        if (saeInputWidth(a) !== saeInputWidth(b)) throw new AppError('bad_input', `SAEs ${a.id} and ${b.id} read activations of different widths (${saeInputWidth(a)} and ${saeInputWidth(b)}); decoder directions can only be compared at the same width: use models mode.`);
        pairs.push([a, b]);
      }
    }
    if (pairs.length === 0) throw new AppError('bad_input', 'Layers mode needs SAEs of at least two layers of the same model.');
  } else {
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) if (sorted[i]!.modelId !== sorted[j]!.modelId) pairs.push([sorted[i]!, sorted[j]!]);
    }
    if (pairs.length === 0) throw new AppError('bad_input', `Models mode compares SAEs of different models, but all the SAEs belong to model ${sorted[0]!.modelId}: add an SAE of another model (or use seeds or layers mode).`);
  }
  return pairs;
}
