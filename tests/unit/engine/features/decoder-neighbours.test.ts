import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { openFeatureFixture } from './feature-store-fixture.js';

test('features.get lists the decoder-direction neighbours a brute-force float64 cosine finds, with their labels', async () => {
  const tmp = makeTempDir();
  const fx = openFeatureFixture(tmp.path, { width: 96, dIn: 16, clips: 8, topN: 3, weights: true, seed: 5 });
  try {
    const w = fx.weights!;
    const saved = fx.store.db.prepare('SELECT checkpoint_path AS p FROM saes WHERE id = 1').get() as { p: string };
    assert.ok(saved.p, 'weights saved');
    const cosine = (a: number, b: number): number => {
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let c = 0; c < w.dIn; c++) {
        const x = w.W_dec[a * w.dIn + c]!;
        const y = w.W_dec[b * w.dIn + c]!;
        dot += x * y;
        na += x * x;
        nb += y * y;
      }
      return dot / Math.sqrt(na * nb);
    };
    for (const feature of [0, 17, 95]) {
      const want = Array.from({ length: w.dSae }, (_, j) => j)
        .filter((j) => j !== feature)
        .map((j) => ({ feature: j, cosine: cosine(feature, j) }))
        .sort((a, b) => b.cosine - a.cosine)
        .slice(0, 5);
      const neighbour = want[0]!.feature;
      fx.service.setLabel(fx.saeId, neighbour, { label: `near ${feature}` });
      const detail = await fx.service.get(fx.saeId, feature, 5);
      assert.deepEqual(detail.neighbours.map((n) => n.feature), want.map((n) => n.feature), `feature ${feature}: neighbours in order`);
      for (const [i, n] of detail.neighbours.entries()) assert.ok(Math.abs(n.cosine - want[i]!.cosine) < 1e-5, `feature ${feature}: cosine ${n.cosine} vs ${want[i]!.cosine}`);
      assert.equal(detail.neighbours[0]!.label, `near ${feature}`, 'neighbour label');
    }
  } finally {
    await fx.service.dispose();
    fx.store.dispose();
    tmp.cleanup();
  }
});
