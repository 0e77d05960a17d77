/** The Live page's feature list field: "12, 40 41" -> [12, 40, 41], or a reason it is not one. */
export const MAX_TYPED_FEATURES = 4096;

export type ParsedFeatures = { ok: true; features: number[] } | { ok: false; message: string };

export function parseFeatureList(text: string): ParsedFeatures {
  const parts = text.split(/[\s,;]+/).filter((p) => p.length > 0);
  const features: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,7}$/.test(part)) return { ok: false, message: `"${part.slice(0, 20)}" is not a feature number; list feature numbers separated by commas.` };
    const feature = Number(part);
    if (!features.includes(feature)) features.push(feature);
  }
  if (features.length > MAX_TYPED_FEATURES) return { ok: false, message: `At most ${MAX_TYPED_FEATURES} features; save a steering preset for more.` };
  return { ok: true, features };
}

/** s for the steered features at this alpha, as the engine applies it (s = -alpha). */
export function steeredScale(alpha: number): number {
  return alpha === 0 ? 0 : -alpha;
}

/** Mean and the latest of a list of latencies (ms), for the latency readout. */
export function latencySummary(values: readonly number[]): { latest: number; mean: number } | null {
  if (values.length === 0) return null;
  return { latest: values[values.length - 1]!, mean: values.reduce((a, b) => a + b, 0) / values.length };
}
