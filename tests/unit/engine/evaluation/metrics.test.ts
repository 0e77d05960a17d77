import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrapWerInterval, quantile, wilsonInterval } from '../../../../electron/engine/evaluation/intervals.js';
import { normalizeTranscript, normalizedWords } from '../../../../electron/engine/evaluation/text-normalizer.js';
import { summarizeSweep } from '../../../../electron/engine/evaluation/sweep-summary.js';
import { corpusWer, editCount, wordErrors } from '../../../../electron/engine/evaluation/word-errors.js';

const words = (s: string) => (s === '' ? [] : s.split(' '));

describe('normalizeTranscript', () => {
  it('lowercases, drops punctuation and collapses whitespace', () => {
    assert.equal(normalizeTranscript('  Hello,   World!  How ARE you? '), 'hello world how are you', 'case and punctuation');
  });
  it('keeps apostrophes inside words only', () => {
    assert.equal(normalizeTranscript("Don't stop — 'tis John’s car'"), "don't stop tis john's car", 'contraction, possessive, curly apostrophe, quotes');
  });
  it('removes bracketed and parenthesised spans', () => {
    assert.equal(normalizeTranscript('[Music] so (laughs) it <noise> goes'), 'so it goes', 'spans removed');
    assert.equal(normalizeTranscript(' [BLANK_AUDIO]'), '', 'a Whisper non-speech tag is an empty transcript');
  });
  it('keeps numbers as digits with their separators', () => {
    assert.equal(normalizeTranscript('It cost $1,000.50, about 3.5%.'), 'it cost 1000.50 about 3.5', 'thousands comma dropped, decimal point kept');
    assert.equal(normalizeTranscript('Room 101.'), 'room 101', 'a full stop after a number goes');
  });
  it('removes hesitations and diacritics', () => {
    assert.equal(normalizeTranscript('Um, the café... uh, hmm.'), 'the cafe', 'fillers and accents');
  });
  it('gives no words for punctuation-only text', () => {
    assert.deepEqual(normalizedWords(' ... !?'), [], 'nothing left');
  });
});

describe('wordErrors', () => {
  it('counts substitutions, deletions and insertions (hand-aligned)', () => {
    // ref: the cat sat on the mat ; hyp: the bat sat on mat -> cat->bat (S), the second "the" deleted (D).
    assert.deepEqual(wordErrors(words('the cat sat on the mat'), words('the bat sat on mat')), { substitutions: 1, deletions: 1, insertions: 0, referenceWords: 6 }, 'S + D');
    assert.deepEqual(wordErrors(words('the cat sat on the mat'), words('the cat sat on the big mat')), { substitutions: 0, deletions: 0, insertions: 1, referenceWords: 6 }, 'I');
  });
  it('an empty reference makes every hypothesis word an insertion', () => {
    assert.deepEqual(wordErrors([], words('a b c')), { substitutions: 0, deletions: 0, insertions: 3, referenceWords: 0 }, 'all insertions');
    assert.equal(corpusWer([wordErrors([], words('a b c'))]), null, 'WER of no reference words is undefined');
  });
  it('an empty hypothesis deletes every reference word', () => {
    assert.deepEqual(wordErrors(words('a b'), []), { substitutions: 0, deletions: 2, insertions: 0, referenceWords: 2 }, 'all deletions');
  });
  it('punctuation and case variants do not count after normalisation', () => {
    const e = wordErrors(normalizedWords('Hello, world. It’s 1,000!'), normalizedWords("hello world it's 1000"));
    assert.equal(editCount(e), 0, `no edits: ${JSON.stringify(e)}`);
  });
  it('the total is the Levenshtein distance (checked against a brute-force recursion)', () => {
    const lev = (a: string[], b: string[]): number =>
      a.length === 0 ? b.length : b.length === 0 ? a.length : Math.min(lev(a.slice(1), b.slice(1)) + (a[0] === b[0] ? 0 : 1), lev(a.slice(1), b) + 1, lev(a, b.slice(1)) + 1);
    const cases: [string, string][] = [['a b c d', 'b c d e'], ['a a b', 'a b b'], ['x y', 'y x'], ['a b c', 'c b a'], ['one two three four', 'one three two four five']];
    for (const [r, h] of cases) assert.equal(editCount(wordErrors(words(r), words(h))), lev(words(r), words(h)), `${r} | ${h}`);
  });
  it('corpus WER sums edits and reference words over clips (not a mean of clip WERs)', () => {
    // Clip 1: 1 edit / 1 word (WER 1.0); clip 2: 0 edits / 9 words. Corpus WER = 1/10, mean would be 0.5.
    const wer = corpusWer([wordErrors(['a'], ['b']), wordErrors(words('a b c d e f g h i'), words('a b c d e f g h i'))]);
    assert.equal(wer, 0.1, 'corpus WER');
  });
});

describe('intervals', () => {
  it('Wilson interval matches published values', () => {
    const a = wilsonInterval(0, 10)!;
    assert.equal(a.low, 0, '0/10 low');
    assert.ok(Math.abs(a.high - 0.27753) < 1e-4, `0/10 high ${a.high}`);
    const b = wilsonInterval(5, 10)!;
    assert.ok(Math.abs(b.low - 0.23659) < 1e-4 && Math.abs(b.high - 0.76341) < 1e-4, `5/10 ${JSON.stringify(b)}`);
    const c = wilsonInterval(37, 100)!;
    assert.ok(Math.abs(c.low - 0.28183) < 1e-4 && Math.abs(c.high - 0.46779) < 1e-4, `37/100 ${JSON.stringify(c)}`);
    assert.equal(wilsonInterval(0, 0), null, 'no clips: no interval');
  });
  it('quantile interpolates like numpy', () => {
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5, 'median');
    assert.equal(quantile([0, 10], 0.025), 0.25, '2.5%');
  });
  it('bootstrap WER interval is seeded, contains the point estimate and is degenerate when every clip agrees', () => {
    const clips = [wordErrors(['a', 'b'], ['a', 'x']), wordErrors(['a', 'b', 'c'], ['a', 'b', 'c']), wordErrors(['a'], []), wordErrors(['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd'])];
    const one = bootstrapWerInterval(clips, { seed: 7 })!;
    assert.deepEqual(bootstrapWerInterval(clips, { seed: 7 }), one, 'same seed, same interval');
    const wer = corpusWer(clips)!;
    assert.ok(one.low <= wer && wer <= one.high && one.low < one.high, `${wer} in ${JSON.stringify(one)}`);
    const same = bootstrapWerInterval([wordErrors(['a', 'b'], ['a', 'x']), wordErrors(['c', 'd'], ['c', 'y'])])!;
    assert.deepEqual(same, { low: 0.5, high: 0.5 }, 'every resample has WER 0.5');
    assert.equal(bootstrapWerInterval([wordErrors([], ['a'])]), null, 'no reference words');
  });
});

describe('summarizeSweep', () => {
  it('counts non-empty non-speech transcripts and speech edits per variant', () => {
    const speech = (variant: number, ref: string, hyp: string) => ({ set: 'speech' as const, variant, normalized: hyp, errors: wordErrors(words(ref), words(hyp)) });
    const noise = (variant: number, text: string) => ({ set: 'nonspeech' as const, variant, normalized: text, errors: null });
    const rows = summarizeSweep([1], [noise(0, 'you'), noise(1, ''), noise(0, 'thank you'), noise(1, ''), noise(0, ''), noise(1, 'so'), speech(0, 'a b', 'a b'), speech(1, 'a b', 'a c d')]);
    assert.equal(rows.length, 2, 'original + one alpha');
    assert.equal(rows[0]!.alpha, null, 'baseline first');
    assert.deepEqual([rows[0]!.nonSpeech.nonEmpty, rows[0]!.nonSpeech.clips], [2, 3], 'original FPR counts');
    assert.deepEqual([rows[1]!.nonSpeech.nonEmpty, rows[1]!.nonSpeech.clips], [1, 3], 'steered FPR counts');
    assert.equal(rows[0]!.speech.wer, 0, 'original WER');
    assert.equal(rows[1]!.speech.wer, 1, 'steered WER: 1 substitution + 1 insertion over 2 words');
    assert.deepEqual([rows[1]!.speech.substitutions, rows[1]!.speech.insertions, rows[1]!.speech.deletions], [1, 1, 0], 'S/I/D');
  });
});
