import type { Component } from 'svelte';
import ActivationsPage from './ActivationsPage.svelte';
import DatasetsPage from './DatasetsPage.svelte';
import EvaluationsPage from './EvaluationsPage.svelte';
import FeaturesPage from './FeaturesPage.svelte';
import JobsPage from './JobsPage.svelte';
import LivePage from './LivePage.svelte';
import ModelsPage from './ModelsPage.svelte';
import SteeringPage from './SteeringPage.svelte';
import type { PageId } from './pages.js';
import TrainingPage from './TrainingPage.svelte';

export const PAGE_COMPONENTS: Record<PageId, Component> = {
  datasets: DatasetsPage,
  models: ModelsPage,
  activations: ActivationsPage,
  training: TrainingPage,
  features: FeaturesPage,
  steering: SteeringPage,
  live: LivePage,
  evaluations: EvaluationsPage,
  jobs: JobsPage,
};
