/**
 * Job results are `unknown` in the contract (each job kind puts its own object there).
 * These readers check the shape before the UI shows it.
 */

export interface ImportFailure {
  path: string;
  reason: string;
}

export interface ImportResult {
  datasetId: number | null;
  imported: number;
  skipped: number;
  failures: ImportFailure[];
}

/** The result of a `datasets.import` job, or null when it has not got one (yet). */
export function readImportResult(result: unknown): ImportResult | null {
  if (!result || typeof result !== 'object') return null;
  const r = result as Record<string, unknown>;
  const failures = Array.isArray(r.failures)
    ? r.failures.flatMap((f): ImportFailure[] => {
        if (!f || typeof f !== 'object') return [];
        const { path, reason } = f as Record<string, unknown>;
        return [{ path: String(path ?? ''), reason: String(reason ?? '') }];
      })
    : [];
  return {
    datasetId: typeof r.datasetId === 'number' ? r.datasetId : null,
    imported: typeof r.imported === 'number' ? r.imported : 0,
    skipped: typeof r.skipped === 'number' ? r.skipped : failures.length,
    failures,
  };
}
