/**
 * Greedy Whisper decoding from precomputed encoder outputs, with the Hub's merged decoder
 * (`onnx/decoder_model_merged.onnx`: input_ids, encoder_hidden_states, past_key_values.N.*,
 * use_cache_branch -> logits, present.N.*). One encoder pass can feed several decodes: the rows of
 * `encoderHiddenStates` are decoded together as one batch (e.g. original and steered).
 *
 * Generation follows transformers.js for return_timestamps = false: the forced prompt
 * <|startoftranscript|><|lang|><|task|><|notimestamps|>, suppress_tokens at every step,
 * begin_suppress_tokens at the first, argmax, stop at eos or maxNewTokens. Also, as openai/whisper
 * does without timestamps, every other added token (specials and timestamps, eos excepted) is
 * suppressed: a random or weak model otherwise wanders into <|en|> or <|0.00|> mid-text.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../electron/common/errors.js';
import { createSession, type ExecutionDevice, type Float32Tensor, type InputTensor, type OnnxSession } from '../onnx/runtime.js';
import { readWhisperEncoderConfig, type WhisperEncoderConfig } from '../encoders/whisper-encoder.js';
import { readWhisperGenerationConfig, whisperPrompt, type PromptOptions, type WhisperGenerationConfig } from './whisper-generation-config.js';
import { WhisperTokenizer } from './whisper-tokenizer.js';

export const WHISPER_DECODER_MERGED_ONNX = 'onnx/decoder_model_merged.onnx';

export interface DecodeOptions extends PromptOptions {
  /** New tokens after the prompt; at most max_length - prompt length (448 - 4). */
  maxNewTokens?: number;
  /** Never end at eos, so exactly maxNewTokens are generated (benchmarks). */
  suppressEos?: boolean;
}

export interface DecodedSequence {
  /** Generated ids, without the prompt and without the final eos. */
  tokens: number[];
  /** Decoded text without special tokens (keeps Whisper's leading space). */
  text: string;
  /** Whether eos ended it (false: maxNewTokens did). */
  finished: boolean;
}

export interface DecodeResult {
  sequences: DecodedSequence[];
  /** Logits of the first generated position per row [batch, vocab], before suppression. */
  firstLogits: Float32Tensor;
  /** Decoder forward passes run. */
  steps: number;
}

export class WhisperDecoder {
  readonly #session: OnnxSession;
  readonly #suppressAlways: Int32Array;
  readonly #suppressAtBegin: Int32Array;
  readonly #layers: number;
  readonly #heads: number;
  readonly #cachedStepOutputs: string[];

  private constructor(
    readonly config: WhisperEncoderConfig,
    readonly generation: WhisperGenerationConfig,
    readonly tokenizer: WhisperTokenizer,
    session: OnnxSession,
    heads: number,
  ) {
    this.#session = session;
    this.#heads = heads;
    this.#layers = session.inputNames.filter((n) => /^past_key_values\.\d+\.decoder\.key$/.test(n)).length;
    const always = new Set(generation.suppressTokens);
    for (const id of tokenizer.addedIds) if (id !== generation.eosTokenId) always.add(id);
    this.#suppressAlways = Int32Array.from(always);
    this.#suppressAtBegin = Int32Array.from(generation.beginSuppressTokens);
    this.#cachedStepOutputs = session.outputNames.filter((n) => !/^present\.\d+\.encoder\./.test(n));
  }

  static async load(snapshotDir: string, options: { device?: ExecutionDevice; intraOpThreads?: number; onWarning?: (message: string) => void } = {}): Promise<WhisperDecoder> {
    const config = readWhisperEncoderConfig(snapshotDir);
    const generation = readWhisperGenerationConfig(snapshotDir);
    const tokenizer = WhisperTokenizer.load(snapshotDir);
    const path = join(snapshotDir, ...WHISPER_DECODER_MERGED_ONNX.split('/'));
    if (!existsSync(path)) throw new AppError('not_found', `${snapshotDir} has no ${WHISPER_DECODER_MERGED_ONNX}; download the model's decoder first.`);
    const session = await createSession(path, options);
    const missing = ['input_ids', 'encoder_hidden_states', 'past_key_values.0.decoder.key'].filter((n) => !session.inputNames.includes(n));
    if (missing.length > 0 || !session.outputNames.includes('logits')) {
      await session.dispose();
      throw new AppError('bad_input', `${path} is not a Whisper merged decoder with a KV cache: it has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}].`);
    }
    return new WhisperDecoder(config, generation, tokenizer, session, readDecoderHeads(snapshotDir) ?? config.heads);
  }

  get device(): ExecutionDevice {
    return this.#session.device;
  }

  /** Greedy decoding of each row of encoder_hidden_states [batch, frames, d_model]. */
  async decode(encoderHiddenStates: Float32Tensor, options: DecodeOptions = {}): Promise<DecodeResult> {
    const [batch, frames, d] = encoderHiddenStates.dims;
    if (encoderHiddenStates.dims.length !== 3 || d !== this.config.dModel || !batch || !frames) {
      throw new AppError('bad_input', `Whisper decoder input must be encoder outputs [batch, frames, ${this.config.dModel}]; got [${encoderHiddenStates.dims.join(', ')}].`);
    }
    const prompt = whisperPrompt(this.generation, options);
    const limit = this.generation.maxLength - prompt.length;
    const maxNewTokens = options.maxNewTokens ?? limit;
    if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1 || maxNewTokens > limit) {
      throw new AppError('bad_input', `maxNewTokens must be an integer in 1..${limit}; got ${maxNewTokens}.`);
    }
    const heads = this.#heads;
    const headDim = d / heads;
    const eos = this.generation.eosTokenId;

    const empty: Float32Tensor = { dims: [batch, heads, 0, headDim], data: new Float32Array(0) };
    let past = new Map<string, Float32Tensor>();
    for (let i = 0; i < this.#layers; i++) {
      for (const name of ['decoder.key', 'decoder.value', 'encoder.key', 'encoder.value']) past.set(`past_key_values.${i}.${name}`, empty);
    }
    const generated: number[][] = Array.from({ length: batch }, () => []);
    const finished = new Array<boolean>(batch).fill(false);
    let ids = BigInt64Array.from({ length: batch * prompt.length }, (_, i) => BigInt(prompt[i % prompt.length]!));
    let seq = prompt.length;
    let firstLogits: Float32Tensor | undefined;
    let steps = 0;

    for (let step = 0; step < maxNewTokens && finished.includes(false); step++) {
      const feeds: Record<string, InputTensor> = {
        input_ids: { dims: [batch, seq], data: ids },
        encoder_hidden_states: encoderHiddenStates,
        ...Object.fromEntries(past),
      };
      if (this.#session.inputNames.includes('use_cache_branch')) feeds['use_cache_branch'] = { dims: [1], data: Uint8Array.of(step > 0 ? 1 : 0) };
      // After the first step the cross-attention cache is not fetched: it does not change, and
      // copying it out each step costs as much as the step at whisper-small size.
      const out = await this.#session.run(feeds, step === 0 ? undefined : this.#cachedStepOutputs);
      steps++;
      const logits = out['logits']!;
      const vocab = logits.dims[2]!;
      const last = lastPositionLogits(logits, batch, seq, vocab);
      if (step === 0) firstLogits = { dims: [batch, vocab], data: last.slice() };

      const next = new BigInt64Array(batch);
      for (let b = 0; b < batch; b++) {
        if (finished[b]) {
          next[b] = BigInt(eos);
          continue;
        }
        const row = last.subarray(b * vocab, (b + 1) * vocab);
        for (const id of this.#suppressAlways) if (id < vocab) row[id] = -Infinity;
        if (step === 0) for (const id of this.#suppressAtBegin) if (id < vocab) row[id] = -Infinity;
        if (options.suppressEos === true) row[eos] = -Infinity;
        const token = argmax(row);
        next[b] = BigInt(token);
        if (token === eos) finished[b] = true;
        else generated[b]!.push(token);
      }

      const nextPast = new Map<string, Float32Tensor>();
      for (const name of past.keys()) {
        const present = name.replace('past_key_values.', 'present.');
        // The merged decoder's cache branch passes the cross-attention cache through; keep the first one.
        nextPast.set(name, step > 0 && name.includes('.encoder.') ? past.get(name)! : out[present]!);
      }
      past = nextPast;
      ids = next;
      seq = 1;
    }

    return {
      sequences: generated.map((tokens, b) => ({ tokens, text: this.tokenizer.decode(tokens), finished: finished[b]! })),
      firstLogits: firstLogits!,
      steps,
    };
  }

  async dispose(): Promise<void> {
    await this.#session.dispose();
  }
}

/** config.json's decoder_attention_heads (equal to the encoder's in every Whisper size). */
function readDecoderHeads(snapshotDir: string): number | undefined {
  const raw = JSON.parse(readFileSync(join(snapshotDir, 'config.json'), 'utf8')) as { decoder_attention_heads?: unknown };
  const heads = raw.decoder_attention_heads;
  return typeof heads === 'number' && Number.isInteger(heads) && heads > 0 ? heads : undefined;
}

function lastPositionLogits(logits: Float32Tensor, batch: number, seq: number, vocab: number): Float32Array {
  if (seq === 1) return logits.data.slice();
  const out = new Float32Array(batch * vocab);
  for (let b = 0; b < batch; b++) out.set(logits.data.subarray((b * seq + seq - 1) * vocab, (b * seq + seq) * vocab), b * vocab);
  return out;
}

/** The first index of the maximum (ties go to the lower id, deterministically). */
export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
