/** The text forms of an evaluation (CLI table, CSV) and the Evaluations page's pure helpers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EvaluationDetail, EvaluationSummaryRow } from '../../../../electron/common/contract.js';
import { evaluationCsv } from '../../../../electron/engine/evaluation/evaluation-csv.js';
import { sweepScales } from '../../../../electron/engine/evaluation/evaluate-job.js';
import { formatEvaluationTable } from '../../../../electron/engine/evaluation/table-format.js';
import { parseCsv } from '../../../../electron/engine/features/csv.js';
import { parseAlphas, parseFeatures, sweepSeries } from '../../../../renderer/src/lib/evaluations-view.js';

const row = (alpha: number | null, fpr: number, wer: number): EvaluationSummaryRow => ({
  alpha,
  nonSpeech: { clips: 10, nonEmpty: Math.round(fpr * 10), fpr, ci: { low: fpr / 2, high: Math.min(1, fpr * 2) } },
  speech: { clips: 5, referenceWords: 100, substitutions: Math.round(wer * 100), deletions: 0, insertions: 0, wer, ci: { low: wer / 2, high: wer * 2 } },
});
const TABLE = [row(null, 0.4, 0.05), row(3, 0.1, 0.3), row(1, 0.2, 0.06)];

describe('sweepScales', () => {
  it('scales the chosen features by -alpha and leaves the rest at 1', () => {
    const [zero, one, three] = sweepScales(4, [1, 3], [0, 1, 3]);
    assert.deepEqual([...zero!], [1, 0, 1, 0], 'alpha 0 removes the features');
    assert.deepEqual([...one!], [1, -1, 1, -1], 'alpha 1 negates them');
    assert.deepEqual([...three!], [1, -3, 1, -3], 'alpha 3');
  });
});

describe('evaluation CSV', () => {
  it('lists the table, then each clip and variant, quoting fields with commas and quotes', () => {
    const detail: EvaluationDetail = {
      evaluation: { id: 7, modelId: 1, saeId: 2, layer: 12, features: [1], presetId: null, alphas: [1], speechDatasetId: 3, nonSpeechDatasetId: 4, status: 'complete', clipsTotal: 1, clipsDone: 1, table: TABLE.slice(0, 2), jobId: 9, createdAt: '', finishedAt: '' },
      clips: [
        {
          clipId: 5,
          set: 'speech',
          relativePath: 'a/b.flac',
          reference: 'Hello, "world"',
          transcripts: [
            { alpha: null, text: ' Hello, world.', normalized: 'hello world', errors: { substitutions: 0, deletions: 0, insertions: 0, referenceWords: 2 } },
            { alpha: 1, text: ' Hello.', normalized: 'hello', errors: { substitutions: 0, deletions: 1, insertions: 0, referenceWords: 2 } },
          ],
        },
      ],
    };
    const records = parseCsv(evaluationCsv(detail));
    assert.deepEqual(records.slice(1, 3).map((r) => [r[0], r[4], r[12]]), [['original', '0.4', '0.05'], ['alpha=3', '0.1', '0.3']], 'variant, FPR, WER');
    assert.deepEqual(records[3], [''], 'an empty record between the sections');
    assert.deepEqual(records[5], ['5', 'speech', 'a/b.flac', 'original', '', 'Hello, "world"', 'Hello, world.', 'hello world', '0', '0', '0', '2'], 'a clip record round-trips');
    assert.equal(records[6]![9], '1', 'the deletion of alpha 1');
  });
});

describe('formatEvaluationTable', () => {
  it('prints a header and one aligned line per variant', () => {
    const lines = formatEvaluationTable(TABLE).split('\n');
    assert.equal(lines.length, 4, 'header + 3 rows');
    assert.match(lines[1]!, /^original\s+40\.0%\s+\[20\.0%, 80\.0%\]\s+4\/10\s+5\.0%/, 'baseline row');
    assert.match(lines[2]!, /^alpha 3\s+10\.0%/, 'alpha row');
  });
});

describe('Evaluations page helpers', () => {
  it('parses alpha and feature lists, refusing bad ones', () => {
    assert.deepEqual(parseAlphas('0, 0.5,1 ,2, 3'), [0, 0.5, 1, 2, 3], 'alphas');
    assert.equal(parseAlphas('1, x'), null, 'not a number');
    assert.equal(parseAlphas('1, 1'), null, 'repeated');
    assert.equal(parseAlphas(''), null, 'empty');
    assert.deepEqual(parseFeatures('3, 1 2,3'), [3, 1, 2], 'features, de-duplicated');
    assert.equal(parseFeatures('1, 200', 128), null, 'outside the SAE');
    assert.equal(parseFeatures('1.5'), null, 'not whole');
  });
  it('turns the table into chart series sorted by alpha, the original as baselines (in %)', () => {
    const s = sweepSeries(TABLE);
    assert.deepEqual(s.alphas, [1, 3], 'sorted alphas');
    assert.deepEqual(s.fpr, [20, 10], 'FPR %');
    assert.deepEqual(s.wer, [6, 30], 'WER %');
    assert.deepEqual([s.baselineFpr, s.baselineWer], [40, 5], 'baselines');
  });
});
