/** The `steering.discover` job: scores an SAE's features for non-speech vs speech and stores the ranking. */
import { join } from 'node:path';
import { saeArchitecture } from '../../../native-models/sae/architecture-registry.js';
import { inferenceSelectionFor } from '../../../native-models/sae/inference-graph.js';
import { loadSaeCheckpoint } from '../../../native-models/sae/sae-checkpoint.js';
import type { AnalysisShard } from '../analysis/analyse-saes.js';
import type { FeatureAnalyserOptions } from '../analysis/feature-analyser.js';
import type { ActivationRunSummary } from '../../common/contract.js';
import type { JobDefinition } from '../jobs/job-manager.js';
import { discoverFeatures } from './discover-features.js';
import { resolveDiscovery, type DiscoverParams, type DiscoveryDeps, type ResolvedSet } from './discovery-input.js';

export interface DiscoverResult {
  discoveryId: number;
  saeId: number;
  heldOutAccuracy: number | null;
  /** The top features by rank (at most 10). */
  top: number[];
  seconds: number;
}

function shardsOf(deps: DiscoveryDeps, run: ActivationRunSummary): AnalysisShard[] {
  return deps.activations.shardFiles(run.id).map((s) => ({ path: join(run.dir, s.file), name: s.file, frames: s.frames, spans: deps.activations.spansOfShard(run.id, s.shardIndex) }));
}

function classifier(set: ResolvedSet): (clipId: number) => 0 | 1 {
  const { positive } = set;
  if (positive === 'all') return () => 1;
  if (positive === 'none') return () => 0;
  return (clipId) => (positive.has(clipId) ? 1 : 0);
}

export function describeDiscovery(p: DiscoverParams): string {
  const sets = p.runId !== undefined ? `run ${p.runId}, ${p.positive?.key}=${p.positive?.value} as non-speech` : `non-speech run ${p.nonspeechRunId} vs speech run ${p.speechRunId}`;
  return `Discover non-speech features of SAE ${p.saeId} (${sets})`;
}

export function discoverJob(deps: DiscoveryDeps, options: Omit<FeatureAnalyserOptions, 'onStored'> & { onStored?: (discoveryId: number) => void }): JobDefinition<DiscoverParams> {
  return {
    title: describeDiscovery,
    async run({ jobId, params, progress, throwIfCancelled }): Promise<DiscoverResult> {
      const started = performance.now();
      const { sae, sets } = resolveDiscovery(deps, params);
      const { config, weights } = await loadSaeCheckpoint(sae.checkpointPath!);
      const runs = sets.map((set) => ({ shards: shardsOf(deps, set.run), frameRateHz: set.run.frameRateHz, classOf: classifier(set) }));
      progress({ done: 0, total: sets.reduce((n, s) => n + s.run.frames, 0), unit: 'frames', message: 'starting' });
      const out = await discoverFeatures({
        runs,
        layer: sae.layer,
        dModel: sets[0]!.run.dModel,
        weights,
        selection: inferenceSelectionFor(saeArchitecture(config.architecture).inferenceSelection, config.k),
        score: params.score,
        l2: params.l2,
        iterations: params.iterations,
        heldOutFraction: params.heldOutFraction,
        seed: params.seed,
        batchRows: options.batchRows,
        device: options.device,
        onProgress: (done, total, message) => progress({ done, total, unit: 'frames', message }),
        throwIfCancelled,
      });
      const discovery = deps.steering.addDiscovery(
        { saeId: sae.id, params: { ...params }, heldOutAccuracy: out.heldOutAccuracy, positive: out.positive, negative: out.negative, score: params.score, jobId },
        out.scores,
      );
      options.onStored?.(discovery.id);
      return { discoveryId: discovery.id, saeId: sae.id, heldOutAccuracy: out.heldOutAccuracy, top: out.scores.slice(0, 10).map((s) => s.feature), seconds: (performance.now() - started) / 1000 };
    },
  };
}
