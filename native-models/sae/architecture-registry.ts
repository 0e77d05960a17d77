/**
 * SAE architectures by kind, as SAELens registers them: each kind says how latents are selected
 * during training and at inference. Registering a kind twice or asking for an unknown kind throws.
 */
import { AppError } from '../../electron/common/errors.js';

/**
 * How the training graph keeps latents: the k largest per row (TopK), or the k·B largest over the
 * whole batch (BatchTopK). Inference: per-row TopK, or a fixed per-latent threshold (BatchTopK's
 * learned threshold, SAELens' JumpReLU).
 */
export interface SaeArchitecture {
  readonly kind: string;
  readonly trainingSelection: 'row_topk' | 'batch_topk';
  readonly inferenceSelection: 'row_topk' | 'threshold';
  readonly description: string;
}

const architectures = new Map<string, SaeArchitecture>();

export function registerSaeArchitecture(architecture: SaeArchitecture): void {
  if (architectures.has(architecture.kind)) throw new AppError('internal', `SAE architecture '${architecture.kind}' is already registered.`);
  architectures.set(architecture.kind, architecture);
}

export function saeArchitecture(kind: string): SaeArchitecture {
  const architecture = architectures.get(kind);
  if (architecture === undefined) {
    throw new AppError('bad_input', `Unknown SAE architecture '${kind}'; known: ${[...architectures.keys()].join(', ')}.`);
  }
  return architecture;
}

export function saeArchitectureKinds(): string[] {
  return [...architectures.keys()];
}

registerSaeArchitecture({
  kind: 'topk',
  trainingSelection: 'row_topk',
  inferenceSelection: 'row_topk',
  description: 'TopK (Gao et al. 2024): the k largest pre-activations of each token, ReLU.',
});
registerSaeArchitecture({
  kind: 'batchtopk',
  trainingSelection: 'batch_topk',
  inferenceSelection: 'threshold',
  description: 'BatchTopK (Bussmann et al. 2024): the k·B largest over the batch; inference with the learned threshold.',
});
