/**
 * Any folder of audio. An optional CSV at its top (`labels.csv`, `metadata.csv`, or the only
 * `.csv` there) with the columns `path,label[,text]` (path relative to the folder) gives each
 * file a label and a transcript. Files in sub-folders also get the label `folder`.
 */
import { basename, join, posix, resolve, sep, win32 } from 'node:path';
import { parseTable } from './csv.js';
import { addLabel, type LayoutImporter } from './types.js';
import { exists, listDir, parts, readText } from './util.js';

async function findCsv(root: string): Promise<string | null> {
  for (const name of ['labels.csv', 'metadata.csv']) if (await exists(join(root, name))) return join(root, name);
  const csvs = (await listDir(root)).filter((n) => n.toLowerCase().endsWith('.csv'));
  return csvs.length === 1 ? join(root, csvs[0]!) : null;
}

function normalise(path: string): string {
  return path.replace(/[\\/]+/g, '/').replace(/^\.\//, '');
}

/** Whether a CSV path names a file outside the folder: absolute (any OS) or climbing out with `..`. */
function leavesFolder(path: string): boolean {
  if (posix.isAbsolute(path) || win32.isAbsolute(path)) return true;
  const normal = posix.normalize(normalise(path));
  return normal === '..' || normal.startsWith('../');
}

export const genericLayout: LayoutImporter = {
  name: 'generic',
  detect: async () => true,
  async open(root) {
    const csv = await findCsv(root);
    const rows = new Map<string, Record<string, string>>();
    const refused: { path: string; reason: string }[] = [];
    if (csv) {
      for (const row of parseTable((await readText(csv)) ?? '')) {
        if (!row.path) continue;
        if (leavesFolder(row.path)) {
          refused.push({
            path: resolve(root, row.path),
            reason: `${basename(csv)} names a file outside the imported folder ("${row.path}"): not imported; only files inside the folder are read.`,
          });
          continue;
        }
        rows.set(normalise(row.path), row);
      }
    }
    return {
      refused,
      async describe(relativePath) {
        const labels: Record<string, string[]> = {};
        const p = parts(relativePath);
        if (p.length > 1) addLabel(labels, 'folder', p.slice(0, -1).join('/'));
        const row = rows.get(normalise(relativePath.split(sep).join('/')));
        addLabel(labels, 'label', row?.label);
        return { labels, transcript: row?.text || null };
      },
    };
  },
};
