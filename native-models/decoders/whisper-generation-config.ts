/**
 * The parts of a Whisper repo's generation_config.json that greedy transcription needs, as
 * transformers(.js) reads them: the start token, language / task / no-timestamps ids, eos, and
 * the tokens suppressed always (suppress_tokens) or at the first step (begin_suppress_tokens).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../electron/common/errors.js';

const id = z.number().int().nonnegative();
const schema = z.object({
  decoder_start_token_id: id,
  eos_token_id: id,
  no_timestamps_token_id: id.optional(),
  is_multilingual: z.boolean().default(false),
  lang_to_id: z.record(z.string(), id).default({}),
  task_to_id: z.record(z.string(), id).default({}),
  suppress_tokens: z.array(id).default([]),
  begin_suppress_tokens: z.array(id).default([]),
  max_length: z.number().int().positive().default(448),
});

export interface WhisperGenerationConfig {
  decoderStartTokenId: number;
  eosTokenId: number;
  noTimestampsTokenId: number | undefined;
  isMultilingual: boolean;
  /** '<|en|>' -> id. */
  langToId: Record<string, number>;
  /** 'transcribe' | 'translate' -> id. */
  taskToId: Record<string, number>;
  suppressTokens: number[];
  beginSuppressTokens: number[];
  maxLength: number;
}

export function readWhisperGenerationConfig(snapshotDir: string): WhisperGenerationConfig {
  const path = join(snapshotDir, 'generation_config.json');
  if (!existsSync(path)) throw new AppError('not_found', `${snapshotDir} has no generation_config.json; download the model's config files first.`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new AppError('bad_input', `${path} is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  return parseWhisperGenerationConfig(raw, path);
}

export function parseWhisperGenerationConfig(raw: unknown, what = 'generation_config.json'): WhisperGenerationConfig {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('bad_input', `${what} lacks valid Whisper generation fields (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}).`);
  }
  const c = parsed.data;
  return {
    decoderStartTokenId: c.decoder_start_token_id,
    eosTokenId: c.eos_token_id,
    noTimestampsTokenId: c.no_timestamps_token_id,
    isMultilingual: c.is_multilingual,
    langToId: c.lang_to_id,
    taskToId: c.task_to_id,
    suppressTokens: c.suppress_tokens,
    beginSuppressTokens: c.begin_suppress_tokens,
    maxLength: c.max_length,
  };
}

export interface PromptOptions {
  /** Language code ('en'); multilingual models only. Defaults to 'en'. */
  language?: string;
  task?: 'transcribe' | 'translate';
}

/**
 * The forced prompt: <|startoftranscript|> [<|lang|> <|task|>] <|notimestamps|>, as
 * transformers.js builds it for return_timestamps = false (English-only models take no language
 * or task token).
 */
export function whisperPrompt(config: WhisperGenerationConfig, options: PromptOptions = {}): number[] {
  const prompt = [config.decoderStartTokenId];
  if (config.isMultilingual) {
    const language = options.language ?? 'en';
    const languageId = config.langToId[`<|${language}|>`];
    if (languageId === undefined) {
      const known = Object.keys(config.langToId).map((l) => l.slice(2, -2));
      throw new AppError('bad_input', `Language '${language}' is not one this model knows (${known.join(', ')}).`);
    }
    const task = options.task ?? 'transcribe';
    const taskId = config.taskToId[task];
    if (taskId === undefined) throw new AppError('bad_input', `Task '${task}' is not in this model's generation_config.json.`);
    prompt.push(languageId, taskId);
  } else if (options.language !== undefined && options.language !== 'en') {
    throw new AppError('bad_input', `This is an English-only Whisper model; it cannot transcribe '${options.language}'.`);
  }
  if (config.noTimestampsTokenId !== undefined) prompt.push(config.noTimestampsTokenId);
  return prompt;
}
