import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, sep } from 'node:path';

export async function exists(path: string, kind: 'file' | 'dir' = 'file'): Promise<boolean> {
  try {
    const s = await stat(path);
    return kind === 'file' ? s.isFile() : s.isDirectory();
  } catch {
    return false;
  }
}

export async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

export async function listDir(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch {
    return [];
  }
}

export function parts(relativePath: string): string[] {
  return relativePath.split(sep).filter((p) => p.length > 0);
}

export function stem(path: string): string {
  return basename(path, extname(path));
}

/** Breadth-first search for a file name matching `test`, at most `maxDepth` folders deep. */
export async function findFile(root: string, test: (name: string) => boolean, maxDepth: number): Promise<string | null> {
  let level = [root];
  for (let depth = 0; depth <= maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level.slice(0, 200)) {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (e.isFile() && test(e.name)) return join(dir, e.name);
        if (e.isDirectory()) next.push(join(dir, e.name));
      }
    }
    level = next;
  }
  return null;
}

/** A tiny least-recently-used cache for per-folder metadata files. */
export class Lru<V> {
  readonly #map = new Map<string, V>();
  constructor(private readonly size: number) {}
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.#map.get(key);
    if (hit !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, hit);
      return hit;
    }
    const value = await load();
    this.#map.set(key, value);
    if (this.#map.size > this.size) this.#map.delete(this.#map.keys().next().value!);
    return value;
  }
}
