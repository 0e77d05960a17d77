/** The Steering page's pure helpers (renderer/src/lib/steering-view.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DISCOVERY_SORTS, type ActivationRunSummary, type SaeSummary } from '../../../electron/common/contract.js';
import { discoverRequest, parseLabel, presetCaption, RANKING_SORTS, runsForSae, scaleForAlpha } from '../../../renderer/src/lib/steering-view.js';

test('the discovery form becomes a request only when complete', () => {
  const form = { mode: 'label' as const, nonspeechRunId: 1, speechRunId: 1, runId: 3, positive: 'folder=noise' };
  assert.deepEqual(discoverRequest(7, form), { saeId: 7, runId: 3, positive: { key: 'folder', value: 'noise' } });
  assert.equal(discoverRequest(7, { ...form, positive: 'folder=' }), null, 'a label needs a value');
  assert.equal(discoverRequest(null, form), null, 'no SAE');
  assert.equal(discoverRequest(7, { ...form, mode: 'two-runs' }), null, 'the same run twice');
  assert.deepEqual(discoverRequest(7, { ...form, mode: 'two-runs', speechRunId: 2 }), { saeId: 7, nonspeechRunId: 1, speechRunId: 2 });
  assert.deepEqual(parseLabel('a=b=c'), { key: 'a', value: 'b=c' }, 'splits at the first =');
  assert.equal(parseLabel('=x'), null);
});

test('runs an SAE can use, alpha as scale, preset captions', () => {
  const run = (id: number, modelId: number, layers: number[], status: ActivationRunSummary['status'] = 'complete') => ({ id, modelId, layers, status }) as ActivationRunSummary;
  const sae = { modelId: 1, layer: 4 } as SaeSummary;
  assert.deepEqual(runsForSae([run(1, 1, [4]), run(2, 2, [4]), run(3, 1, [3]), run(4, 1, [4], 'running')], sae).map((r) => r.id), [1]);
  assert.equal(scaleForAlpha(1), -1, 'alpha 1 negates the features (DESIGN.md: scaled by -alpha)');
  assert.equal(scaleForAlpha(0), 0, 'alpha 0 removes them');
  assert.equal(scaleForAlpha(3), -3);
  assert.equal(presetCaption({ id: 1, name: 'x', saeId: 1, notes: '', createdAt: '', features: [{ feature: 1, scale: -1 }, { feature: 2, scale: -1 }] }), '2 features · alpha 1');
  assert.equal(presetCaption({ id: 1, name: 'x', saeId: 1, notes: '', createdAt: '', features: [{ feature: 1, scale: -0.5 }] }), '1 feature · alpha 0.5');
});

test('the Order picker offers every sort of the contract', () => {
  assert.deepEqual([...RANKING_SORTS].sort(), [...DISCOVERY_SORTS].sort());
});
