/**
 * Synthetic activations from a planted sparse dictionary: unit-norm random atoms, each sample a
 * positive combination of a few atoms plus small Gaussian noise and a constant offset (so b_dec
 * has something to learn).
 */
import { SeededRandom } from '../../../../native-models/common/seeded-random.js';
import { normalizeRows } from '../../../../native-models/sae/sae-weights.js';

export interface PlantedDictionary {
  dIn: number;
  atoms: number;
  dictionary: Float32Array; // [atoms, dIn]
  offset: Float32Array;
  sample(rows: number): Float32Array;
}

export function plantedDictionary(dIn: number, atoms: number, activePerSample: number, seed: number, noise = 0.01): PlantedDictionary {
  const random = new SeededRandom(seed);
  const dictionary = random.normals(atoms * dIn, 1);
  normalizeRows(dictionary, atoms, dIn);
  const offset = random.normals(dIn, 0.5);
  return {
    dIn,
    atoms,
    dictionary,
    offset,
    sample(rows) {
      const out = new Float32Array(rows * dIn);
      for (let r = 0; r < rows; r++) {
        const row = out.subarray(r * dIn, (r + 1) * dIn);
        for (let j = 0; j < dIn; j++) row[j] = offset[j]! + noise * random.normal();
        const chosen = new Set<number>();
        while (chosen.size < activePerSample) chosen.add(Math.floor(random.uniform() * atoms));
        for (const atom of chosen) {
          const magnitude = 0.5 + random.uniform();
          for (let j = 0; j < dIn; j++) row[j]! += magnitude * dictionary[atom * dIn + j]!;
        }
      }
      return out;
    },
  };
}
