/**
 * ESC-50: `audio/*.wav` described by `meta/esc50.csv`
 * (filename, fold, target, category, esc10, src_file, take).
 * Labels: class (the category), fold, target, esc10.
 */
import { basename, join } from 'node:path';
import { parseTable } from './csv.js';
import { addLabel, type LayoutImporter } from './types.js';
import { exists, readText } from './util.js';

const META = join('meta', 'esc50.csv');

export const esc50Layout: LayoutImporter = {
  name: 'esc50',
  detect: (root) => exists(join(root, META)),
  async open(root) {
    const rows = new Map(parseTable((await readText(join(root, META))) ?? '').map((r) => [r.filename, r]));
    return {
      async describe(relativePath) {
        const labels: Record<string, string[]> = {};
        const row = rows.get(basename(relativePath));
        if (row) {
          addLabel(labels, 'class', row.category);
          addLabel(labels, 'fold', row.fold);
          addLabel(labels, 'target', row.target);
          addLabel(labels, 'esc10', row.esc10);
        }
        return { labels, transcript: null };
      },
    };
  },
};
