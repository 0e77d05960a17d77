/**
 * Which domain (speech, music, other) each SAE feature is specific to, at audio and frame level.
 *
 * A feature's activation mass in a domain is, at audio level, the sum over the domain's clips of the
 * clip's maximum activation of the feature, and at frame level the sum of its activations over the
 * domain's frames. Each mass is divided by the domain's number of clips (resp. frames), so a larger
 * domain does not look preferred. The feature is specific to domain d when d holds at least
 * `specificity` of the normalised mass; a feature that fires but passes no domain is shared, one
 * that never fires on the three domains is dead. (The AudioSAE paper's exact rule was not found;
 * this is the definition documented in docs/evaluations.md.)
 */
import { DOMAINS, type Domain, type DomainShares } from '../../../common/paper-evals/domains.js';
import type { SparseCodes } from '../../analysis/sparse-codes.js';

/** Index into DOMAINS. */
export type DomainIndex = 0 | 1 | 2;

export interface DomainMass {
  /** [domain][feature] activation mass. */
  mass: [Float64Array, Float64Array, Float64Array];
  /** Clips (audio level) or frames (frame level) of each domain: the normalisers. */
  units: [number, number, number];
}

export interface DomainMasses {
  audio: DomainMass;
  frame: DomainMass;
}

const emptyMass = (width: number): DomainMass => ({ mass: [new Float64Array(width), new Float64Array(width), new Float64Array(width)], units: [0, 0, 0] });

/**
 * Adds up one SAE's codes over a run, batch by batch. A clip's audio-level maxima are added once
 * all its rows (`clipRows`) have been seen, so only clips in progress are held in memory.
 */
export class DomainMassAccumulator {
  readonly #width: number;
  readonly #clipDomain: ReadonlyMap<number, DomainIndex>;
  readonly #clipRows: ReadonlyMap<number, number>;
  readonly #audio: DomainMass;
  readonly #frame: DomainMass;
  readonly #open = new Map<number, { seen: number; max: Map<number, number> }>();

  constructor(width: number, clipDomain: ReadonlyMap<number, DomainIndex>, clipRows: ReadonlyMap<number, number>) {
    this.#width = width;
    this.#clipDomain = clipDomain;
    this.#clipRows = clipRows;
    this.#audio = emptyMass(width);
    this.#frame = emptyMass(width);
  }

  add(clipIds: Int32Array, codes: SparseCodes): void {
    const { rowStart, features, values } = codes;
    for (let r = 0; r < codes.rows; r++) {
      const clipId = clipIds[r]!;
      const domain = this.#clipDomain.get(clipId);
      if (domain === undefined) continue;
      const frameMass = this.#frame.mass[domain];
      this.#frame.units[domain]++;
      let clip = this.#open.get(clipId);
      if (!clip) {
        clip = { seen: 0, max: new Map() };
        this.#open.set(clipId, clip);
      }
      for (let i = rowStart[r]!; i < rowStart[r + 1]!; i++) {
        const feature = features[i]!;
        const value = values[i]!;
        if (!(value > 0) || feature >= this.#width) continue;
        frameMass[feature]! += value;
        if (value > (clip.max.get(feature) ?? 0)) clip.max.set(feature, value);
      }
      clip.seen++;
      if (clip.seen >= (this.#clipRows.get(clipId) ?? Number.POSITIVE_INFINITY)) this.#close(clipId, domain, clip.max);
    }
  }

  finish(): DomainMasses {
    for (const [clipId, clip] of this.#open) this.#close(clipId, this.#clipDomain.get(clipId)!, clip.max);
    return { audio: this.#audio, frame: this.#frame };
  }

  #close(clipId: number, domain: DomainIndex, max: Map<number, number>): void {
    const mass = this.#audio.mass[domain];
    for (const [feature, value] of max) mass[feature]! += value;
    this.#audio.units[domain]++;
    this.#open.delete(clipId);
  }
}

/** Guards the `share >= specificity` test against rounding in the normalisation. */
const SHARE_TOLERANCE = 1e-12;

/** Per feature: the domain it is specific to, 'shared' or 'dead'. */
export function classifyFeatures(m: DomainMass, specificity: number): (Domain | 'shared' | 'dead')[] {
  const width = m.mass[0].length;
  const out: (Domain | 'shared' | 'dead')[] = new Array(width);
  for (let f = 0; f < width; f++) {
    const normalised = m.mass.map((mass, d) => (m.units[d]! > 0 ? mass[f]! / m.units[d]! : 0));
    const total = normalised.reduce((s, v) => s + v, 0);
    if (!(total > 0)) {
      out[f] = 'dead';
      continue;
    }
    const top = normalised.indexOf(Math.max(...normalised));
    out[f] = normalised[top]! / total >= specificity - SHARE_TOLERANCE ? DOMAINS[top]! : 'shared';
  }
  return out;
}

/** Shares of the width in each class. */
export function domainShares(classes: readonly (Domain | 'shared' | 'dead')[]): DomainShares {
  const shares: DomainShares = { speech: 0, music: 0, other: 0, shared: 0, dead: 0 };
  if (classes.length === 0) return shares;
  for (const c of classes) shares[c]++;
  for (const key of Object.keys(shares) as (keyof DomainShares)[]) shares[key] /= classes.length;
  return shares;
}
