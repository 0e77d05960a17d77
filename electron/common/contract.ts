/**
 * The one RPC contract between the renderer (or any client) and the engine.
 * Params are zod schemas, validated at the engine boundary; results are types.
 * The renderer imports this module for types only.
 */
import { z } from 'zod';
import type { JobSnapshot } from './jobs.js';
import { PAPER_EVAL_KINDS, paperEvalRequest, type PaperEvaluationDetail, type PaperEvaluationSummary } from './paper-evals/index.js';

const rowId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const noParams = z.object({}).strict();
const absolutePath = z
  .string()
  .min(1, 'Give a folder path.')
  .max(4096)
  .refine((p) => !p.includes('\0'), 'Path contains a NUL character.');
const hubRepoId = z
  .string()
  .regex(/^[A-Za-z0-9][\w.-]{0,95}\/[\w.-]{1,96}$/, 'A Hugging Face repo id looks like "owner/name".');
const gitRevision = z.string().regex(/^[\w./-]{1,200}$/, 'Not a valid revision.').default('main');

/** Corpus layouts the importer recognises; `auto` detects one from the folder's marker files. */
export const DATASET_LAYOUTS = ['auto', 'generic', 'librispeech', 'esc50', 'fsd50k', 'musan', 'wham', 'commonvoice'] as const;
export type DatasetLayout = (typeof DATASET_LAYOUTS)[number];
export const CLIP_SORTS = ['path', 'duration', '-duration', 'id'] as const;
export type ClipSort = (typeof CLIP_SORTS)[number];
const labelKey = z.string().min(1).max(100);
/** SAE checkpoint formats read by saes.import; `auto` detects from the files present. */
export const SAE_FORMATS = ['auto', 'audiosae', 'saelens', 'dictionary_learning'] as const;
export type SaeFormat = (typeof SAE_FORMATS)[number];
export const FEATURE_SORTS = ['feature', 'density', '-density', 'max', '-max', 'label'] as const;
export type FeatureSort = (typeof FEATURE_SORTS)[number];
/** `dead`: never fired on the analysed run; `dense`: fires on more than 10% of frames. */
export const FEATURE_FILTERS = ['all', 'labelled', 'unlabelled', 'unclear', 'dead', 'dense'] as const;
export type FeatureFilter = (typeof FEATURE_FILTERS)[number];
export const DENSE_FEATURE_DENSITY = 0.1;
export const LABEL_CONFIDENCES = ['low', 'medium', 'high'] as const;
export type LabelConfidence = (typeof LABEL_CONFIDENCES)[number];
export const LABEL_EXPORT_FORMATS = ['csv', 'json', 'neuronpedia'] as const;
export type LabelExportFormat = (typeof LABEL_EXPORT_FORMATS)[number];
/** Scores of steering.discover (see electron/engine/steering/): each ranks "positive (non-speech), not negative (speech)" first. */
export const DISCOVERY_SCORES = ['auroc', 'probeWeight', 'firingRateDiff', 'meanDiff'] as const;
export type DiscoveryScore = (typeof DISCOVERY_SCORES)[number];
/** `rank`: by the discovery's own score; the others sort by that score, highest first. */
export const DISCOVERY_SORTS = ['rank', 'feature', ...DISCOVERY_SCORES] as const;
export type DiscoverySort = (typeof DISCOVERY_SORTS)[number];
const presetName = z.string().trim().min(1, 'Give the preset a name.').max(200);

/** Live microphone sessions (electron/engine/live/): 16 kHz mono float32 audio pushed in chunks. */
export const LIVE_SAMPLE_RATE = 16_000;
/** Samples one live.push may carry (2 s); the renderer sends ~250 ms. */
export const LIVE_MAX_PUSH_SAMPLES = 2 * LIVE_SAMPLE_RATE;
/** Audio a live session keeps for takes (and the longest take). */
export const LIVE_MAX_TAKE_SEC = 300;
/** Features one live session may steer. */
export const LIVE_MAX_FEATURES = 4096;
const liveFeatures = z.array(z.number().int().min(0).max(1_000_000)).min(1).max(LIVE_MAX_FEATURES);
const liveAlpha = z.number().min(0).max(10);

export const rpcMethods = {
  'engine.info': { params: noParams },

  'jobs.list': {
    params: z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict(),
  },
  'jobs.get': { params: z.object({ jobId: rowId }).strict() },
  'jobs.cancel': { params: z.object({ jobId: rowId }).strict() },
  /** Re-runs an interrupted, failed or cancelled job with its original parameters. */
  'jobs.resume': { params: z.object({ jobId: rowId }).strict() },

  'datasets.list': { params: noParams },
  'datasets.get': { params: z.object({ datasetId: rowId }).strict() },
  /** Starts an import job; the dataset appears when the job succeeds. */
  'datasets.importFolder': {
    params: z
      .object({
        name: z.string().trim().min(1, 'Give the dataset a name.').max(200),
        folder: absolutePath,
        layout: z.enum(DATASET_LAYOUTS).default('auto'),
      })
      .strict(),
  },
  /** Every file of the dataset's imports that failed, and why. */
  'datasets.importReport': { params: z.object({ datasetId: rowId }).strict() },
  /** How many clips carry each label value (for one label key, or all keys). */
  'datasets.labelCounts': { params: z.object({ datasetId: rowId, key: labelKey.optional() }).strict() },
  'datasets.delete': { params: z.object({ datasetId: rowId }).strict() },

  'clips.list': {
    params: z
      .object({
        datasetId: rowId,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(200),
        sort: z.enum(CLIP_SORTS).default('path'),
        /** Only clips carrying this label value. */
        label: z.object({ key: labelKey, value: z.string().max(500) }).strict().optional(),
        minDurationSec: z.number().min(0).optional(),
        maxDurationSec: z.number().min(0).optional(),
        /** Full-text search over transcripts (SQLite FTS5 query syntax, words are ANDed). */
        text: z.string().trim().min(1).max(200).optional(),
      })
      .strict(),
  },
  'clips.get': { params: z.object({ clipId: rowId }).strict() },
  /**
   * Playable audio: the whole clip, or a window of it, as WAV. Long or compressed files are
   * decoded (and the window cut) in the engine, so a 3-hour file is never sent whole.
   */
  'clips.audio': {
    params: z
      .object({
        clipId: rowId,
        startSec: z.number().min(0).optional(),
        durationSec: z.number().positive().max(600).optional(),
      })
      .strict(),
  },
  /** Min/max pairs over `points` equal slices of the clip, for drawing its waveform. */
  'clips.peaks': {
    params: z.object({ clipId: rowId, points: z.number().int().min(16).max(20_000).default(2000) }).strict(),
  },

  'models.list': { params: noParams },
  /** The built-in catalog of encoders, each with its registered download (if any). */
  'models.catalog': { params: noParams },
  /**
   * Unregisters a model. A model with activation runs is refused (`conflict`) unless `force`, which
   * deletes those runs and their shard folders too. `deleteFiles` also removes the model's snapshot
   * from the HF cache: only inside that repo's `models--owner--name` folder, and blobs no other
   * snapshot there links to; the rest of the (shared) cache is never touched.
   */
  'models.delete': {
    params: z.object({ modelId: rowId, deleteFiles: z.boolean().default(false), force: z.boolean().default(false) }).strict(),
  },
  /** Starts a download job (Hugging Face hub protocol into the HF cache), then registers the model. */
  'models.download': {
    params: z.object({ repoId: hubRepoId, revision: gitRevision }).strict(),
  },

  /** Runs the frontend and encoder on one clip's first window; per-frame L2 norm of the output. */
  'activations.frameNorms': {
    params: z.object({ modelId: rowId, clipId: rowId }).strict(),
  },
  /**
   * Starts an extraction job: every clip of the dataset through the model, the chosen layers'
   * residual streams written to safetensors shards (layer 0 = input to block 1, N = block N's output).
   * Resuming an interrupted job continues from its last complete shard.
   */
  'activations.extract': {
    params: z
      .object({
        datasetId: rowId,
        modelId: rowId,
        layers: z.union([z.literal('all'), z.array(z.number().int().min(0).max(256)).min(1).max(257)]).default('all'),
        dtype: z.enum(['float16', 'float32']).default('float16'),
        /** Execution device; an unavailable one falls back to the CPU, with the reason logged and in the result. */
        device: z.enum(['cpu', 'cuda', 'dml', 'coreml', 'webgpu']).optional(),
      })
      .strict(),
  },
  /** Activation runs (finished or not), newest first. */
  'activations.runs': { params: noParams },

  /**
   * Starts a training job: one SAE per layer x seed x architecture on a complete activation run,
   * all fed from one shuffled read of the shards. Resuming continues each SAE from its last checkpoint.
   */
  'saes.train': {
    params: z
      .object({
        runId: rowId,
        layers: z.union([z.literal('all'), z.array(z.number().int().min(0).max(256)).min(1).max(257)]).default('all'),
        seeds: z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).max(64).default([0]),
        architectures: z.array(z.enum(['topk', 'batchtopk'])).min(1).max(2).default(['batchtopk']),
        k: z.number().int().positive().max(65536).default(50),
        expansion: z.number().int().positive().max(256).default(8),
        steps: z.number().int().min(2).max(100_000_000),
        batchSize: z.number().int().positive().max(65536).default(4096),
        lr: z.number().positive().max(1).optional(),
        checkpointEvery: z.number().int().positive().default(1000),
        metricsEvery: z.number().int().positive().default(50),
        /** Seed of the data order (shared by every SAE of the job, so one read feeds them all). */
        dataSeed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
        device: z.enum(['cpu', 'cuda', 'dml', 'coreml', 'webgpu']).optional(),
        /** Analyse the finished SAEs' features (statistics, top clips, suggested labels) in the same job. */
        analyze: z.boolean().default(true),
      })
      .strict(),
  },
  /** Every SAE (training or not), newest first. */
  'saes.list': { params: noParams },
  /** An SAE's metric rows, by step, keyed as SAELens names them. */
  'saes.metrics': { params: z.object({ saeId: rowId }).strict() },
  /**
   * Starts an analysis job: the SAE over an activation run (its own by default; required for an
   * imported SAE), giving per-feature density / mean / max, the top-N frames per feature, samples
   * from lower activation quantiles, a density histogram and a suggested label per feature.
   */
  'saes.analyze': {
    params: z
      .object({
        saeId: rowId,
        runId: rowId.optional(),
        topN: z.number().int().min(1).max(200).default(20),
        /** Examples drawn from each of the lower activation quantile bands. */
        quantileSamples: z.number().int().min(0).max(50).default(5),
      })
      .strict(),
  },
  /** The SAE's analysis (histogram, frames, run), or null before one ran. */
  'saes.analysis': { params: z.object({ saeId: rowId }).strict() },
  /**
   * Imports an SAE checkpoint for one model layer: our own folder, a SAELens folder, or a
   * dictionary_learning folder/`ae.pt`. Its width must match the layer's. Labels of an earlier
   * import of the same weights are carried over.
   */
  'saes.import': {
    params: z
      .object({
        path: absolutePath,
        format: z.enum(SAE_FORMATS).default('auto'),
        modelId: rowId,
        layer: z.number().int().min(0).max(256),
      })
      .strict(),
  },
  /** Writes a complete SAE to `folder` in our own or SAELens' format. */
  'saes.export': {
    params: z.object({ saeId: rowId, folder: absolutePath, format: z.enum(['audiosae', 'saelens']).default('saelens') }).strict(),
  },

  /** One page of an analysed SAE's features, filtered, searched (FTS5 over labels/notes/tags) and sorted in SQL. */
  'features.list': {
    params: z
      .object({
        saeId: rowId,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(10_000).default(500),
        sort: z.enum(FEATURE_SORTS).default('feature'),
        filter: z.enum(FEATURE_FILTERS).default('all'),
        search: z.string().trim().min(1).max(200).optional(),
        /** Only features whose log10(density) lies in [min, max) (a histogram bin). */
        log10DensityRange: z.object({ min: z.number(), max: z.number() }).strict().optional(),
      })
      .strict(),
  },
  /** Everything the feature page shows: stats, label, top and quantile examples, enrichment, neighbours. */
  'features.get': {
    params: z.object({ saeId: rowId, feature: z.number().int().min(0), neighbours: z.number().int().min(0).max(50).default(10) }).strict(),
  },
  /**
   * Per-frame activations of features over one clip (from the analysed run's shards): the given
   * features, or the `limit` strongest on that clip.
   */
  'features.clipActivations': {
    params: z
      .object({
        saeId: rowId,
        clipId: rowId,
        features: z.array(z.number().int().min(0)).min(1).max(256).optional(),
        limit: z.number().int().min(1).max(256).default(32),
      })
      .strict(),
  },

  /** Autosave of one feature's label: only the fields given change (two windows never clobber each other's fields). */
  'labels.set': {
    params: z
      .object({
        saeId: rowId,
        feature: z.number().int().min(0),
        patch: z
          .object({
            label: z.string().max(500).optional(),
            notes: z.string().max(20_000).optional(),
            confidence: z.enum(LABEL_CONFIDENCES).nullable().optional(),
            tags: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
            unclear: z.boolean().optional(),
          })
          .strict(),
        author: z.string().trim().min(1).max(100).optional(),
      })
      .strict(),
  },
  /** Every saved version of a feature's label, newest first. */
  'labels.history': { params: z.object({ saeId: rowId, feature: z.number().int().min(0) }).strict() },
  /** Restores the version before the newest (itself recorded as a new version). */
  'labels.undo': { params: z.object({ saeId: rowId, feature: z.number().int().min(0) }).strict() },
  /** Full-text search over labels, notes and tags (all SAEs, or one). */
  'labels.search': {
    params: z.object({ query: z.string().trim().min(1).max(200), saeId: rowId.optional(), limit: z.number().int().min(1).max(1000).default(50) }).strict(),
  },
  /** The SAE's labels as CSV, JSON or Neuronpedia-style explanations (text, for the caller to save). */
  'labels.export': { params: z.object({ saeId: rowId, format: z.enum(LABEL_EXPORT_FORMATS).default('json') }).strict() },
  /** Labels from an export (CSV or JSON); `merge` keeps labels the file does not mention. */
  'labels.import': {
    params: z
      .object({
        saeId: rowId,
        format: z.enum(['csv', 'json']),
        text: z.string().max(100_000_000),
        mode: z.enum(['merge', 'replace']).default('merge'),
        author: z.string().trim().min(1).max(100).optional(),
      })
      .strict(),
  },

  /**
   * Starts a discovery job: scores every feature of an SAE for firing on non-speech ("positive")
   * rather than speech, from two runs of the SAE's model (nonspeechRunId + speechRunId) or one run
   * whose clips carrying the label `positive` are the non-speech set. Firing rates and means are
   * per frame; AUROC and the logistic probe use clip-pooled (max) activations.
   */
  'steering.discover': {
    params: z
      .object({
        saeId: rowId,
        nonspeechRunId: rowId.optional(),
        speechRunId: rowId.optional(),
        runId: rowId.optional(),
        positive: z.object({ key: labelKey, value: z.string().min(1).max(500) }).strict().optional(),
        score: z.enum(DISCOVERY_SCORES).default('auroc'),
        /** L2 penalty of the probe (on standardized features). */
        l2: z.number().min(0).max(100).default(0.01),
        iterations: z.number().int().min(1).max(10_000).default(300),
        /** Share of each class's clips held out to measure the probe's accuracy. */
        heldOutFraction: z.number().min(0).max(0.9).default(0.2),
        seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
      })
      .strict()
      .superRefine((p, ctx) => {
        const twoRuns = p.nonspeechRunId !== undefined || p.speechRunId !== undefined;
        const oneRun = p.runId !== undefined || p.positive !== undefined;
        if (twoRuns === oneRun) {
          ctx.addIssue({ code: 'custom', message: 'Give either nonspeechRunId and speechRunId, or runId and positive {key, value}.', path: ['runId'] });
        } else if (twoRuns && (p.nonspeechRunId === undefined || p.speechRunId === undefined)) {
          ctx.addIssue({ code: 'custom', message: 'Give both nonspeechRunId and speechRunId.', path: [p.nonspeechRunId === undefined ? 'nonspeechRunId' : 'speechRunId'] });
        } else if (oneRun && (p.runId === undefined || p.positive === undefined)) {
          ctx.addIssue({ code: 'custom', message: 'Give both runId and positive {key, value} (the label of the non-speech clips).', path: [p.runId === undefined ? 'runId' : 'positive'] });
        }
      }),
  },
  /** The SAE's stored discoveries, newest first. */
  'steering.discoveries': { params: z.object({ saeId: rowId }).strict() },
  /** One page of a discovery's ranked features, with their labels. */
  'steering.ranking': {
    params: z
      .object({
        discoveryId: rowId,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(10_000).default(100),
        sort: z.enum(DISCOVERY_SORTS).default('rank'),
      })
      .strict(),
  },
  /**
   * Saves a steering preset: the given features, or a discovery's top N, each with the same scale
   * s (the SAE splice multiplies a feature by s; DESIGN.md scales the features by -alpha, so the
   * default s = -1 is the paper's alpha = 1, 0 removes them and alpha 3 is s = -3).
   */
  'steering.savePreset': {
    params: z
      .object({
        name: presetName,
        saeId: rowId,
        features: z.union([
          z.array(z.number().int().min(0)).min(1).max(100_000),
          z.object({ discoveryId: rowId, topN: z.number().int().min(1).max(100_000).default(100) }).strict(),
        ]),
        /** The splice's s for these features: DESIGN.md scales them by -alpha, so the paper's alpha = 1 is -1 (0 removes them). */
        scale: z.number().min(-100).max(100).default(-1),
        notes: z.string().max(20_000).default(''),
      })
      .strict(),
  },
  /** Steering presets (all, or one SAE's), newest first. */
  'steering.presets': { params: z.object({ saeId: rowId.optional() }).strict() },
  'steering.deletePreset': { params: z.object({ presetId: rowId }).strict() },
  /**
   * Starts a live session for this connection: audio pushed with live.push fills a ring buffer;
   * every `hopSec` of new audio the last `windowSec` is transcribed twice from one encoder pass,
   * original and steered (the SAE's `features`, or a preset's, scaled by s = -alpha), and a
   * `live.update` event is sent to this connection. Without an SAE both panes show the original.
   * Sessions end with live.stop or when the connection closes.
   */
  'live.start': {
    params: z
      .object({
        modelId: rowId,
        saeId: rowId.optional(),
        features: liveFeatures.optional(),
        presetId: rowId.optional(),
        alpha: liveAlpha.default(1),
        windowSec: z.number().min(1).max(30).default(5),
        hopSec: z.number().min(0.25).max(10).default(1),
      })
      .strict()
      .superRefine((p, ctx) => {
        if (p.hopSec > p.windowSec) ctx.addIssue({ code: 'custom', message: `hopSec (${p.hopSec}) must not exceed windowSec (${p.windowSec}).`, path: ['hopSec'] });
        if (p.features !== undefined && p.presetId !== undefined) ctx.addIssue({ code: 'custom', message: 'Give features or presetId, not both.', path: ['presetId'] });
        if ((p.features !== undefined || p.presetId !== undefined) && p.saeId === undefined) ctx.addIssue({ code: 'custom', message: 'Steering features need the SAE they belong to (saeId).', path: ['saeId'] });
      }),
  },
  /** Appends 16 kHz mono audio (float32 little-endian bytes, at most LIVE_MAX_PUSH_SAMPLES samples). */
  'live.push': {
    params: z
      .object({
        sessionId: rowId,
        samples: z
          .instanceof(Uint8Array)
          .refine((b) => b.byteLength > 0 && b.byteLength % 4 === 0, 'samples must be float32 little-endian bytes (a non-empty multiple of 4).')
          .refine((b) => b.byteLength <= LIVE_MAX_PUSH_SAMPLES * 4, `A push carries at most ${LIVE_MAX_PUSH_SAMPLES} samples (2 s at 16 kHz); send smaller chunks.`),
      })
      .strict(),
  },
  /** Changes alpha and/or the steered features (or preset); takes effect on the next window. */
  'live.configure': {
    params: z
      .object({ sessionId: rowId, alpha: liveAlpha.optional(), features: liveFeatures.optional(), presetId: rowId.optional() })
      .strict()
      .refine((p) => !(p.features !== undefined && p.presetId !== undefined), { message: 'Give features or presetId, not both.', path: ['presetId'] }),
  },
  'live.stop': { params: z.object({ sessionId: rowId }).strict() },
  /**
   * Saves the last `seconds` of the session's audio (all it kept when omitted, at most
   * LIVE_MAX_TAKE_SEC) as a 16-bit WAV under `<data dir>/recordings/` and registers it as a clip
   * of the "Recordings" dataset, with the latest original transcript and the steered one as labels.
   */
  'live.saveTake': {
    params: z.object({ sessionId: rowId, seconds: z.number().positive().max(LIVE_MAX_TAKE_SEC).optional() }).strict(),
  },

  /**
   * Starts an alpha sweep (job `steering.evaluate`): each clip's first 30 s window goes through the
   * encoder once; the SAE spliced at its layer scales the chosen features (or a preset's) by
   * -alpha for each alpha (0 removes them); the original and every steered output are decoded as
   * one batch. Reports the false-positive rate on the non-speech set (non-empty normalised
   * transcript) and WER on the speech set (clips with transcripts), with 95% intervals.
   */
  'steering.evaluate': {
    params: z
      .object({
        modelId: rowId,
        saeId: rowId,
        features: z.array(z.number().int().min(0)).min(1).max(100_000).optional(),
        presetId: rowId.optional(),
        alphas: z.array(z.number().min(-100).max(100)).min(1).max(20).default([0, 0.5, 1, 2, 3]),
        speechDatasetId: rowId,
        nonSpeechDatasetId: rowId,
        maxClipsPerSet: z.number().int().min(1).max(100_000).default(100),
        /** The SAE's layer (checked); omitted, the SAE's. */
        layer: z.number().int().min(0).max(1000).optional(),
        /** Decoding limit per transcript (Whisper's own default sample length is 224). */
        maxNewTokens: z.number().int().min(1).max(444).default(224),
      })
      .strict()
      .superRefine((p, ctx) => {
        if ((p.features === undefined) === (p.presetId === undefined)) ctx.addIssue({ code: 'custom', message: 'Give either features (SAE feature indices) or presetId.', path: ['features'] });
        if (new Set(p.alphas).size !== p.alphas.length) ctx.addIssue({ code: 'custom', message: 'Each alpha may appear once.', path: ['alphas'] });
      }),
  },
  /** Stored evaluations, newest first (optionally one SAE's). */
  'steering.evaluations': { params: z.object({ saeId: rowId.optional(), limit: z.number().int().min(1).max(1000).default(100) }).strict() },
  /** One evaluation: its table and every clip's transcripts. */
  'steering.evaluation': { params: z.object({ id: rowId }).strict() },
  /** The evaluation as CSV text (RFC 4180): the summary table, then one row per clip and variant. */
  'steering.evaluationCsv': { params: z.object({ id: rowId }).strict() },

  /**
   * Starts one of the paper's evaluations (job `evals.run`; electron/engine/paper-evals/): the
   * request is checked (SAEs, runs, labels, files) before the job is queued.
   */
  'evals.start': { params: paperEvalRequest },
  /** Stored paper evaluations, newest first (optionally one kind's). */
  'evals.list': { params: z.object({ kind: z.enum(PAPER_EVAL_KINDS).optional(), limit: z.number().int().min(1).max(1000).default(100) }).strict() },
  /** One evaluation with its result and tables. */
  'evals.get': { params: z.object({ id: rowId }).strict() },
  /** The evaluation's tables as CSV text (RFC 4180), one block per table. */
  'evals.csv': { params: z.object({ id: rowId }).strict() },
  'evals.delete': { params: z.object({ id: rowId }).strict() },

  /**
   * Imports forced alignments (Praat TextGrid as MFA writes them, or CTM) for a dataset's clips
   * from a file or a folder of them; each clip's tier is replaced. Malformed files are reported.
   */
  'alignments.import': {
    params: z
      .object({
        datasetId: rowId,
        path: absolutePath,
        format: z.enum(['auto', 'textgrid', 'ctm']).default('auto'),
        /** ARPAbet stress digits removed (AA1 -> AA). */
        stripStress: z.boolean().default(true),
      })
      .strict(),
  },
  /** The tiers aligned on a dataset's clips. */
  'alignments.summary': { params: z.object({ datasetId: rowId }).strict() },
} as const;

export type RpcMethod = keyof typeof rpcMethods;
export type RpcParams<M extends RpcMethod> = z.input<(typeof rpcMethods)[M]['params']>;
export type RpcParsedParams<M extends RpcMethod> = z.output<(typeof rpcMethods)[M]['params']>;
export type RpcResult<M extends RpcMethod> = RpcResults[M];

export function isRpcMethod(name: string): name is RpcMethod {
  return Object.hasOwn(rpcMethods, name);
}

export interface EngineInfo {
  version: string;
  pid: number;
  dataDir: string;
  databasePath: string;
  startedAt: string;
  node: string;
  onnxruntime: string;
  devices: string[];
  /** How many times the supervisor has restarted the engine (0 on first start). */
  restarts: number;
}

export interface DatasetSummary {
  id: number;
  name: string;
  rootPath: string;
  /** The layout the importer used (`auto` resolved to what it detected). */
  layout: Exclude<DatasetLayout, 'auto'>;
  clipCount: number;
  totalDurationSec: number;
  /** Files the imports could not read (see datasets.importReport). */
  failedFiles: number;
  createdAt: string;
}

export interface ClipRow {
  id: number;
  datasetId: number;
  path: string;
  relativePath: string;
  sha256: string;
  durationSec: number;
  sampleRate: number;
  channels: number;
  /** Container/codec as detected: wav, flac, mp3, ogg, opus, m4a. */
  format: string;
  /** Metadata from the corpus layout: e.g. { class: ['dog'], fold: ['1'] }, { speaker: ['103'] }. */
  labels: Record<string, string[]>;
  transcript: string | null;
}

export interface ClipPage {
  total: number;
  offset: number;
  clips: ClipRow[];
}

export interface ClipAudio {
  clipId: number;
  mimeType: string;
  bytes: Uint8Array<ArrayBuffer>;
  /** Where the returned audio starts in the clip, and how long it is. */
  startSec: number;
  durationSec: number;
}

export interface ClipPeaks {
  clipId: number;
  durationSec: number;
  /** [min0, max0, min1, max1, ...] in [-1, 1], one pair per slice. */
  peaks: number[];
}

export interface ImportFailureRow {
  path: string;
  reason: string;
  jobId: number;
}

export interface ImportReport {
  datasetId: number;
  failures: ImportFailureRow[];
}

export interface LabelCount {
  key: string;
  value: string;
  count: number;
}

export interface ModelRow {
  id: number;
  repoId: string;
  revision: string;
  commit: string;
  architecture: string;
  snapshotDir: string;
  nMels: number;
  dModel: number;
  layers: number;
  /** Bytes on disk of the snapshot's files (symlinks followed to their blobs), measured at download. */
  sizeBytes: number;
  createdAt: string;
}

export interface CatalogModel {
  /** Short stable id (`whisper-small`). */
  id: string;
  label: string;
  repoId: string;
  family: 'whisper' | 'hubert' | 'wav2vec2' | 'wavlm';
  layers: number;
  width: number;
  frameRateHz: number;
  frontend: 'whisper-log-mel' | 'waveform';
  /** Log-mel frontends only: 80, or 128 for large-v3. */
  nMels: number | null;
  /** Seconds per forward window (30 for Whisper), null when any length goes. */
  windowSec: number | null;
  /** Other encoder variants the repo carries (fp16, quantized), by name. */
  variants: string[];
  /** The registered model for this repo (newest), null when not downloaded. */
  downloaded: ModelRow | null;
}

export interface ModelDeleteResult {
  deleted: boolean;
  /** Activation runs deleted with the model (only with `force`). */
  runsDeleted: number;
  /** Bytes removed from the HF cache (0 unless `deleteFiles`). */
  bytesFreed: number;
  /** Why files were kept, e.g. another registration uses the same snapshot. */
  filesKept: string | null;
}

export interface FrameNorms {
  modelId: number;
  clipId: number;
  /** Encoder output frames per second of audio. */
  frameRateHz: number;
  /** Frames that cover real audio (the rest of the 30 s window is padding). */
  frames: number;
  dModel: number;
  norms: number[];
  windowSec: number;
  clipDurationSec: number;
  elapsedMs: number;
}

export interface ActivationRunSummary {
  id: number;
  datasetId: number;
  modelId: number;
  /** Layer numbers written (0 = input to block 1, N = output of block N). */
  layers: number[];
  dtype: 'float16' | 'float32';
  dModel: number;
  frameRateHz: number;
  /** Folder holding shard-NNNNN.safetensors. */
  dir: string;
  status: 'running' | 'incomplete' | 'complete';
  device: string;
  /** Why the requested device was not used (the run fell back to `device`), null when it was. */
  deviceFallback: string | null;
  shards: number;
  frames: number;
  audioSec: number;
  bytes: number;
  createdAt: string;
  finishedAt: string | null;
}

export interface SaeSummary {
  id: number;
  /** The activation run it was trained on; null for an imported SAE. */
  runId: number | null;
  source: 'trained' | 'imported';
  /** Imported SAEs: the format and path they came from. */
  sourceFormat: Exclude<SaeFormat, 'auto'> | null;
  sourcePath: string | null;
  /** The run its features were last analysed on, null before an analysis. */
  analysedRunId: number | null;
  modelId: number;
  layer: number;
  architecture: 'topk' | 'batchtopk';
  k: number;
  /** Number of latents. */
  width: number;
  seed: number;
  status: 'training' | 'incomplete' | 'complete';
  /** Steps done (as of the last checkpoint while training). */
  step: number;
  /** The validated SaeConfig. */
  config: Record<string, unknown>;
  /** The final SAE folder when complete, else the last training checkpoint (null before the first). */
  checkpointPath: string | null;
  finalMetrics: SaeMetricRow | null;
  jobId: number | null;
  createdAt: string;
  finishedAt: string | null;
}

/** One metrics sample; keys follow SAELens' wandb namespaces. */
export interface SaeMetricRow {
  step: number;
  'losses/overall_loss': number;
  'losses/mse_loss': number;
  'losses/auxiliary_reconstruction_loss': number;
  'metrics/fvu': number;
  'metrics/explained_variance': number;
  'metrics/l0': number;
  /** Fraction of latents dead (not fired for `deadTokensThreshold` tokens). */
  'sparsity/dead_features': number;
  'details/current_learning_rate': number;
}

export interface SaeAnalysis {
  saeId: number;
  runId: number;
  /** Frames the statistics are over. */
  frames: number;
  topN: number;
  /** Histogram of log10(feature density) over features that fired; `dead` counts those that never did. */
  histogram: { log10Edges: number[]; counts: number[]; dead: number };
  jobId: number | null;
  createdAt: string;
}

export interface FeatureLabel {
  saeId: number;
  feature: number;
  label: string;
  notes: string;
  confidence: LabelConfidence | null;
  tags: string[];
  unclear: boolean;
  author: string;
  /** Increments on every saved change. */
  revision: number;
  updatedAt: string;
}

export interface FeatureRow {
  feature: number;
  /** Fraction of the analysed frames on which it fired. */
  density: number;
  /** Mean activation over the frames on which it fired (0 when dead). */
  meanActivation: number;
  maxActivation: number;
  /** The over-represented dataset label among its top clips, if any (e.g. "class=dog"). */
  suggestedLabel: string | null;
  label: FeatureLabel | null;
}

export interface FeaturePage {
  saeId: number;
  total: number;
  offset: number;
  rows: FeatureRow[];
}

export interface FeatureExample {
  kind: 'top' | 'quantile';
  rank: number;
  /** Quantile examples: the activation quantile band they were drawn from (e.g. 0.5). */
  quantile: number | null;
  clipId: number;
  relativePath: string;
  clipDurationSec: number;
  /** Clip frame of the activation and its time in seconds. */
  frame: number;
  timeSec: number;
  value: number;
  labels: Record<string, string[]>;
  transcript: string | null;
}

export interface EnrichmentRow {
  /** `key=value` of a dataset label. */
  label: string;
  /** Top clips carrying it, of `of`. */
  count: number;
  of: number;
  /** Its share among all clips of the dataset. */
  baseRate: number;
  /** count / of divided by baseRate. */
  ratio: number;
}

export interface FeatureNeighbour {
  feature: number;
  /** Cosine similarity of the decoder directions. */
  cosine: number;
  label: string | null;
}

export interface FeatureDetail extends FeatureRow {
  saeId: number;
  frameRateHz: number;
  top: FeatureExample[];
  quantiles: FeatureExample[];
  enrichment: EnrichmentRow[];
  neighbours: FeatureNeighbour[];
}

export interface ClipFeatureActivations {
  saeId: number;
  clipId: number;
  frameRateHz: number;
  /** Time of frame 0 and the number of frames covered. */
  startSec: number;
  frames: number;
  /** Strongest first. */
  features: { feature: number; max: number; label: string | null; values: number[] }[];
}

export interface LabelSearchHit {
  saeId: number;
  feature: number;
  label: string;
  /** FTS5 snippet with the match in [brackets]. */
  snippet: string;
}

export interface LabelExport {
  fileName: string;
  mimeType: string;
  text: string;
  count: number;
}

export interface LabelImportResult {
  imported: number;
  unchanged: number;
  /** Rows that could not be read, with why (the rest are imported). */
  errors: string[];
}

export interface FeatureDiscovery {
  id: number;
  saeId: number;
  /** The job's parameters as given (after defaults). */
  params: Record<string, unknown>;
  /** Held-out accuracy of the logistic probe; null when nothing was held out. */
  heldOutAccuracy: number | null;
  /** Clips and frames of each set. */
  positive: { clips: number; frames: number };
  negative: { clips: number; frames: number };
  score: DiscoveryScore;
  jobId: number | null;
  createdAt: string;
}

export interface DiscoveryRankingRow {
  rank: number;
  feature: number;
  /** Per frame: share of the set's frames where the feature fired, and its mean (zeros included). */
  firingRatePos: number;
  firingRateNeg: number;
  meanPos: number;
  meanNeg: number;
  /** Clip-pooled (max) AUROC of positive (non-speech) vs negative (speech); 0.5 = no signal. */
  auroc: number;
  /** Logistic-probe weight on the standardized clip-pooled feature (positive: non-speech). */
  probeWeight: number;
  label: string | null;
}

export interface DiscoveryRanking {
  discovery: FeatureDiscovery;
  total: number;
  offset: number;
  rows: DiscoveryRankingRow[];
}

export interface SteeringPreset {
  id: number;
  name: string;
  saeId: number;
  /** Scale s per feature: the splice adds W_dec((s - 1) z); s = -alpha. */
  features: { feature: number; scale: number }[];
  notes: string;
  createdAt: string;
}

/** A proportion or rate with its 95% interval (null when there is nothing to measure). */
export interface RateInterval {
  low: number;
  high: number;
}

/** One row of an evaluation's table: the unsteered model (alpha null) or one alpha. */
export interface EvaluationSummaryRow {
  /** null: the original (unsteered) model, the baseline. */
  alpha: number | null;
  /** Non-speech: clips decoded, and how many gave a non-empty normalised transcript. */
  nonSpeech: { clips: number; nonEmpty: number; fpr: number | null; ci: RateInterval | null };
  /** Speech: corpus WER = (S + D + I) / reference words; bootstrap interval over clips. */
  speech: { clips: number; referenceWords: number; substitutions: number; deletions: number; insertions: number; wer: number | null; ci: RateInterval | null };
}

export interface EvaluationSummary {
  id: number;
  modelId: number;
  saeId: number;
  layer: number;
  features: number[];
  presetId: number | null;
  alphas: number[];
  speechDatasetId: number;
  nonSpeechDatasetId: number;
  status: 'running' | 'complete';
  clipsTotal: number;
  clipsDone: number;
  /** Original first, then one row per alpha (in the order given); null until complete. */
  table: EvaluationSummaryRow[] | null;
  jobId: number | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface EvaluationTranscript {
  /** null: original. */
  alpha: number | null;
  text: string;
  normalized: string;
  /** Speech clips only: edits against the reference. */
  errors: { substitutions: number; deletions: number; insertions: number; referenceWords: number } | null;
}

export interface EvaluationClipResult {
  clipId: number;
  set: 'speech' | 'nonspeech';
  relativePath: string;
  /** The clip's reference transcript (speech). */
  reference: string | null;
  /** Original first, then alphas in the evaluation's order. */
  transcripts: EvaluationTranscript[];
}

export interface EvaluationDetail {
  evaluation: EvaluationSummary;
  clips: EvaluationClipResult[];
}

export interface JobRef {
  jobId: number;
}

/** What a live session steers: shown beside the steered transcript. */
export interface LiveSteering {
  saeId: number | null;
  /** The preset the features came from, if any. */
  presetId: number | null;
  presetName: string | null;
  features: number[];
  alpha: number;
  /** Increments on every live.configure. */
  version: number;
}

export interface LiveSessionInfo {
  sessionId: number;
  modelId: number;
  windowSec: number;
  hopSec: number;
  sampleRate: number;
  steering: LiveSteering;
}

/** One transcribed window of a live session (sent only to the session's connection). */
export interface LiveUpdate {
  sessionId: number;
  original: string;
  steered: string;
  /** From the window's last pushed sample arriving to this update being sent. */
  latencyMs: number;
  /** Encoder + decoders only. */
  computeMs: number;
  /** End of the window in session audio time, and its length. */
  windowEndSec: number;
  windowSec: number;
  /** Mean code of each steered feature over the window, in `steering.features` order. */
  featureActivity: number[];
  steering: LiveSteering;
}

export interface LiveTake {
  clip: ClipRow;
  datasetId: number;
  durationSec: number;
  original: string;
  steered: string;
}

export interface RpcResults {
  'engine.info': EngineInfo;
  'jobs.list': JobSnapshot[];
  'jobs.get': JobSnapshot;
  'jobs.cancel': JobSnapshot;
  'jobs.resume': JobRef;
  'datasets.list': DatasetSummary[];
  'datasets.get': DatasetSummary;
  'datasets.importFolder': JobRef;
  'datasets.delete': { deleted: boolean };
  'datasets.importReport': ImportReport;
  'datasets.labelCounts': LabelCount[];
  'clips.list': ClipPage;
  'clips.get': ClipRow;
  'clips.audio': ClipAudio;
  'clips.peaks': ClipPeaks;
  'models.list': ModelRow[];
  'models.download': JobRef;
  'models.catalog': CatalogModel[];
  'models.delete': ModelDeleteResult;
  'activations.frameNorms': FrameNorms;
  'activations.extract': JobRef;
  'activations.runs': ActivationRunSummary[];
  'saes.train': JobRef;
  'saes.list': SaeSummary[];
  'saes.metrics': SaeMetricRow[];
  'saes.analyze': JobRef;
  'saes.analysis': SaeAnalysis | null;
  'saes.import': SaeSummary;
  'saes.export': { folder: string; files: string[] };
  'features.list': FeaturePage;
  'features.get': FeatureDetail;
  'features.clipActivations': ClipFeatureActivations;
  'labels.set': FeatureLabel;
  'labels.history': FeatureLabel[];
  'labels.undo': FeatureLabel;
  'labels.search': LabelSearchHit[];
  'labels.export': LabelExport;
  'labels.import': LabelImportResult;
  'steering.discover': JobRef;
  'steering.discoveries': FeatureDiscovery[];
  'steering.ranking': DiscoveryRanking;
  'steering.savePreset': SteeringPreset;
  'steering.presets': SteeringPreset[];
  'steering.deletePreset': { deleted: boolean };
  'live.start': LiveSessionInfo;
  'live.push': { bufferedSec: number };
  'live.configure': LiveSessionInfo;
  'live.stop': { stopped: boolean };
  'live.saveTake': LiveTake;
  'steering.evaluate': JobRef;
  'steering.evaluations': EvaluationSummary[];
  'steering.evaluation': EvaluationDetail;
  'steering.evaluationCsv': { filename: string; csv: string };
  'evals.start': JobRef;
  'evals.list': PaperEvaluationSummary[];
  'evals.get': PaperEvaluationDetail;
  'evals.csv': { filename: string; csv: string };
  'evals.delete': { deleted: boolean };
  'alignments.import': AlignmentImportSummary;
  'alignments.summary': AlignmentTierSummary[];
}

export interface AlignmentImportSummary {
  files: number;
  clips: number;
  intervals: number;
  tiers: string[];
  /** Files or utterances that name no clip of the dataset (at most 50). */
  unmatched: string[];
  errors: { file: string; message: string }[];
}

export interface AlignmentTierSummary {
  tier: string;
  clips: number;
  intervals: number;
  labels: number;
}

/** Pushed by the engine to every connected client. */
export type EngineEvent =
  | { type: 'job'; job: JobSnapshot }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string; at: string }
  | { type: 'datasets.changed' }
  | { type: 'models.changed' }
  | { type: 'saes.changed' }
  /** A label was saved (by any window or client): others refresh that feature. */
  | { type: 'labels.changed'; label: FeatureLabel }
  /** A live session's window was transcribed (to its own connection only). */
  | { type: 'live.update'; update: LiveUpdate }
  /** A live session failed (model load or transcription) and was stopped. */
  | { type: 'live.error'; sessionId: number; message: string };
