/**
 * MUSAN: `{speech,music,noise}/<source>/*.wav`, each source folder with an `ANNOTATIONS` file,
 * one line per file, whitespace-separated, file stem first:
 *   speech: `<stem> <gender> <language>`; music: `<stem> <genre[,genre]> <vocals Y|N> <artist...>`.
 * Labels: domain (speech/music/noise), source, and gender/language or genre/vocals/artist.
 * The folder may be the MUSAN root or hold a `musan/` folder.
 */
import { join } from 'node:path';
import { addLabel, type LayoutImporter } from './types.js';
import { exists, Lru, parts, readText, stem } from './util.js';

const DOMAINS = ['speech', 'music', 'noise'];

export const musanLayout: LayoutImporter = {
  name: 'musan',
  async detect(root) {
    for (const base of [root, join(root, 'musan')]) {
      let found = 0;
      for (const d of DOMAINS) if (await exists(join(base, d), 'dir')) found++;
      if (found >= 2) return true;
    }
    return false;
  },
  async open(root) {
    const annotations = new Lru<Map<string, string[]>>(32);
    const load = async (dir: string) => {
      const map = new Map<string, string[]>();
      for (const line of (await readText(join(dir, 'ANNOTATIONS')))?.split(/\r?\n/) ?? []) {
        const fields = line.trim().split(/\s+/);
        if (fields[0]) map.set(fields[0], fields.slice(1));
      }
      return map;
    };
    return {
      async describe(relativePath) {
        const labels: Record<string, string[]> = {};
        const p = parts(relativePath);
        const at = p.findIndex((x) => DOMAINS.includes(x));
        if (at < 0) return { labels, transcript: null };
        const domain = p[at]!;
        addLabel(labels, 'domain', domain);
        if (at + 2 < p.length) {
          const source = p[at + 1]!;
          addLabel(labels, 'source', source);
          const dir = join(root, ...p.slice(0, at + 2));
          const fields = (await annotations.get(dir, () => load(dir))).get(stem(relativePath));
          if (fields && domain === 'speech') {
            addLabel(labels, 'gender', fields[0]);
            addLabel(labels, 'language', fields[1]);
          } else if (fields && domain === 'music') {
            for (const genre of (fields[0] ?? '').split(',')) addLabel(labels, 'genre', genre);
            addLabel(labels, 'vocals', fields[1]);
            addLabel(labels, 'artist', fields.slice(2).join(' '));
          }
        }
        return { labels, transcript: null };
      },
    };
  },
};
