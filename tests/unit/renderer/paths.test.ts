import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanPastedPath } from '../../../renderer/src/lib/paths.js';

describe('cleanPastedPath', () => {
  it('trims whitespace and the quotes "Copy as path" adds', () => {
    assert.equal(cleanPastedPath('  /data/wavs \n'), '/data/wavs');
    assert.equal(cleanPastedPath('"C:\\Users\\me\\audio"'), 'C:\\Users\\me\\audio');
    assert.equal(cleanPastedPath("'/data/my wavs'"), '/data/my wavs');
    assert.equal(cleanPastedPath('"/half quoted'), '"/half quoted');
  });
});
