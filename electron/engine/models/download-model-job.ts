/**
 * The model download job: encoder files (Whisper, or HuBERT / wav2vec2 / WavLM) from a Hugging
 * Face hub repo into the standard HF cache, then the model is registered in the store.
 */
import { AppError } from '../../common/errors.js';
import type { ModelRow } from '../../common/contract.js';
import { downloadRepoFiles, fetchRepoInfo, snapshotSizeBytes, type HubOptions } from '../../../native-models/hub/index.js';
import { describeEncoder, encoderFiles } from '../../../native-models/encoders/encoder-descriptor.js';
import type { JobDefinition } from '../jobs/job-manager.js';
import type { ModelsRepo } from '../store/models-repo.js';
import { writeTappedModel } from '../../../native-models/onnx/layer-taps.js';
import { join } from 'node:path';

export interface DownloadModelParams {
  repoId: string;
  revision: string;
}

const CONFIG_FILES = ['config.json', 'preprocessor_config.json'];
const ENCODER_FILE = 'onnx/encoder_model.onnx';

const WHISPER_DECODER_FILE = 'onnx/decoder_model_merged.onnx';
const WHISPER_DECODING_FILES = ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json'];

/**
 * What transcribing needs besides the encoder, for a Whisper repo that has it: the merged decoder
 * (and its external weights), tokenizer and generation config. Encoder-only repos get nothing.
 */
export function whisperDecoderFilesIn(repoFiles: readonly string[]): string[] {
  if (!repoFiles.includes(WHISPER_DECODER_FILE)) return [];
  return repoFiles.filter((f) => f === WHISPER_DECODER_FILE || f.startsWith(`${WHISPER_DECODER_FILE}_data`) || WHISPER_DECODING_FILES.includes(f));
}

/** The encoder graph and, for large models, its external weights file. */
export function encoderFilesIn(repoFiles: readonly string[]): string[] {
  if (!repoFiles.includes(ENCODER_FILE)) {
    throw new AppError(
      'bad_input',
      `The repo has no ${ENCODER_FILE}; pick an ONNX export such as onnx-community/whisper-tiny.`,
    );
  }
  return repoFiles.filter((f) => f === ENCODER_FILE || f.startsWith(`${ENCODER_FILE}_data`));
}

export function downloadModelJob(
  models: ModelsRepo,
  hubOptions: () => HubOptions,
  onRegistered: (model: ModelRow) => void,
): JobDefinition<DownloadModelParams> {
  return {
    title: (params) => `Download ${params.repoId}@${params.revision}`,
    async run({ params, progress, signal }) {
      const options = hubOptions();
      const { files } = await fetchRepoInfo(params.repoId, params.revision, options);
      const configFiles = CONFIG_FILES.filter((f) => files.includes(f));

      // Configs first: a repo that is not an audio encoder fails before the big download.
      const configs = await downloadRepoFiles(params.repoId, configFiles, {
        ...options,
        revision: params.revision,
        signal,
      });
      // Whisper (log-mel) or HuBERT / wav2vec2 / WavLM (waveform), from config.json's model_type.
      const config = describeEncoder(configs.snapshotDir);
      const wanted = [...configFiles, ...encoderFiles(files, config.onnxFile), ...(config.architecture === 'whisper-encoder' ? whisperDecoderFilesIn(files) : [])];

      const totals = new Map<string, { loaded: number; total: number }>();
      const { commit, snapshotDir } = await downloadRepoFiles(params.repoId, wanted, {
        ...options,
        revision: params.revision,
        signal,
        onProgress: (p) => {
          if (p.status !== 'progress' && p.status !== 'done') return;
          const previous = totals.get(p.file);
          const total = p.total ?? previous?.total ?? 0;
          totals.set(p.file, { loaded: p.loaded ?? total, total });
          let loaded = 0;
          let sum = 0;
          for (const t of totals.values()) {
            loaded += t.loaded;
            sum += t.total;
          }
          progress({ done: loaded, total: sum || null, unit: 'bytes', message: p.file });
        },
      });
      // A repo whose graph is not a transformer audio encoder (or is cut short) is refused before
      // it is registered; the tapped graph written here is the one extraction reuses.
      const { plan } = writeTappedModel(join(snapshotDir, ...config.onnxFile.split('/')));
      if (plan.layers.length !== config.layers + 1) {
        throw new AppError('bad_input', `${params.repoId}: config.json says ${config.layers} layers but the encoder graph has ${plan.layers.length - 1} transformer blocks; the export does not match its config.`);
      }
      const model = models.upsert({
        repoId: params.repoId,
        revision: params.revision,
        commit,
        architecture: config.architecture,
        snapshotDir,
        nMels: config.nMels,
        dModel: config.dModel,
        layers: config.layers,
        sizeBytes: await snapshotSizeBytes(snapshotDir),
      });
      onRegistered(model);
      return { modelId: model.id, commit, snapshotDir };
    },
  };
}
