/**
 * Transcript normalisation for WER and for the non-speech false-positive test, after the
 * essentials of Whisper's EnglishTextNormalizer (openai/whisper, whisper/normalizers/english.py).
 *
 * Covered:
 * - Unicode NFKC, then lowercase; curly apostrophes become `'`; diacritics are removed (é -> e).
 * - Spans in brackets or parentheses are removed: `[Music]`, `<noise>`, `(laughs)`.
 * - Hesitations are removed as whole words: hmm, mm, mhm, mmm, uh, um (as Whisper does).
 * - Every punctuation mark or symbol becomes a space, except an apostrophe between two letters
 *   (contractions and possessives keep it: "don't", "john's") and the separators of a number:
 *   "1,000" -> "1000" (a comma between digits is dropped), "3.5" stays "3.5".
 * - Digits stay digits; whitespace is collapsed and trimmed.
 *
 * Not covered (differences from Whisper's normaliser, which apply equally to reference and
 * hypothesis): spelled-out numbers are not turned into digits ("twenty one" != "21"),
 * contractions are not expanded ("don't" != "do not"), British spellings are not
 * Americanised, titles are not expanded ("mr" stays "mr"), currency and percent signs are dropped
 * rather than spelled ("$5" -> "5").
 */

const HESITATIONS = new Set(['hmm', 'mm', 'mhm', 'mmm', 'uh', 'um']);

export function normalizeTranscript(text: string): string {
  let s = text.replace(/[\uE000\uE001]/g, ' ').normalize('NFKC').toLowerCase();
  s = s.replace(/[\u2018\u2019\u02bc\u0060\u00b4]/g, "'");
  // Diacritics: decompose and drop the combining marks.
  s = s.normalize('NFKD').replace(/\p{M}+/gu, '');
  // Bracketed and parenthesised spans (non-nested, as Whisper's normaliser).
  s = s.replace(/[<[][^>\]]*[>\]]/g, ' ').replace(/\([^)]*\)/g, ' ');
  // Number separators: 1,000 -> 1000; a decimal point between digits is kept.
  s = s.replace(/(\d),(?=\d)/g, '$1');
  s = s.replace(/(\d)\.(?=\d)/g, '$1\uE000');
  // Apostrophes between letters are kept.
  s = s.replace(/(\p{L})'(?=\p{L})/gu, '$1\uE001');
  s = s.replace(/[^\p{L}\p{N}\uE000\uE001]+/gu, ' ');
  s = s.replace(/\uE000/g, '.').replace(/\uE001/g, "'");
  return s
    .split(' ')
    .filter((word) => word.length > 0 && !HESITATIONS.has(word))
    .join(' ');
}

/** The normalised transcript as words (an empty transcript has none). */
export function normalizedWords(text: string): string[] {
  const normalized = normalizeTranscript(text);
  return normalized === '' ? [] : normalized.split(' ');
}
