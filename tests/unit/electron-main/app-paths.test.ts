import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { resolveAppPaths, resolveDataDir, resolveLogsDir } from '../../../electron/main/app-paths.js';

describe('resolveAppPaths', () => {
  it('finds the built pieces under dist/ of the app root', () => {
    const paths = resolveAppPaths('/opt/audiosae');
    assert.equal(paths.rendererRoot, path.join('/opt/audiosae', 'dist', 'renderer'));
    assert.equal(paths.preload, path.join('/opt/audiosae', 'dist', 'electron', 'preload', 'preload.cjs'));
    assert.equal(paths.engineEntry, path.join('/opt/audiosae', 'dist', 'electron', 'engine', 'utility-entry.js'));
    assert.equal(paths.windowIcon, path.join('/opt/audiosae', 'resources', 'icons', 'icon.png'));
  });
});

describe('resolveDataDir', () => {
  const userData = '/home/lab/.config/AudioSAE Lab';

  it('defaults to userData', () => {
    assert.equal(resolveDataDir(['electron', '.'], {}, userData, '/cwd'), userData);
  });

  it('takes AUDIOSAE_DATA_DIR, then --data-dir over it', () => {
    assert.equal(resolveDataDir([], { AUDIOSAE_DATA_DIR: '/srv/data' }, userData, '/cwd'), '/srv/data');
    assert.equal(resolveDataDir(['app', '--data-dir', '/mnt/a'], { AUDIOSAE_DATA_DIR: '/srv/data' }, userData, '/cwd'), '/mnt/a');
    assert.equal(resolveDataDir(['app', '--data-dir=/mnt/b'], {}, userData, '/cwd'), '/mnt/b');
  });

  it('makes a relative folder absolute against the working directory', () => {
    assert.equal(resolveDataDir(['--data-dir', 'lab-data'], {}, userData, '/cwd'), path.resolve('/cwd', 'lab-data'));
  });

  it('ignores an empty or missing value', () => {
    assert.equal(resolveDataDir(['--data-dir'], { AUDIOSAE_DATA_DIR: '' }, userData, '/cwd'), userData);
    assert.equal(resolveDataDir(['--data-dir', '--inspect'], {}, userData, '/cwd'), userData);
  });
});

describe('resolveLogsDir', () => {
  it('is userData/logs', () => {
    assert.equal(resolveLogsDir('/u'), path.join('/u', 'logs'));
  });
});
