/**
 * The model catalog: the audio encoders the lab knows how to download, tap and frame-align.
 * Data plus a small validated loader; `parseModelCatalog` also reads a user-supplied catalog
 * (same JSON shape) so a lab can add any compatible hub repo.
 *
 * Frame rate: Whisper's encoder emits 1500 frames per 30 s window (50 Hz); the wav2vec2 family's
 * conv feature extractor has a total stride of 320 samples at 16 kHz (50 Hz, 25 ms receptive field).
 */
import { z } from 'zod';
import { AppError } from '../electron/common/errors.js';

export const FRONTENDS = ['whisper-log-mel', 'waveform'] as const;
export type FrontendKind = (typeof FRONTENDS)[number];

const entrySchema = z
  .object({
    /** Short stable id used in the UI and CLI (`whisper-small`). */
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,63}$/),
    title: z.string().min(1),
    family: z.enum(['whisper', 'hubert', 'wav2vec2', 'wavlm']),
    repoId: z.string().regex(/^[A-Za-z0-9][\w.-]{0,95}\/[\w.-]{1,96}$/),
    /** The encoder graph inside the repo (the full model for CTC exports: taps stop at the encoder). */
    encoderFile: z.string().regex(/^[\w./-]+\.onnx$/),
    /** Other variants the repo carries (fp16, quantized), by name. */
    variants: z.record(z.string(), z.string().regex(/^[\w./-]+\.onnx$/)).default({}),
    configFiles: z.array(z.string()).min(1),
    layers: z.number().int().positive(),
    width: z.number().int().positive(),
    heads: z.number().int().positive(),
    /** Encoder output frames per second. */
    frameRateHz: z.number().positive(),
    frontend: z.enum(FRONTENDS),
    /** Whisper only: 80, or 128 for large-v3. */
    nMels: z.number().int().positive().optional(),
    /** Seconds per forward window (30 for Whisper; the waveform models take any length). */
    windowSec: z.number().positive().optional(),
    /** pre: LayerNorm inside each residual branch (+ final LN); post: LN after each residual Add. */
    norm: z.enum(['pre', 'post']),
  })
  .strict()
  .refine((e) => e.width % e.heads === 0, { message: 'width must be divisible by heads' })
  .refine((e) => (e.frontend === 'whisper-log-mel') === (e.nMels !== undefined), { message: 'nMels is required exactly for the log-mel frontend' });

export type CatalogEntry = z.infer<typeof entrySchema>;

const WHISPER_FILES = ['config.json', 'preprocessor_config.json'];
const WAVEFORM_FILES = ['config.json', 'preprocessor_config.json'];

const whisper = (id: string, repoId: string, layers: number, width: number, heads: number, nMels = 80) => ({
  id,
  title: `Whisper ${id.slice('whisper-'.length)}`,
  family: 'whisper' as const,
  repoId,
  encoderFile: 'onnx/encoder_model.onnx',
  variants: { fp16: 'onnx/encoder_model_fp16.onnx', quantized: 'onnx/encoder_model_quantized.onnx' },
  configFiles: WHISPER_FILES,
  layers,
  width,
  heads,
  frameRateHz: 50,
  frontend: 'whisper-log-mel' as const,
  nMels,
  windowSec: 30,
  norm: 'pre' as const,
});

const waveform = (id: string, title: string, family: 'hubert' | 'wav2vec2' | 'wavlm', repoId: string, layers: number, width: number, heads: number, norm: 'pre' | 'post') => ({
  id,
  title,
  family,
  repoId,
  encoderFile: 'onnx/model.onnx',
  variants: { fp16: 'onnx/model_fp16.onnx', quantized: 'onnx/model_quantized.onnx' },
  configFiles: WAVEFORM_FILES,
  layers,
  width,
  heads,
  frameRateHz: 50,
  frontend: 'waveform' as const,
  norm,
});

/** The built-in catalog. Layer counts and widths are the encoders' (AudioSAE paper: Whisper-small, HuBERT base/large). */
export const BUILTIN_CATALOG: readonly unknown[] = [
  whisper('whisper-tiny', 'onnx-community/whisper-tiny', 4, 384, 6),
  whisper('whisper-base', 'onnx-community/whisper-base', 6, 512, 8),
  whisper('whisper-small', 'onnx-community/whisper-small', 12, 768, 12),
  whisper('whisper-medium', 'Xenova/whisper-medium', 24, 1024, 16),
  whisper('whisper-large-v3', 'Xenova/whisper-large-v3', 32, 1280, 20, 128),
  waveform('hubert-base', 'HuBERT base (LibriSpeech 960 h)', 'hubert', 'Xenova/hubert-base-ls960', 12, 768, 12, 'post'),
  waveform('hubert-large', 'HuBERT large (fine-tuned, LibriSpeech 960 h)', 'hubert', 'Xenova/hubert-large-ls960-ft', 24, 1024, 16, 'pre'),
  waveform('wav2vec2-base', 'wav2vec2 base (960 h)', 'wav2vec2', 'Xenova/wav2vec2-base-960h', 12, 768, 12, 'post'),
  waveform('wavlm-base-plus', 'WavLM base-plus', 'wavlm', 'Xenova/wavlm-base-plus', 12, 768, 12, 'post'),
];

/** Validates a catalog (built-in or user JSON); ids must be unique. */
export function parseModelCatalog(raw: unknown, source = 'the model catalog'): CatalogEntry[] {
  const parsed = z.array(entrySchema).safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AppError('bad_input', `${source} is invalid: ${issues}`);
  }
  const seen = new Set<string>();
  for (const entry of parsed.data) {
    if (seen.has(entry.id)) throw new AppError('bad_input', `${source} lists the model id ${entry.id} twice.`);
    seen.add(entry.id);
  }
  return parsed.data;
}

let builtin: CatalogEntry[] | undefined;

export function modelCatalog(): readonly CatalogEntry[] {
  builtin ??= parseModelCatalog(BUILTIN_CATALOG, 'the built-in model catalog');
  return builtin;
}

export function catalogEntry(id: string): CatalogEntry {
  const entry = modelCatalog().find((e) => e.id === id);
  if (!entry) throw new AppError('not_found', `No model ${JSON.stringify(id)} in the catalog; known: ${modelCatalog().map((e) => e.id).join(', ')}.`);
  return entry;
}

/** The catalog entry for a hub repo id, if it is one of ours. */
export function catalogEntryForRepo(repoId: string): CatalogEntry | undefined {
  return modelCatalog().find((e) => e.repoId.toLowerCase() === repoId.toLowerCase());
}
