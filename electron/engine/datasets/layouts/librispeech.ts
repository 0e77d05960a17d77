/**
 * LibriSpeech: `<subset>/<speaker>/<chapter>/<speaker>-<chapter>-<utt>.flac`, with one
 * `<speaker>-<chapter>.trans.txt` per chapter folder ("<utt-id> TRANSCRIPT" per line).
 * Labels: speaker, chapter, subset (e.g. dev-clean) when the path names one.
 */
import { dirname, join } from 'node:path';
import { addLabel, type ClipMetadata, type LayoutImporter } from './types.js';
import { findFile, listDir, Lru, parts, readText, stem } from './util.js';

export const librispeechLayout: LayoutImporter = {
  name: 'librispeech',
  async detect(root) {
    return (await findFile(root, (n) => n.endsWith('.trans.txt'), 4)) !== null;
  },
  async open(root) {
    const transcripts = new Lru<Map<string, string>>(64);
    const loadFolder = async (dir: string) => {
      const map = new Map<string, string>();
      for (const name of await listDir(dir)) {
        if (!name.endsWith('.trans.txt')) continue;
        for (const line of (await readText(join(dir, name)))?.split(/\r?\n/) ?? []) {
          const space = line.indexOf(' ');
          if (space > 0) map.set(line.slice(0, space), line.slice(space + 1).trim());
        }
      }
      return map;
    };
    return {
      async describe(relativePath): Promise<ClipMetadata> {
        const labels: Record<string, string[]> = {};
        const id = stem(relativePath);
        const match = /^(\d+)-(\d+)-(\d+)$/.exec(id);
        if (match) {
          addLabel(labels, 'speaker', match[1]);
          addLabel(labels, 'chapter', match[2]);
        }
        const subset = parts(relativePath).find((p) => /^(train|dev|test)-(clean|other)/.test(p));
        addLabel(labels, 'subset', subset);
        const dir = dirname(join(root, relativePath));
        const transcript = (await transcripts.get(dir, () => loadFolder(dir))).get(id) ?? null;
        return { labels, transcript };
      },
    };
  },
};
