/**
 * Common Voice: `clips/*.mp3` described by the release's `*.tsv` files (validated, train, dev,
 * test, invalidated, other: client_id, path, sentence, up_votes, down_votes, age, gender,
 * accents, locale...). Transcript: sentence. Labels: split (each tsv naming the clip),
 * client_id, gender, age, accents, locale.
 */
import { basename, join } from 'node:path';
import { parseTable } from './csv.js';
import { addLabel, type LayoutImporter } from './types.js';
import { exists, listDir, readText } from './util.js';

const LABEL_COLUMNS = ['client_id', 'gender', 'age', 'accents', 'accent', 'locale'];
const NOT_CLIP_LISTS = new Set(['reported.tsv', 'clip_durations.tsv', 'unvalidated_sentences.tsv', 'validated_sentences.tsv']);

export const commonVoiceLayout: LayoutImporter = {
  name: 'commonvoice',
  async detect(root) {
    return (await exists(join(root, 'clips'), 'dir')) && (await listDir(root)).some((n) => n.endsWith('.tsv'));
  },
  async open(root) {
    const clips = new Map<string, { labels: Record<string, string[]>; transcript: string | null }>();
    for (const name of (await listDir(root)).filter((n) => n.endsWith('.tsv') && !NOT_CLIP_LISTS.has(n)).sort()) {
      for (const row of parseTable((await readText(join(root, name))) ?? '', '\t')) {
        if (!row.path) continue;
        const entry = clips.get(row.path) ?? { labels: {}, transcript: null };
        addLabel(entry.labels, 'split', name.replace(/\.tsv$/, ''));
        for (const column of LABEL_COLUMNS) {
          const key = column === 'accent' ? 'accents' : column;
          addLabel(entry.labels, key, row[column]);
        }
        entry.transcript ??= row.sentence || null;
        clips.set(row.path, entry);
      }
    }
    return {
      async describe(relativePath) {
        return clips.get(basename(relativePath)) ?? { labels: {}, transcript: null };
      },
    };
  },
};
