/**
 * Trains one SAE step by step on ONNX Runtime. The trainer takes batches (row-major float32
 * [B, dIn]) and knows nothing about where they come from; the training job feeds it.
 *
 * Weights and Adam moments round-trip through JS on every step (inputs in, updated tensors out):
 * simple and exact, at the cost of copying ~3 × the parameters per step (measured in
 * tests/bench/sae-train.bench.ts).
 */
import { AppError } from '../../electron/common/errors.js';
import { createSession, type ExecutionDevice, type Float32Tensor, type OnnxSession } from '../onnx/runtime.js';
import { saeArchitecture } from './architecture-registry.js';
import { geometricMedian, meanOfRows } from './decoder-bias-init.js';
import { learningRateAt } from './lr-schedule.js';
import { parseSaeConfig, type SaeConfig } from './sae-config.js';
import { cloneSaeWeights, initialSaeWeights, type SaeWeights } from './sae-weights.js';
import { buildTrainingGraph, PARAMETER_NAMES, type ParameterName } from './training-graph.js';

export interface StepMetrics {
  /** 1-based number of steps done, this one included. */
  step: number;
  lr: number;
  mse: number;
  auxLoss: number;
  /** Σ‖x - x̂‖² / Σ‖x - mean(x)‖² over this batch. */
  fvu: number;
  explainedVariance: number;
  l0: number;
  deadFraction: number;
  threshold: number;
}

/** Everything needed to continue training exactly where it stopped. */
export interface SaeTrainingState {
  step: number;
  weights: SaeWeights;
  adam: Record<`m_${ParameterName}` | `v_${ParameterName}`, Float32Array>;
  tokensSinceFired: Float64Array;
  thresholdEstimate: number | null;
  decoderBiasInitialised: boolean;
}

export interface SaeTrainer {
  readonly config: SaeConfig;
  readonly device: ExecutionDevice;
  step(batch: Float32Array): Promise<StepMetrics>;
  /** A copy of the current weights (threshold included). */
  weights(): SaeWeights;
  state(): SaeTrainingState;
  load(state: SaeTrainingState): void;
  dispose(): Promise<void>;
}

export interface SaeTrainerOptions {
  device?: ExecutionDevice;
  intraOpThreads?: number;
  onWarning?: (message: string) => void;
  /** TopK's decode/gradient formulation (see training-graph.ts); sparse unless benchmarking. */
  decode?: 'sparse' | 'dense';
}

export async function createSaeTrainer(configInput: unknown, options: SaeTrainerOptions = {}): Promise<SaeTrainer> {
  const config = parseSaeConfig(configInput);
  const architecture = saeArchitecture(config.architecture);
  const graphOptions = {
    dIn: config.dIn,
    dSae: config.dSae,
    k: config.k,
    selection: architecture.trainingSelection,
    auxCoefficient: config.auxCoefficient,
    adamBeta1: config.adamBeta1,
    adamBeta2: config.adamBeta2,
    adamEpsilon: config.adamEpsilon,
    decode: options.decode ?? 'sparse',
  };
  const sessionOptions = { device: options.device, intraOpThreads: options.intraOpThreads, onWarning: options.onWarning };
  const plain = await createSession(buildTrainingGraph({ ...graphOptions, auxK: 0 }), sessionOptions);
  const useAux = config.auxK > 0 && config.auxCoefficient > 0;
  // The aux graph is only needed once a latent is dead; it is built on first use.
  let withAux: OnnxSession | undefined;
  let state = freshState(config);

  async function auxSession(): Promise<OnnxSession> {
    withAux ??= await createSession(buildTrainingGraph({ ...graphOptions, auxK: config.auxK }), sessionOptions);
    return withAux;
  }

  return {
    config,
    device: plain.device,
    async step(batch) {
      const rows = checkBatch(batch, config.dIn);
      if (!state.decoderBiasInitialised) {
        state.weights.b_dec = config.bDecInit === 'geometric_median' ? geometricMedian(batch, config.dIn) : config.bDecInit === 'mean' ? meanOfRows(batch, config.dIn) : new Float32Array(config.dIn);
        state.decoderBiasInitialised = true;
      }
      const dead = new Float32Array(config.dSae);
      let deadCount = 0;
      for (let i = 0; i < config.dSae; i++) {
        if (state.tokensSinceFired[i]! >= config.deadTokensThreshold) {
          dead[i] = 1;
          deadCount++;
        }
      }
      const lr = learningRateAt(state.step, config);
      const t = state.step + 1;
      const feeds: Record<string, Float32Tensor> = {
        x: { dims: [rows, config.dIn], data: batch },
        lr: scalar(lr),
        bias_correction1: scalar(1 - config.adamBeta1 ** t),
        bias_correction2: scalar(1 - config.adamBeta2 ** t),
      };
      const w = state.weights;
      const shapes: Record<ParameterName, number[]> = { W_enc: [config.dIn, config.dSae], b_enc: [config.dSae], W_dec: [config.dSae, config.dIn], b_dec: [config.dIn] };
      for (const name of PARAMETER_NAMES) {
        feeds[name] = { dims: shapes[name], data: w[name] };
        feeds[`m_${name}`] = { dims: shapes[name], data: state.adam[`m_${name}`] };
        feeds[`v_${name}`] = { dims: shapes[name], data: state.adam[`v_${name}`] };
      }
      let session = plain;
      if (useAux && deadCount > 0) {
        session = await auxSession();
        feeds['dead'] = { dims: [config.dSae], data: dead };
      }
      const out = await session.run(feeds);
      for (const name of PARAMETER_NAMES) {
        w[name] = out[`next_${name}`]!.data;
        state.adam[`m_${name}`] = out[`next_m_${name}`]!.data;
        state.adam[`v_${name}`] = out[`next_v_${name}`]!.data;
      }
      const fired = out['fired']!.data;
      let activeCount = 0;
      for (let i = 0; i < config.dSae; i++) {
        activeCount += fired[i]!;
        state.tokensSinceFired[i] = fired[i]! > 0 ? 0 : state.tokensSinceFired[i]! + rows;
      }
      if (architecture.inferenceSelection === 'threshold') {
        const minActive = out['min_active']!.data[0]!;
        if (minActive > 0) {
          state.thresholdEstimate = state.thresholdEstimate === null ? minActive : (1 - config.thresholdEmaRate) * state.thresholdEstimate + config.thresholdEmaRate * minActive;
          w.threshold.fill(state.thresholdEstimate);
        }
      }
      state.step = t;
      const squaredError = out['squared_error']!.data[0]!;
      const totalVariance = out['total_variance']!.data[0]!;
      const fvu = totalVariance > 0 ? squaredError / totalVariance : squaredError > 0 ? Infinity : 0;
      return {
        step: t,
        lr,
        mse: out['mse']!.data[0]!,
        auxLoss: out['aux_loss']!.data[0]!,
        fvu,
        explainedVariance: 1 - fvu,
        l0: activeCount / rows,
        deadFraction: deadCount / config.dSae,
        threshold: state.thresholdEstimate ?? 0,
      };
    },
    weights() {
      return cloneSaeWeights(state.weights);
    },
    state() {
      return copyState(state);
    },
    load(next) {
      if (next.weights.dIn !== config.dIn || next.weights.dSae !== config.dSae) {
        throw new AppError('bad_input', `The training state is for a ${next.weights.dIn} → ${next.weights.dSae} SAE; this trainer is ${config.dIn} → ${config.dSae}.`);
      }
      state = copyState(next);
    },
    async dispose() {
      await plain.dispose();
      await withAux?.dispose();
    },
  };
}

function freshState(config: SaeConfig): SaeTrainingState {
  const weights = initialSaeWeights(config.dIn, config.dSae, config.seed);
  const adam = {} as SaeTrainingState['adam'];
  for (const name of PARAMETER_NAMES) {
    adam[`m_${name}`] = new Float32Array(weights[name].length);
    adam[`v_${name}`] = new Float32Array(weights[name].length);
  }
  return { step: 0, weights, adam, tokensSinceFired: new Float64Array(config.dSae), thresholdEstimate: null, decoderBiasInitialised: config.bDecInit === 'zeros' };
}

function copyState(state: SaeTrainingState): SaeTrainingState {
  const adam = {} as SaeTrainingState['adam'];
  for (const [key, value] of Object.entries(state.adam)) adam[key as keyof SaeTrainingState['adam']] = value.slice();
  return { ...state, weights: cloneSaeWeights(state.weights), adam, tokensSinceFired: state.tokensSinceFired.slice() };
}

function scalar(value: number): Float32Tensor {
  return { dims: [], data: Float32Array.of(value) };
}

/** Rows in the batch; refuses ragged, empty or non-finite input with a message that says which. */
function checkBatch(batch: Float32Array, dIn: number): number {
  if (batch.length === 0) throw new AppError('bad_input', 'The activation batch is empty.');
  if (batch.length % dIn !== 0) throw new AppError('bad_input', `The activation batch has ${batch.length} values, not a multiple of the SAE input width ${dIn}.`);
  for (let i = 0; i < batch.length; i++) {
    if (!Number.isFinite(batch[i]!)) {
      throw new AppError('bad_input', `The activation batch holds a non-finite value (${batch[i]}) at row ${Math.floor(i / dIn)}, column ${i % dIn}.`);
    }
  }
  return batch.length / dIn;
}
