/**
 * Word error counts: Levenshtein distance over words, split into substitutions, deletions
 * (reference words missing) and insertions (extra hypothesis words), with a minimal total.
 * Corpus WER = total edits / total reference words, over all clips (not a mean of clip WERs).
 */

export interface WordErrors {
  substitutions: number;
  deletions: number;
  insertions: number;
  /** Reference words. */
  referenceWords: number;
}

export function editCount(e: WordErrors): number {
  return e.substitutions + e.deletions + e.insertions;
}

/** Edit operations between two word lists (minimal total; ties prefer substitutions). */
export function wordErrors(reference: readonly string[], hypothesis: readonly string[]): WordErrors {
  const n = reference.length;
  const m = hypothesis.length;
  // cost[i][j]: edits turning reference[0..i) into hypothesis[0..j); rows kept whole for the backtrace.
  const cost: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let j = 0; j <= m; j++) cost[0]![j] = j;
  for (let i = 1; i <= n; i++) {
    const row = cost[i]!;
    const above = cost[i - 1]!;
    row[0] = i;
    for (let j = 1; j <= m; j++) {
      const diagonal = above[j - 1]! + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1);
      row[j] = Math.min(diagonal, above[j]! + 1, row[j - 1]! + 1);
    }
  }
  const out: WordErrors = { substitutions: 0, deletions: 0, insertions: 0, referenceWords: n };
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const here = cost[i]![j]!;
    if (i > 0 && j > 0 && here === cost[i - 1]![j - 1]! + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1)) {
      if (reference[i - 1] !== hypothesis[j - 1]) out.substitutions++;
      i--;
      j--;
    } else if (i > 0 && here === cost[i - 1]![j]! + 1) {
      out.deletions++;
      i--;
    } else {
      out.insertions++;
      j--;
    }
  }
  return out;
}

/** Sum of the clips' counts. */
export function totalErrors(clips: readonly WordErrors[]): WordErrors {
  const total: WordErrors = { substitutions: 0, deletions: 0, insertions: 0, referenceWords: 0 };
  for (const c of clips) {
    total.substitutions += c.substitutions;
    total.deletions += c.deletions;
    total.insertions += c.insertions;
    total.referenceWords += c.referenceWords;
  }
  return total;
}

/** Corpus WER; null when there are no reference words (a rate over nothing). */
export function corpusWer(clips: readonly WordErrors[]): number | null {
  const total = totalErrors(clips);
  return total.referenceWords === 0 ? null : editCount(total) / total.referenceWords;
}
