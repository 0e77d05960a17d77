/**
 * What one kind of the paper's evaluations provides to the `evals.run` job (see registry.ts):
 * a title, a check that refuses a bad request before it is queued, the run itself, and the
 * result's tables (display and CSV) and one-line summary.
 */
import type { PaperEvalKind, PaperEvalParams, PaperEvalResults, ResultTable } from '../../common/paper-evals/index.js';
import type { ExecutionDevice } from '../../../native-models/onnx/runtime.js';
import type { ActivationsRepo } from '../extraction/activations-repo.js';
import type { SqliteDatabase } from '../store/database.js';
import type { Store } from '../store/store.js';
import type { SaesRepo } from '../training/saes-repo.js';

export interface PaperEvalDeps {
  store: Store;
  db: SqliteDatabase;
  activations: ActivationsRepo;
  saes: SaesRepo;
}

export interface PaperEvalTuning {
  device?: ExecutionDevice;
  /** Rows per SAE encoder call (default 4096). */
  batchRows?: number;
}

export interface PaperEvalContext {
  deps: PaperEvalDeps;
  tuning: PaperEvalTuning;
  /** Units of work done of `total`; `message` says what is happening (shown with the ETA). */
  progress(done: number, total: number | null, unit: string, message?: string): void;
  /** Throws CancelledError when the job was cancelled: call between units of work. */
  throwIfCancelled(): void;
}

export interface PaperEvalDefinition<K extends PaperEvalKind> {
  kind: K;
  title(params: PaperEvalParams<K>): string;
  /** Throws AppError ('bad_input' / 'not_found') with what to do; runs before the job is queued and again when it starts. */
  check(deps: PaperEvalDeps, params: PaperEvalParams<K>): void | Promise<void>;
  run(context: PaperEvalContext, params: PaperEvalParams<K>): Promise<PaperEvalResults[K]>;
  tables(result: PaperEvalResults[K]): ResultTable[];
  /** A few lines for lists and the CLI (e.g. "layer 6: 62% of features matched above 0.7"). */
  summary(result: PaperEvalResults[K]): string[];
}
