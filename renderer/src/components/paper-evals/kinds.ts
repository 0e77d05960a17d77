/** Each evaluation kind's start form and result view. */
import type { Component } from 'svelte';
import type { PaperEvalKind, PaperEvalRequestInput, PaperEvaluationDetail } from '../../../../electron/common/paper-evals/index.js';
import type { PaperEvalChoices } from '../../lib/paper-evals.svelte.js';
import DomainsForm from './DomainsForm.svelte';
import DomainsResult from './DomainsResult.svelte';
import EegForm from './EegForm.svelte';
import EegResult from './EegResult.svelte';
import PhonemesForm from './PhonemesForm.svelte';
import PhonemesResult from './PhonemesResult.svelte';
import ProbingForm from './ProbingForm.svelte';
import ProbingResult from './ProbingResult.svelte';
import StabilityForm from './StabilityForm.svelte';
import StabilityResult from './StabilityResult.svelte';

export interface FormProps {
  choices: PaperEvalChoices;
  submitting: boolean;
  onstart: (request: PaperEvalRequestInput) => void;
}

export const PAPER_EVAL_VIEWS: Record<PaperEvalKind, { Form: Component<FormProps>; Result: Component<{ detail: PaperEvaluationDetail<never> }> }> = {
  stability: { Form: StabilityForm, Result: StabilityResult as never },
  probing: { Form: ProbingForm, Result: ProbingResult as never },
  phonemes: { Form: PhonemesForm, Result: PhonemesResult as never },
  domains: { Form: DomainsForm, Result: DomainsResult as never },
  eeg: { Form: EegForm, Result: EegResult as never },
};
