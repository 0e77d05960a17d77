/**
 * WHAM! noise: `wham_noise/{tr,cv,tt}/*.wav` (the folder may be `wham_noise` itself), with
 * optional `metadata/noise_meta_{tr,cv,tt}.csv` whose first column names the file; every other
 * non-empty column becomes a label. Labels: split (tr/cv/tt) plus the metadata columns.
 */
import { join } from 'node:path';
import { parseTable } from './csv.js';
import { addLabel, type LayoutImporter } from './types.js';
import { exists, Lru, parts, readText, stem } from './util.js';

const SPLITS = ['tr', 'cv', 'tt'];

async function base(root: string): Promise<string | null> {
  for (const candidate of [root, join(root, 'wham_noise')]) {
    let found = 0;
    for (const s of SPLITS) if (await exists(join(candidate, s), 'dir')) found++;
    if (found >= 2) return candidate;
  }
  return null;
}

export const whamLayout: LayoutImporter = {
  name: 'wham',
  detect: async (root) => (await base(root)) !== null,
  async open(root) {
    const home = (await base(root)) ?? root;
    const meta = new Lru<Map<string, Record<string, string>>>(4);
    const load = async (split: string) => {
      const rows = parseTable((await readText(join(home, 'metadata', `noise_meta_${split}.csv`))) ?? '');
      const map = new Map<string, Record<string, string>>();
      for (const row of rows) {
        const key = Object.values(row)[0];
        if (key) map.set(stem(key), row);
      }
      return map;
    };
    return {
      async describe(relativePath) {
        const labels: Record<string, string[]> = {};
        const split = parts(relativePath).find((p) => SPLITS.includes(p));
        addLabel(labels, 'split', split);
        if (split) {
          const row = (await meta.get(split, () => load(split))).get(stem(relativePath));
          if (row) Object.entries(row).slice(1).forEach(([k, v]) => addLabel(labels, k, v));
        }
        return { labels, transcript: null };
      },
    };
  },
};
