/**
 * Forced-alignment files: Praat TextGrid (long "ooTextFile" and short formats, as Montreal Forced
 * Aligner writes them; UTF-8 or UTF-16 with a byte-order mark) and CTM
 * (`<utterance> <channel> <start> <duration> <label> [confidence]`). Point tiers are skipped.
 */
import { AppError } from '../../common/errors.js';

export interface AlignedInterval {
  startSec: number;
  endSec: number;
  label: string;
}

export interface AlignmentTier {
  name: string;
  intervals: AlignedInterval[];
}

/** Text of a TextGrid in whatever encoding Praat wrote it. */
export function decodeAlignmentText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  return bytes.toString('utf8');
}

type Token = { kind: 'string' | 'number' | 'flag'; text: string; line: number };

/** Values in file order: quoted strings, numbers and <exists>; keys (`xmin =`) and `[n]` indices are dropped. */
function tokens(text: string): Token[] {
  const out: Token[] = [];
  const pattern = /"((?:[^"]|"")*)"|\[\s*\d*\s*\]|<(exists|absent)>|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?![\w.])|(\n)/g;
  let line = 1;
  for (const m of text.matchAll(pattern)) {
    if (m[4] !== undefined) line++;
    else if (m[1] !== undefined) {
      out.push({ kind: 'string', text: m[1].replace(/""/g, '"'), line });
      line += (m[1].match(/\n/g) ?? []).length;
    } else if (m[2] !== undefined) out.push({ kind: 'flag', text: m[2], line });
    else if (m[3] !== undefined) out.push({ kind: 'number', text: m[3], line });
  }
  return out;
}

export function parseTextGrid(text: string, file: string): AlignmentTier[] {
  const all = tokens(text);
  let at = 0;
  const fail = (what: string): never => {
    const line = all[Math.min(at, all.length - 1)]?.line ?? 1;
    throw new AppError('bad_input', `${file} line ${line}: ${what}. Is it a Praat TextGrid (long or short text format)?`);
  };
  const next = (kind: Token['kind'], what: string): Token => {
    const token = all[at];
    if (!token || token.kind !== kind) fail(`expected ${what}${token ? `, found "${token.text}"` : ', found the end of the file'}`);
    at++;
    return token!;
  };
  const number = (what: string): number => Number(next('number', what).text);
  if (next('string', 'the file type').text !== 'ooTextFile') fail('the file type is not "ooTextFile"');
  if (next('string', 'the object class').text !== 'TextGrid') fail('the object class is not "TextGrid"');
  number('xmin');
  number('xmax');
  if (next('flag', '<exists>').text !== 'exists') return [];
  const tierCount = number('the number of tiers');
  const tiers: AlignmentTier[] = [];
  for (let t = 0; t < tierCount; t++) {
    const kind = next('string', 'a tier class').text;
    const name = next('string', 'a tier name').text;
    number('tier xmin');
    number('tier xmax');
    const count = number('the number of intervals');
    const intervals: AlignedInterval[] = [];
    for (let i = 0; i < count; i++) {
      if (kind === 'IntervalTier') {
        const startSec = number('interval xmin');
        const endSec = number('interval xmax');
        const label = next('string', 'interval text').text;
        if (!(endSec >= startSec)) fail(`interval ${i + 1} of tier "${name}" ends (${endSec}) before it starts (${startSec})`);
        intervals.push({ startSec, endSec, label });
      } else if (kind === 'TextTier') {
        number('point time');
        next('string', 'point mark');
      } else {
        fail(`tier "${name}" has class "${kind}", neither IntervalTier nor TextTier`);
      }
    }
    if (kind === 'IntervalTier') tiers.push({ name, intervals });
  }
  return tiers;
}

/** CTM lines grouped by utterance (the first column). */
export function parseCtm(text: string, file: string): Map<string, AlignedInterval[]> {
  const out = new Map<string, AlignedInterval[]>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith(';;') || line.startsWith('#')) return;
    const cols = line.split(/\s+/);
    const start = Number(cols[2]);
    const duration = Number(cols[3]);
    if (cols.length < 5 || !Number.isFinite(start) || !Number.isFinite(duration) || duration < 0 || start < 0) {
      throw new AppError('bad_input', `${file} line ${index + 1}: expected "<utterance> <channel> <start> <duration> <label> [confidence]", found "${line.slice(0, 80)}".`);
    }
    const list = out.get(cols[0]!) ?? [];
    list.push({ startSec: start, endSec: start + duration, label: cols[4]! });
    out.set(cols[0]!, list);
  });
  return out;
}

/** ARPAbet stress digits removed (AA1 -> AA); other labels unchanged. */
export function withoutStress(label: string): string {
  return /^[A-Z]{1,3}[012]$/.test(label) ? label.slice(0, -1) : label;
}
