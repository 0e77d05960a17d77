/**
 * The configuration of one SAE training run, validated at the boundary. Defaults follow the
 * AudioSAE paper's released checkpoints: BatchTopK, k = 50, expansion 8, Adam lr 2e-4, learning
 * rate decayed over the last fifth of training, inference with the learned threshold.
 */
import { z } from 'zod';
import { AppError } from '../../electron/common/errors.js';

export const SAE_ARCHITECTURE_KINDS = ['topk', 'batchtopk'] as const;
export type SaeArchitectureKind = (typeof SAE_ARCHITECTURE_KINDS)[number];

export const saeConfigSchema = z
  .object({
    architecture: z.enum(SAE_ARCHITECTURE_KINDS).default('batchtopk'),
    dIn: z.number().int().positive(),
    /** Number of latents; `expansion * dIn` when omitted. */
    dSae: z.number().int().positive().optional(),
    expansion: z.number().int().positive().default(8),
    k: z.number().int().positive().default(50),
    /** Dead latents used by the aux-k loss (Gao et al. 2024 use 512). */
    auxK: z.number().int().nonnegative().default(512),
    auxCoefficient: z.number().nonnegative().default(1 / 32),
    /** A latent that has not fired for this many training tokens counts as dead. */
    deadTokensThreshold: z.number().int().positive().default(10_000_000),
    lr: z.number().positive().default(2e-4),
    adamBeta1: z.number().min(0).lt(1).default(0.9),
    adamBeta2: z.number().min(0).lt(1).default(0.999),
    adamEpsilon: z.number().positive().default(1e-8),
    totalSteps: z.number().int().positive().default(200_000),
    warmupSteps: z.number().int().nonnegative().default(1000),
    /** Linear decay to zero starts at this fraction of training (the last fifth by default). */
    decayStartFraction: z.number().min(0).max(1).default(0.8),
    /** EMA rate of BatchTopK's inference threshold (the batch's smallest kept activation). */
    thresholdEmaRate: z.number().gt(0).max(1).default(0.01),
    bDecInit: z.enum(['geometric_median', 'mean', 'zeros']).default('geometric_median'),
    seed: z.number().int().nonnegative().default(0),
    hookName: z.string().default(''),
    modelName: z.string().default(''),
  })
  .strict();

export type SaeConfigInput = z.input<typeof saeConfigSchema>;
export type SaeConfig = Omit<z.output<typeof saeConfigSchema>, 'dSae'> & { dSae: number };

/** Validates and fills defaults; throws AppError('invalid_params') naming every bad field. */
export function parseSaeConfig(input: unknown): SaeConfig {
  const result = saeConfigSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`);
    throw new AppError('invalid_params', `Invalid SAE config: ${issues.join('; ')}`, issues);
  }
  const parsed = result.data;
  const dSae = parsed.dSae ?? parsed.expansion * parsed.dIn;
  if (parsed.k > dSae) throw new AppError('invalid_params', `Invalid SAE config: k (${parsed.k}) exceeds the number of latents (${dSae}).`);
  if (parsed.warmupSteps >= parsed.totalSteps) {
    throw new AppError('invalid_params', `Invalid SAE config: warmupSteps (${parsed.warmupSteps}) must be below totalSteps (${parsed.totalSteps}).`);
  }
  return { ...parsed, dSae };
}
