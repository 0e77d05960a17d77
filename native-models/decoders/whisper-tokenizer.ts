/**
 * Whisper's tokenizer from a Hub `tokenizer.json` (byte-level BPE): ids -> text, and the ids of
 * added tokens such as <|startoftranscript|>. Encoding free text is not needed for transcription
 * (the prompt is special tokens only), so there is no BPE merge step here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../electron/common/errors.js';

const tokenizerSchema = z.object({
  added_tokens: z.array(z.object({ id: z.number().int().nonnegative(), content: z.string(), special: z.boolean().default(false) })).default([]),
  model: z.object({ type: z.literal('BPE'), vocab: z.record(z.string(), z.number().int().nonnegative()) }),
  decoder: z.object({ type: z.string() }).nullable().optional(),
});

/** GPT-2's bytes_to_unicode, inverted: the character each byte is written as -> the byte. */
function unicodeToByte(): Map<string, number> {
  const map = new Map<string, number>();
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let next = 0;
  for (let b = 0; b < 256; b++) map.set(String.fromCodePoint(printable(b) ? b : 256 + next++), b);
  return map;
}

const TIMESTAMP = /^<\|\d+\.\d\d\|>$/;

export class WhisperTokenizer {
  readonly #tokens: string[];
  readonly #ids = new Map<string, number>();
  readonly #special = new Set<number>();
  readonly #timestamps = new Set<number>();
  readonly #bytes = unicodeToByte();

  constructor(json: unknown, what = 'tokenizer.json') {
    const parsed = tokenizerSchema.safeParse(json);
    if (!parsed.success) {
      throw new AppError('bad_input', `${what} is not a byte-level BPE tokenizer.json (${parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', ')}).`);
    }
    if (parsed.data.decoder?.type !== undefined && parsed.data.decoder.type !== 'ByteLevel') {
      throw new AppError('bad_input', `${what}: decoder type ${parsed.data.decoder.type} is not supported (Whisper uses ByteLevel).`);
    }
    this.#tokens = [];
    const set = (token: string, id: number) => {
      this.#tokens[id] = token;
      this.#ids.set(token, id);
    };
    for (const [token, id] of Object.entries(parsed.data.model.vocab)) set(token, id);
    for (const added of parsed.data.added_tokens) {
      set(added.content, added.id);
      if (added.special) this.#special.add(added.id);
      if (TIMESTAMP.test(added.content)) this.#timestamps.add(added.id);
    }
  }

  static load(snapshotDir: string): WhisperTokenizer {
    const path = join(snapshotDir, 'tokenizer.json');
    if (!existsSync(path)) throw new AppError('not_found', `${snapshotDir} has no tokenizer.json; download the model's tokenizer files first.`);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new AppError('bad_input', `${path} is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
    }
    return new WhisperTokenizer(json, path);
  }

  /** Ids are 0..vocabSize-1 (the highest id + 1). */
  get vocabSize(): number {
    return this.#tokens.length;
  }

  tokenId(token: string): number {
    const id = this.#ids.get(token);
    if (id === undefined) throw new AppError('bad_input', `The tokenizer has no token ${token}.`);
    return id;
  }

  token(id: number): string | undefined {
    return this.#tokens[id];
  }

  isSpecial(id: number): boolean {
    return this.#special.has(id);
  }

  isTimestamp(id: number): boolean {
    return this.#timestamps.has(id);
  }

  /** Added tokens: special tokens and timestamps (what `skipSpecial` leaves out). */
  get addedIds(): number[] {
    return [...this.#special, ...this.#timestamps].sort((a, b) => a - b);
  }

  /**
   * Text of `ids`. With `skipSpecial` (the default, as the ASR pipeline decodes), special tokens
   * and timestamps are left out. Invalid UTF-8 becomes U+FFFD, as with errors='replace'.
   */
  decode(ids: readonly number[], options: { skipSpecial?: boolean } = {}): string {
    const skip = options.skipSpecial ?? true;
    const parts: string[] = [];
    let bytes: number[] = [];
    const flush = () => {
      if (bytes.length > 0) parts.push(Buffer.from(bytes).toString('utf8'));
      bytes = [];
    };
    for (const id of ids) {
      const token = this.#tokens[id];
      if (token === undefined) throw new AppError('bad_input', `Token id ${id} is not in the vocabulary (size ${this.vocabSize}).`);
      const added = this.#special.has(id) || this.#timestamps.has(id);
      if (added) {
        if (skip) continue;
        flush();
        parts.push(token);
        continue;
      }
      for (const char of token) {
        const byte = this.#bytes.get(char);
        if (byte === undefined) throw new AppError('bad_input', `Token ${JSON.stringify(token)} (id ${id}) is not byte-level BPE.`);
        bytes.push(byte);
      }
    }
    flush();
    return parts.join('');
  }
}
