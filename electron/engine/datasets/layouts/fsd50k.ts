/**
 * FSD50K: `FSD50K.dev_audio/<fname>.wav` and `FSD50K.eval_audio/<fname>.wav`, labelled by
 * `FSD50K.ground_truth/dev.csv` (fname, labels, mids, split) and `eval.csv` (fname, labels,
 * mids). `labels` is a comma-separated multi-label list. Labels: class (several), split.
 */
import { join } from 'node:path';
import { parseTable } from './csv.js';
import { addLabel, type LayoutImporter } from './types.js';
import { exists, parts, readText, stem } from './util.js';

const TRUTH = 'FSD50K.ground_truth';

export const fsd50kLayout: LayoutImporter = {
  name: 'fsd50k',
  detect: (root) => exists(join(root, TRUTH), 'dir'),
  async open(root) {
    const rows = new Map<string, Record<string, string>>();
    for (const part of ['dev', 'eval'] as const) {
      for (const row of parseTable((await readText(join(root, TRUTH, `${part}.csv`))) ?? '')) {
        rows.set(`${part}/${row.fname}`, { ...row, split: row.split || (part === 'eval' ? 'eval' : 'train') });
      }
    }
    return {
      async describe(relativePath) {
        const labels: Record<string, string[]> = {};
        const folder = parts(relativePath)[0] ?? '';
        const part = folder.includes('eval') ? 'eval' : 'dev';
        const row = rows.get(`${part}/${stem(relativePath)}`);
        if (row) {
          for (const label of (row.labels ?? '').split(',')) addLabel(labels, 'class', label);
          addLabel(labels, 'split', row.split);
        }
        return { labels, transcript: null };
      },
    };
  },
};
