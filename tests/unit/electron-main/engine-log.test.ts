import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { hostLogLine, openEngineLog } from '../../../electron/main/engine-log.js';

describe('engine log', () => {
  it('creates logs/engine.log and appends to it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'audiosae-log-'));
    try {
      const logsDir = path.join(dir, 'logs');
      const log = openEngineLog(logsDir);
      log.write('one\n');
      log.write(Buffer.from('two\n'));
      log.dispose();
      await log.closed;
      assert.equal(log.file, path.join(logsDir, 'engine.log'));
      assert.equal(readFileSync(log.file, 'utf8'), 'one\ntwo\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rotates a log that grew too big', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'audiosae-log-'));
    try {
      writeFileSync(path.join(dir, 'engine.log'), 'x'.repeat(100));
      const log = openEngineLog(dir, 10);
      log.dispose();
      await log.closed;
      assert.equal(readFileSync(path.join(dir, 'engine.1.log'), 'utf8'), 'x'.repeat(100));
      assert.equal(readFileSync(log.file, 'utf8'), '');
      assert.ok(existsSync(path.join(dir, 'engine.1.log')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('formats host lines with a timestamp', () => {
    assert.equal(hostLogLine('hello', new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678))), '2026-01-02T03:04:05.678Z [engine-host] hello\n');
  });
});

