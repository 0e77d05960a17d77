import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AppError, CancelledError } from '../../../electron/common/errors.js';
import { startFixtureHub, gitBlobSha1, type FixtureHub } from '../../../native-models/fixtures/fixture-hub-server.js';
import { TINY_WHISPER_REPO, generateFixtureRepos } from '../../../native-models/fixtures/generate-fixtures.js';
import {
  downloadRepoFiles,
  fetchRepoInfo,
  resolveHubOptions,
  type DownloadProgress,
} from '../../../native-models/hub/index.js';

const ONNX_FILE = 'onnx/encoder_model.onnx';
const FILES = ['config.json', 'preprocessor_config.json', ONNX_FILE];
const REPO_FOLDER = 'models--audiosae-fixtures--whisper-tiny-random';

let root: string;
let hub: FixtureHub;
const cleanups: Array<() => Promise<void> | void> = [];

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'fixture-hub-'));
  await generateFixtureRepos(root);
  hub = await startFixtureHub({ root });
});
after(async () => {
  await hub.close();
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(root, { recursive: true, force: true });
});

function tempCache(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hf-cache-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startHub(options: Omit<Parameters<typeof startFixtureHub>[0], 'root'>): Promise<FixtureHub> {
  const extra = await startFixtureHub({ root, ...options });
  cleanups.push(() => extra.close());
  return extra;
}

function sourceBytes(file: string): Buffer {
  return readFileSync(join(root, ...TINY_WHISPER_REPO.split('/'), ...file.split('/')));
}

function isAppError(code: string, pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

function fileContentRequests(target: FixtureHub, since = 0) {
  return target.requestLog.slice(since).filter((r) => r.method === 'GET' && !r.path.startsWith('/api/'));
}

test('downloads into the standard HF cache layout', async () => {
  const cacheDir = tempCache();
  const info = await fetchRepoInfo(TINY_WHISPER_REPO, 'main', { endpoint: hub.url, cacheDir });
  assert.deepEqual([...info.files].sort(), [...FILES].sort());
  assert.match(info.commit, /^[0-9a-f]{40}$/);

  const { commit, snapshotDir } = await downloadRepoFiles(TINY_WHISPER_REPO, FILES, { endpoint: hub.url, cacheDir });
  assert.equal(commit, info.commit);
  const repoDir = join(cacheDir, REPO_FOLDER);
  assert.equal(snapshotDir, join(repoDir, 'snapshots', commit));
  assert.equal(readFileSync(join(repoDir, 'refs', 'main'), 'utf8'), commit);

  const expectedBlobs = new Map([
    ['config.json', gitBlobSha1(sourceBytes('config.json'))],
    ['preprocessor_config.json', gitBlobSha1(sourceBytes('preprocessor_config.json'))],
    [ONNX_FILE, createHash('sha256').update(sourceBytes(ONNX_FILE)).digest('hex')],
  ]);
  for (const [file, etag] of expectedBlobs) {
    const link = join(snapshotDir, ...file.split('/'));
    assert.ok(lstatSync(link).isSymbolicLink(), `${file} is a symlink`);
    const target = readlinkSync(link);
    assert.ok(!target.startsWith('/'), `${file} links relatively (${target})`);
    assert.equal(target, file.includes('/') ? `../../../blobs/${etag}` : `../../blobs/${etag}`);
    assert.deepEqual(readFileSync(link), sourceBytes(file));
  }
  assert.deepEqual(readdirSync(join(repoDir, 'blobs')).sort(), [...expectedBlobs.values()].sort());
});

test('a second download reads the cache: no file requests at all', async () => {
  const cacheDir = tempCache();
  await downloadRepoFiles(TINY_WHISPER_REPO, FILES, { endpoint: hub.url, cacheDir });
  const mark = hub.requestLog.length;
  const events: DownloadProgress[] = [];
  const again = await downloadRepoFiles(TINY_WHISPER_REPO, FILES, { endpoint: hub.url, cacheDir, onProgress: (p) => events.push(p) });
  const requests = hub.requestLog.slice(mark);
  assert.deepEqual(
    requests.map((r) => r.method + ' ' + r.path.split('/').slice(0, 3).join('/')),
    ['GET /api/models'],
    'only the revision lookup for "main"',
  );
  assert.ok(events.filter((e) => e.status === 'done').every((e) => e.status === 'done' && e.cached), 'every file is reported as cached');

  // Pinned to a commit, a cached snapshot needs no request whatsoever.
  const mark2 = hub.requestLog.length;
  await downloadRepoFiles(TINY_WHISPER_REPO, FILES, { endpoint: hub.url, cacheDir, revision: again.commit });
  assert.equal(hub.requestLog.length, mark2);
});

test('an aborted download resumes with a Range request and ends with the right bytes', async () => {
  const cacheDir = tempCache();
  const slowHub = await startHub({ throttleBytesPerSec: 200_000 });
  const controller = new AbortController();
  await assert.rejects(
    downloadRepoFiles(TINY_WHISPER_REPO, [ONNX_FILE], {
      endpoint: slowHub.url,
      cacheDir,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.status === 'progress') controller.abort();
      },
    }),
    (error: unknown) => error instanceof CancelledError,
  );
  const blobs = join(cacheDir, REPO_FOLDER, 'blobs');
  const incomplete = readdirSync(blobs).filter((f) => f.endsWith('.incomplete'));
  assert.equal(incomplete.length, 1, 'the partial file stays for resuming');
  const partial = statSync(join(blobs, incomplete[0]!)).size;
  const total = sourceBytes(ONNX_FILE).length;
  assert.ok(partial > 0 && partial < total, `partial ${partial} of ${total}`);
  const snapshots = join(cacheDir, REPO_FOLDER, 'snapshots');
  assert.ok(!existsSync(snapshots) || readdirSync(snapshots).every((c) => !existsSync(join(snapshots, c, ...ONNX_FILE.split('/')))), 'nothing linked yet');

  const mark = hub.requestLog.length;
  const events: DownloadProgress[] = [];
  const { snapshotDir } = await downloadRepoFiles(TINY_WHISPER_REPO, [ONNX_FILE], {
    endpoint: hub.url,
    cacheDir,
    onProgress: (p) => events.push(p),
  });
  const ranged = fileContentRequests(hub, mark).filter((r) => r.range !== undefined);
  assert.ok(ranged.length >= 1, 'the resumed download asks for a range');
  assert.ok(ranged.every((r) => r.range === `bytes=${partial}-`), `ranges ${ranged.map((r) => r.range).join(', ')}`);
  assert.ok(ranged.some((r) => r.status === 206), 'the server answered 206');
  const start = events.find((e) => e.status === 'download');
  assert.ok(start?.status === 'download' && start.loaded === partial, 'the download event reports the resumed bytes');
  assert.deepEqual(readFileSync(join(snapshotDir, ...ONNX_FILE.split('/'))), sourceBytes(ONNX_FILE));
  assert.deepEqual(readdirSync(blobs).filter((f) => f.endsWith('.incomplete')), []);
});

test('a connection dropped mid-file gives a clear error, keeps the .incomplete and a retry resumes to the right bytes', async () => {
  const cacheDir = tempCache();
  const total = sourceBytes(ONNX_FILE).length;
  const cutAt = Math.floor(total / 3);
  const droppingHub = await startHub({ truncate: (_repo, path) => (path === ONNX_FILE ? cutAt : undefined) });
  await assert.rejects(
    downloadRepoFiles(TINY_WHISPER_REPO, [ONNX_FILE], { endpoint: droppingHub.url, cacheDir }),
    isAppError('unavailable', /download of onnx\/encoder_model\.onnx from audiosae-fixtures\/whisper-tiny-random (was interrupted|ended after).*Run it again to resume/),
    'a dropped connection is an unavailable AppError naming the file and saying how to resume',
  );
  const repoDir = join(cacheDir, REPO_FOLDER);
  const blobs = join(repoDir, 'blobs');
  const incomplete = readdirSync(blobs).filter((f) => f.endsWith('.incomplete'));
  assert.equal(incomplete.length, 1, `the partial file stays for resuming (blobs: ${readdirSync(blobs).join(', ')})`);
  assert.equal(readdirSync(blobs).length, 1, 'no finished blob was written');
  const partial = statSync(join(blobs, incomplete[0]!)).size;
  assert.ok(partial > 0 && partial <= cutAt, `kept ${partial} bytes, at most the ${cutAt} sent`);
  const snapshots = join(repoDir, 'snapshots');
  assert.ok(
    !existsSync(snapshots) || readdirSync(snapshots).every((c) => !existsSync(join(snapshots, c, ...ONNX_FILE.split('/')))),
    'nothing linked into snapshots/',
  );

  const mark = hub.requestLog.length;
  const { snapshotDir } = await downloadRepoFiles(TINY_WHISPER_REPO, [ONNX_FILE], { endpoint: hub.url, cacheDir });
  const ranged = fileContentRequests(hub, mark).filter((r) => r.range !== undefined);
  assert.ok(ranged.some((r) => r.range === `bytes=${partial}-` && r.status === 206), `the retry resumed at ${partial} (ranges: ${ranged.map((r) => r.range).join(', ')})`);
  assert.deepEqual(readFileSync(join(snapshotDir, ...ONNX_FILE.split('/'))), sourceBytes(ONNX_FILE), 'the retried file has the right bytes');
  assert.deepEqual(readdirSync(blobs).filter((f) => f.endsWith('.incomplete')), [], 'the .incomplete is gone after the retry');
});

test('corrupted bytes fail the checksum and leave nothing behind', async () => {
  for (const file of [ONNX_FILE, 'config.json']) {
    const cacheDir = tempCache();
    const badHub = await startHub({ corrupt: (_repo, path) => path === file });
    await assert.rejects(
      downloadRepoFiles(TINY_WHISPER_REPO, [file], { endpoint: badHub.url, cacheDir }),
      isAppError('bad_input', new RegExp(`checksum mismatch for ${file}.*expected (sha256|git blob sha1)`)),
    );
    const repoDir = join(cacheDir, REPO_FOLDER);
    assert.deepEqual(readdirSync(join(repoDir, 'blobs')), [], `${file}: no blob and no .incomplete`);
    const snapshots = join(repoDir, 'snapshots');
    assert.ok(!existsSync(snapshots) || readdirSync(snapshots).every((c) => readdirSync(join(snapshots, c)).length === 0), 'nothing in snapshots');
  }
});

test('offline mode answers from the cache and fails clearly when not cached', async () => {
  const cacheDir = tempCache();
  await assert.rejects(
    downloadRepoFiles(TINY_WHISPER_REPO, FILES, { endpoint: hub.url, cacheDir, offline: true }),
    isAppError('unavailable', /offline and not cached/),
  );
  await assert.rejects(fetchRepoInfo(TINY_WHISPER_REPO, 'main', { endpoint: hub.url, cacheDir, offline: true }), isAppError('unavailable', /offline and not cached/));

  const online = await downloadRepoFiles(TINY_WHISPER_REPO, ['config.json'], { endpoint: hub.url, cacheDir });
  const mark = hub.requestLog.length;
  const offline = await downloadRepoFiles(TINY_WHISPER_REPO, ['config.json'], { endpoint: hub.url, cacheDir, offline: true });
  assert.deepEqual(offline, online);
  assert.deepEqual(await fetchRepoInfo(TINY_WHISPER_REPO, 'main', { endpoint: hub.url, cacheDir, offline: true }), {
    commit: online.commit,
    files: ['config.json'],
  });
  await assert.rejects(
    downloadRepoFiles(TINY_WHISPER_REPO, [ONNX_FILE], { endpoint: hub.url, cacheDir, offline: true }),
    isAppError('unavailable', /encoder_model\.onnx.*offline and not cached/),
  );
  assert.equal(hub.requestLog.length, mark, 'offline means no requests');
});

test('an unreachable hub falls back to a complete cache, else says it cannot connect', async () => {
  const cacheDir = tempCache();
  const online = await downloadRepoFiles(TINY_WHISPER_REPO, ['config.json'], { endpoint: hub.url, cacheDir });
  const gone = await startHub({});
  const deadEndpoint = gone.url;
  await gone.close();
  assert.deepEqual(await downloadRepoFiles(TINY_WHISPER_REPO, ['config.json'], { endpoint: deadEndpoint, cacheDir }), online);
  await assert.rejects(
    downloadRepoFiles(TINY_WHISPER_REPO, FILES, { endpoint: deadEndpoint, cacheDir }),
    isAppError('unavailable', /Cannot reach the model hub/),
  );
});

test('progress events: initiate, monotonic progress ending at total, one done per file, then ready', async () => {
  const cacheDir = tempCache();
  const slowHub = await startHub({ throttleBytesPerSec: 4_000_000 });
  const events: DownloadProgress[] = [];
  await downloadRepoFiles(TINY_WHISPER_REPO, FILES, { endpoint: slowHub.url, cacheDir, onProgress: (p) => events.push(p) });
  for (const file of FILES) {
    const own = events.filter((e): e is Exclude<DownloadProgress, { status: 'ready' }> => e.status !== 'ready' && e.file === file);
    assert.equal(own[0]?.status, 'initiate', `${file} starts with initiate`);
    assert.equal(own.filter((e) => e.status === 'done').length, 1, `${file} has one done`);
    assert.equal(own.at(-1)?.status, 'done', `${file} ends with done`);
    let last = -1;
    for (const e of own) {
      if (e.status === 'initiate') continue;
      assert.ok(e.loaded >= last, `${file}: loaded never decreases (${e.loaded} after ${last})`);
      assert.ok(e.loaded <= e.total, `${file}: loaded within total`);
      last = e.loaded;
    }
    const done = own.at(-1)!;
    assert.ok(done.status === 'done' && done.loaded === done.total && done.total === sourceBytes(file).length, `${file}: done at the full size`);
  }
  const progress = events.filter((e) => e.status === 'progress' && e.file === ONNX_FILE);
  assert.ok(progress.length >= 2, `several progress events for the model file (${progress.length})`);
  const lastProgress = progress.at(-1)!;
  assert.ok(lastProgress.status === 'progress' && lastProgress.progress === 100, 'the last progress event says 100%');
  const ready = events.at(-1);
  assert.equal(ready?.status, 'ready');
  assert.equal(events.filter((e) => e.status === 'ready').length, 1);
});

test('hub errors become clear AppErrors', async () => {
  const cacheDir = tempCache();
  const options = { endpoint: hub.url, cacheDir };
  await assert.rejects(fetchRepoInfo('nobody/missing-model', 'main', options), isAppError('not_found', /nobody\/missing-model was not found/));
  await assert.rejects(fetchRepoInfo(TINY_WHISPER_REPO, 'v9', options), isAppError('not_found', /Revision "v9" does not exist/));
  await assert.rejects(downloadRepoFiles(TINY_WHISPER_REPO, ['missing.bin'], options), isAppError('not_found', /missing\.bin is not in/));
  await assert.rejects(downloadRepoFiles('not a repo', ['config.json'], options), isAppError('bad_input', /not a Hugging Face repo id/));
  await assert.rejects(downloadRepoFiles(TINY_WHISPER_REPO, ['../../escape'], options), isAppError('bad_input', /not a valid file path/));
  const aborted = new AbortController();
  aborted.abort();
  await assert.rejects(downloadRepoFiles(TINY_WHISPER_REPO, FILES, { ...options, signal: aborted.signal }), (e: unknown) => e instanceof CancelledError);
});

test('HF_TOKEN is sent as a Bearer token', async () => {
  const privateHub = await startHub({ requiredToken: 'hf_secret' });
  const cacheDir = tempCache();
  await assert.rejects(fetchRepoInfo(TINY_WHISPER_REPO, 'main', { endpoint: privateHub.url, cacheDir }), isAppError('unavailable', /refused access.*set HF_TOKEN/));
  const { snapshotDir } = await downloadRepoFiles(TINY_WHISPER_REPO, FILES, { endpoint: privateHub.url, cacheDir, token: 'hf_secret' });
  assert.ok(existsSync(join(snapshotDir, 'onnx', 'encoder_model.onnx')));
  assert.ok(privateHub.requestLog.filter((r) => r.status !== 401).every((r) => r.authorization === 'Bearer hf_secret'), 'every request carried the token');
});

test('resolveHubOptions follows huggingface_hub environment variables', () => {
  const home = '/home/someone';
  const env = { HOME: home };
  const defaults = resolveHubOptions({}, env);
  assert.equal(defaults.endpoint, 'https://huggingface.co');
  assert.equal(defaults.offline, false);
  assert.ok(defaults.cacheDir.endsWith(join('.cache', 'huggingface', 'hub')));

  assert.deepEqual(resolveHubOptions({}, { HF_HOME: '/data/hf', HF_ENDPOINT: 'http://mirror.local/', HF_HUB_OFFLINE: '1', HF_TOKEN: 'hf_x' }), {
    endpoint: 'http://mirror.local',
    cacheDir: join('/data/hf', 'hub'),
    offline: true,
    token: 'hf_x',
  });
  assert.equal(resolveHubOptions({}, { HF_HOME: '/data/hf', HF_HUB_CACHE: '/fast/hub' }).cacheDir, '/fast/hub');
  assert.equal(resolveHubOptions({}, { XDG_CACHE_HOME: '/xdg' }).cacheDir, join('/xdg', 'huggingface', 'hub'));
  assert.equal(resolveHubOptions({}, { HF_HUB_OFFLINE: '0' }).offline, false);
  assert.equal(resolveHubOptions({ offline: false, cacheDir: '/x' }, { HF_HUB_OFFLINE: 'true' }).offline, false);
  assert.equal(resolveHubOptions({ cacheDir: '/x' }, { HF_HUB_OFFLINE: 'true' }).cacheDir, '/x');
});
