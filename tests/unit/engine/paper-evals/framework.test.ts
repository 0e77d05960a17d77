import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rpcMethods } from '../../../../electron/common/contract.js';
import { parseCsv } from '../../../../electron/engine/features/csv.js';
import { PaperEvalsRepo } from '../../../../electron/engine/paper-evals/paper-evals-repo.js';
import { tablesCsv } from '../../../../electron/engine/paper-evals/tables-csv.js';
import { Store } from '../../../../electron/engine/store/store.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';

function withStore(fn: (store: Store) => void): void {
  const dir = makeTempDir('audiosae-paper-evals-');
  const store = Store.open(dir.path);
  try {
    fn(store);
  } finally {
    store.dispose();
    dir.cleanup();
  }
}

describe('PaperEvalsRepo', () => {
  test('a resumed job takes over the running row of the same kind and params; others get new rows', () => {
    withStore((store) => {
      const repo = new PaperEvalsRepo(store.db);
      const first = repo.begin('stability', 'Stability of 2 SAEs', { saeIds: [1, 2] }, 10);
      assert.equal(repo.begin('stability', 'Stability of 2 SAEs', { saeIds: [1, 2] }, 11), first, 'same kind and params while running: same row');
      assert.equal(repo.get(first)!.jobId, 11, 'the row now belongs to the resumed job');
      assert.notEqual(repo.begin('stability', 'x', { saeIds: [1, 3] }, 12), first, 'other params: a new row');
      assert.notEqual(repo.begin('probing', 'x', { saeIds: [1, 2] }, 13), first, 'other kind: a new row');
      repo.complete(first, { pairs: [] }, ['layer 1: 60%']);
      assert.notEqual(repo.begin('stability', 'Stability of 2 SAEs', { saeIds: [1, 2] }, 14), first, 'a complete row is never reopened');
      const done = repo.get(first)!;
      assert.equal(done.status, 'complete');
      assert.deepEqual(done.result, { pairs: [] });
      assert.deepEqual(done.summary, ['layer 1: 60%']);
      assert.ok(done.finishedAt);
    });
  });

  test('lists newest first, by kind, without results; fail records the message; delete removes', () => {
    withStore((store) => {
      const repo = new PaperEvalsRepo(store.db);
      const a = repo.begin('domains', 'a', { n: 1 }, null);
      const b = repo.begin('eeg', 'b', { n: 2 }, null);
      const c = repo.begin('domains', 'c', { n: 3 }, null);
      assert.deepEqual(repo.list(undefined, 10).map((e) => e.id), [c, b, a]);
      assert.deepEqual(repo.list('domains', 10).map((e) => e.id), [c, a]);
      assert.deepEqual(repo.list('domains', 1).map((e) => e.id), [c]);
      assert.equal('result' in repo.list(undefined, 10)[0]!, false, 'lists carry no result JSON');
      repo.fail(b, 'The EEG file has no channel Pz (it has Cz, Fz).');
      assert.equal(repo.get(b)!.status, 'failed');
      assert.match(repo.get(b)!.error!, /no channel Pz/);
      assert.equal(repo.delete(a), true);
      assert.equal(repo.delete(a), false);
      assert.equal(repo.get(a), undefined);
    });
  });
});

describe('tablesCsv', () => {
  test('writes each table as a named RFC 4180 block that parses back; missing and non-finite numbers are empty', () => {
    const csv = tablesCsv([
      { name: 'pairs', header: ['layer', 'note', 'share'], rows: [[1, 'a, "quoted"\nline', 0.5], [2, null, Number.NaN]] },
      { name: 'histogram', header: ['bin', 'count'], rows: [[0.1, 3]] },
    ]);
    const records = parseCsv(csv);
    assert.deepEqual(records.slice(0, 4), [['# pairs'], ['layer', 'note', 'share'], ['1', 'a, "quoted"\nline', '0.5'], ['2', '', '']]);
    assert.deepEqual(records.filter((r) => r[0]?.startsWith('# ')).map((r) => r[0]), ['# pairs', '# histogram']);
    assert.deepEqual(records.at(-1), ['0.1', '3']);
  });
});

describe('evals.start request schema', () => {
  const schema = rpcMethods['evals.start'].params;
  test('refuses an unknown kind and unknown keys, fills defaults', () => {
    assert.equal(schema.safeParse({ kind: 'astrology', params: {} }).success, false);
    assert.equal(schema.safeParse({ kind: 'stability', params: { saeIds: [1, 2] }, extra: 1 }).success, false);
    assert.equal(schema.safeParse({ kind: 'stability', params: { saeIds: [1, 2], bogus: true } }).success, false);
    assert.equal(schema.safeParse({ kind: 'stability', params: { saeIds: [1] } }).success, false, 'stability needs two SAEs');
    const parsed = schema.parse({ kind: 'stability', params: { saeIds: [1, 2] } });
    assert.equal(parsed.kind, 'stability');
  });
});
