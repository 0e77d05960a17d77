/**
 * Cost of one original + steered update (one tapped encoder pass, the SAE splice, both encoder
 * outputs decoded as one batch of two) vs one plain transcription (plain encoder + one decode) of
 * the same 30 s window, on a generated fixture. Prints JSON lines: per path min / median ms over
 * interleaved runs with the encoder and decoder parts, decoder steps, the ratios, peak RSS.
 * `--size small` builds a whisper-small-shaped encoder and decoder (12 x 768; the fixture
 * tokenizer's 1,800-token vocab instead of 51,865, so the output projection is smaller than real).
 * The fixture decoder has random weights; --tokens forces how many steps each decode runs (it
 * suppresses eos), so both paths decode the same number of tokens.
 *
 *   node --import tsx tests/bench/whisper-decode.bench.ts [--size tiny|small] [--runs 5] [--tokens 20]
 *        [--layer final|N] [--features 100]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SeededRandom } from '../../native-models/common/seeded-random.js';
import { WhisperDecoder } from '../../native-models/decoders/whisper-decoder.js';
import { WhisperEncoder } from '../../native-models/encoders/whisper-encoder.js';
import { writeWhisperDecoderFiles } from '../../native-models/fixtures/whisper-decoder-fixture.js';
import { TINY_WHISPER_FIXTURE, WHISPER_SMALL_FIXTURE, writeWhisperEncoderRepo } from '../../native-models/fixtures/whisper-encoder-fixture.js';
import type { Float32Tensor } from '../../native-models/onnx/runtime.js';
import { initialSaeWeights } from '../../native-models/sae/sae-weights.js';
import { steeringScale } from '../../native-models/steering/sae-splice.js';
import { SteeredWhisperEncoder } from '../../native-models/steering/steered-whisper-encoder.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'tiny' },
    runs: { type: 'string', default: '5' },
    tokens: { type: 'string', default: '20' },
    layer: { type: 'string', default: 'final' },
    features: { type: 'string', default: '100' },
  },
});
const spec = values.size === 'small' ? WHISPER_SMALL_FIXTURE : TINY_WHISPER_FIXTURE;
const runs = Number(values.runs);
const tokens = Number(values.tokens);
const layer = values.layer === 'final' ? 'final' : Number(values.layer);
const emit = (record: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'whisper-decode', size: values.size, d: spec.dModel, layers: spec.layers, layer, tokens, ...record }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const stats = (xs: number[]) => ({ min_ms: Number(Math.min(...xs).toFixed(1)), median_ms: Number(median(xs).toFixed(1)) });
const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

const dir = mkdtempSync(join(tmpdir(), 'whisper-decode-bench-'));
try {
  const t0 = performance.now();
  await writeWhisperEncoderRepo(dir, spec);
  await writeWhisperDecoderFiles(dir, spec);
  emit({ step: 'fixture_written', ms: Number((performance.now() - t0).toFixed(0)) });

  const dSae = 8 * spec.dModel;
  const sae = initialSaeWeights(spec.dModel, dSae, 1);
  const plainEncoder = await WhisperEncoder.load(dir);
  const steered = await SteeredWhisperEncoder.load(dir, { layer, sae, selection: { kind: 'row_topk', k: 50 } });
  const decoder = await WhisperDecoder.load(dir);
  const rng = new SeededRandom(3);
  const features: Float32Tensor = { dims: [1, spec.nMels, 3000], data: Float32Array.from({ length: spec.nMels * 3000 }, () => rng.uniform() * 2.5 - 1) };
  const scale = steeringScale(dSae, Array.from({ length: Math.min(Number(values.features), dSae) }, (_, i) => i), -1);
  // Forcing a fixed length: eos is suppressed through the same path as suppress_tokens.
  const decodeOptions = { maxNewTokens: tokens, suppressEos: true } as const;

  const time = { plain: [] as number[], plainEncoder: [] as number[], plainDecode: [] as number[], pair: [] as number[], pairEncoder: [] as number[], pairDecode: [] as number[] };
  let plainSteps = 0;
  let pairSteps = 0;
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const hidden = await plainEncoder.encode(features);
    const t1 = performance.now();
    plainSteps = (await decoder.decode(hidden, decodeOptions)).steps;
    const t2 = performance.now();

    // transcribeOriginalAndSteered, timed in its two parts.
    const encoding = await steered.encode(features, scale);
    const t3 = performance.now();
    const both = new Float32Array(2 * encoding.original.data.length);
    both.set(encoding.original.data);
    both.set(encoding.steered.data, encoding.original.data.length);
    pairSteps = (await decoder.decode({ dims: [2, ...encoding.original.dims.slice(1)], data: both }, decodeOptions)).steps;
    const t4 = performance.now();
    if (i === 0) continue; // warm-up
    time.plain.push(t2 - t0);
    time.plainEncoder.push(t1 - t0);
    time.plainDecode.push(t2 - t1);
    time.pair.push(t4 - t2);
    time.pairEncoder.push(t3 - t2);
    time.pairDecode.push(t4 - t3);
  }
  const ms = (xs: number[]) => stats(xs).min_ms;
  emit({ step: 'plain_transcription', ...stats(time.plain), encoder_min_ms: ms(time.plainEncoder), decode_min_ms: ms(time.plainDecode), decoder_steps: plainSteps });
  emit({
    step: 'original_plus_steered',
    ...stats(time.pair),
    encoder_and_splice_min_ms: ms(time.pairEncoder),
    decode_batch2_min_ms: ms(time.pairDecode),
    decoder_steps: pairSteps,
    steered_features: Math.min(Number(values.features), dSae),
    d_sae: dSae,
  });
  emit({ step: 'ratio', pair_over_plain_min: Number((Math.min(...time.pair) / Math.min(...time.plain)).toFixed(2)), pair_over_plain_median: Number((median(time.pair) / median(time.plain)).toFixed(2)), peak_rss_mib: peakRssMiB(), device: decoder.device });
  await Promise.all([plainEncoder.dispose(), steered.dispose(), decoder.dispose()]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
