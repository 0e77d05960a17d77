/** Corpus layouts keyed by name. Registering a name twice or asking for an unknown one throws. */
import { AppError } from '../../../common/errors.js';
import type { LayoutImporter, LayoutName } from './types.js';

export class LayoutRegistry {
  readonly #importers = new Map<LayoutName, LayoutImporter>();

  register(importer: LayoutImporter): this {
    if (this.#importers.has(importer.name)) throw new Error(`Dataset layout already registered: ${importer.name}`);
    this.#importers.set(importer.name, importer);
    return this;
  }

  get(name: string): LayoutImporter {
    const importer = this.#importers.get(name as LayoutName);
    if (!importer) throw new AppError('bad_input', `Unknown dataset layout "${name}". Known: ${this.names().join(', ')}.`);
    return importer;
  }

  names(): LayoutName[] {
    return [...this.#importers.keys()];
  }

  /** The first registered layout (in order; `generic` last) whose markers `root` has. */
  async detect(root: string): Promise<LayoutImporter> {
    for (const importer of this.#importers.values()) {
      if (importer.name !== 'generic' && (await importer.detect(root))) return importer;
    }
    return this.get('generic');
  }
}
