/** Formatting for the paper evaluations' tables and charts. */
import type { PaperEvalKind } from '../../../electron/common/paper-evals/index.js';

export function formatCell(value: string | number | null): string {
  if (value === null) return '–';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return '–';
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(1) : Math.abs(value) >= 1 ? value.toFixed(3) : value.toPrecision(3);
}

export const PAPER_EVAL_LABELS: Record<PaperEvalKind, { label: string; description: string }> = {
  stability: { label: 'Stability', description: 'Match features between SAEs of different seeds, layers or models (Hungarian matching); share of features consistent above a threshold.' },
  probing: { label: 'Probing', description: 'Rank features per class, probe with the top-k for a k sweep, and unlearning curves (remove top features, watch accuracy fall).' },
  phonemes: { label: 'Phonemes', description: 'Phoneme classification per layer from forced alignments (TextGrid / CTM), and vowel unlearning.' },
  domains: { label: 'Domains', description: 'Per layer, the share of features specific to speech, music or other sound, at audio and frame level.' },
  eeg: { label: 'EEG', description: 'Lagged correlation (0–500 ms) of feature activations with an EEG channel, with permutation significance.' },
};

/** Distinct series colours (colour-blind friendly order). */
export const SERIES_COLOURS = ['#3b82f6', '#ef4444', '#10b981', '#f59e0b', '#8b5cf6', '#06b6d4', '#ec4899', '#84cc16'];
export const REFERENCE_COLOUR = '#9ca3af';
