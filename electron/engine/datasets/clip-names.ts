/** Finding a dataset's clip by the names other files give it (id, relative path, file name, with or without extension). */
import { basename, extname } from 'node:path';

/** A lookup from every name a clip may go by to its id. */
export function clipNameIndex(clips: readonly { id: number; relativePath: string }[]): (name: string) => number | undefined {
  const index = new Map<string, number>();
  const add = (key: string, id: number) => {
    if (!index.has(key)) index.set(key, id);
  };
  for (const c of clips) {
    const file = basename(c.relativePath);
    add(c.relativePath.toLowerCase(), c.id);
    add(c.relativePath.slice(0, c.relativePath.length - extname(c.relativePath).length).toLowerCase(), c.id);
    add(file.toLowerCase(), c.id);
    add(file.slice(0, file.length - extname(file).length).toLowerCase(), c.id);
  }
  const ids = new Set(clips.map((c) => c.id));
  return (name) => {
    const trimmed = name.trim();
    if (/^\d+$/.test(trimmed) && ids.has(Number(trimmed))) return Number(trimmed);
    return index.get(trimmed.replace(/\\/g, '/').toLowerCase());
  };
}
