import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readImportResult } from '../../../renderer/src/lib/job-results.js';

describe('readImportResult', () => {
  it('reads the import job result', () => {
    assert.deepEqual(
      readImportResult({ datasetId: 4, imported: 2, skipped: 1, failures: [{ path: '/a/bad.wav', reason: 'Not a WAV file' }] }),
      { datasetId: 4, imported: 2, skipped: 1, failures: [{ path: '/a/bad.wav', reason: 'Not a WAV file' }] },
    );
  });

  it('tolerates missing or odd fields', () => {
    assert.equal(readImportResult(null), null);
    assert.equal(readImportResult('x'), null);
    assert.deepEqual(readImportResult({ failures: [null, { path: 'p' }] }), {
      datasetId: null,
      imported: 0,
      skipped: 1,
      failures: [{ path: 'p', reason: '' }],
    });
  });
});
