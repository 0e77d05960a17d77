/** Every kind of the paper's evaluations, by name (a kind is added here and in common/paper-evals/index.ts). */
import type { PaperEvalKind } from '../../common/paper-evals/index.js';
import type { PaperEvalDefinition } from './definition.js';
import { domainsEvaluation } from './domains/domains-evaluation.js';
import { eegEvaluation } from './eeg/eeg-evaluation.js';
import { phonemesEvaluation } from './phonemes/phonemes-evaluation.js';
import { probingEvaluation } from './probing/probing-evaluation.js';
import { stabilityEvaluation } from './stability/stability-evaluation.js';

type Registry = { [K in PaperEvalKind]: PaperEvalDefinition<K> };

const REGISTRY: Registry = {
  stability: stabilityEvaluation,
  probing: probingEvaluation,
  phonemes: phonemesEvaluation,
  domains: domainsEvaluation,
  eeg: eegEvaluation,
};

export function paperEvalDefinition<K extends PaperEvalKind>(kind: K): PaperEvalDefinition<K> {
  return REGISTRY[kind];
}
