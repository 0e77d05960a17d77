/**
 * Clip browsing at 100k clips (issue 4): server-side paging, sort, label filter, duration range
 * and transcript search, straight on the store. Prints one JSON line per query with its median
 * time over several runs, for the first page and a page deep in the list (OFFSET paging).
 *
 *   node --import tsx tests/bench/clips-list.bench.ts [--clips 100000]
 */
import { parseArgs } from 'node:util';
import type { ClipQuery } from '../../electron/engine/store/datasets-repo.js';
import { Store } from '../../electron/engine/store/store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const { values } = parseArgs({ options: { clips: { type: 'string', default: '100000' } } });
const CLIPS = Number(values.clips);
const WORDS = ['speech', 'music', 'noise', 'quick', 'brown', 'fox', 'lazy', 'dog', 'sea', 'shell', 'apple', 'tree'];

const dir = makeTempDir('audiosae-bench-clips-');
const store = Store.open(dir.path);
try {
  const t0 = performance.now();
  const id = store.datasets.beginImport('big', '/data/big', 'generic', null);
  for (let start = 0; start < CLIPS; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, CLIPS - start) }, (_, j) => {
      const i = start + j;
      return {
        path: `/data/big/${i}.wav`,
        relativePath: `s${i % 97}/${String(i).padStart(7, '0')}.wav`,
        sha256: i.toString(16).padStart(64, '0'),
        durationSec: 0.5 + ((i * 7919) % 20000) / 1000,
        sampleRate: 16000,
        channels: 1,
        format: 'wav',
        labels: { class: [`c${i % 50}`], fold: [String(i % 5)] },
        transcript: `${WORDS[i % 12]} ${WORDS[(i * 7) % 12]} ${WORDS[(i * 5) % 12]} utterance ${i}`,
      };
    });
    store.datasets.commitBatch(id, 0, batch, []);
  }
  store.datasets.finishImport(id);
  process.stdout.write(`${JSON.stringify({ bench: 'clips.insert', clips: CLIPS, seconds: +((performance.now() - t0) / 1000).toFixed(2) })}\n`);

  const queries: [string, Omit<ClipQuery, 'datasetId' | 'offset' | 'limit'>][] = [
    ['path', { sort: 'path' }],
    ['-duration', { sort: '-duration' }],
    ['label', { sort: 'path', label: { key: 'class', value: 'c7' } }],
    ['duration-range', { sort: 'duration', minDurationSec: 5, maxDurationSec: 6 }],
    ['text', { sort: 'path', text: 'fox' }],
    ['label+text+range', { sort: '-duration', label: { key: 'fold', value: '2' }, text: 'sea', minDurationSec: 3 }],
  ];
  for (const [name, query] of queries) {
    for (const offset of [0, Math.floor(CLIPS * 0.9)]) {
      const times: number[] = [];
      let total = 0;
      for (let run = 0; run < 5; run++) {
        const t = performance.now();
        const page = store.datasets.listClips({ datasetId: id, offset: Math.min(offset, Math.max(0, total - 200)), limit: 200, ...query });
        times.push(performance.now() - t);
        total = page.total;
      }
      times.sort((a, b) => a - b);
      const record = { bench: 'clips.list', query: name, offset, total, medianMs: +times[2]!.toFixed(2) };
      process.stdout.write(`${JSON.stringify(record)}\n`);
    }
  }
  const t1 = performance.now();
  store.datasets.labelCounts(id, 'class');
  process.stdout.write(`${JSON.stringify({ bench: 'datasets.labelCounts', ms: +(performance.now() - t1).toFixed(2) })}\n`);
  const t2 = performance.now();
  store.datasets.list();
  process.stdout.write(`${JSON.stringify({ bench: 'datasets.list', ms: +(performance.now() - t2).toFixed(2) })}\n`);
} finally {
  store.dispose();
  dir.cleanup();
}
