import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gitBlobSha1, startFixtureHub, type FixtureHub } from '../../../native-models/fixtures/fixture-hub-server.js';
import { TINY_HUBERT_LARGE_REPO, TINY_HUBERT_REPO, TINY_WHISPER_REPO, generateFixtureRepos } from '../../../native-models/fixtures/generate-fixtures.js';

let root: string;
let hub: FixtureHub;
before(async () => {
  root = mkdtempSync(join(tmpdir(), 'fixture-hub-'));
  assert.deepEqual(await generateFixtureRepos(root), [TINY_WHISPER_REPO, TINY_HUBERT_REPO, TINY_HUBERT_LARGE_REPO]);
  hub = await startFixtureHub({ root });
});
after(async () => {
  await hub.close();
  rmSync(root, { recursive: true, force: true });
});

const source = (file: string) => readFileSync(join(root, ...TINY_WHISPER_REPO.split('/'), ...file.split('/')));

test('binds to loopback and serves the revision API', async () => {
  assert.match(hub.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const response = await fetch(`${hub.url}/api/models/${TINY_WHISPER_REPO}/revision/main`);
  assert.equal(response.status, 200);
  const info = (await response.json()) as { sha: string; siblings: Array<{ rfilename: string }> };
  assert.match(info.sha, /^[0-9a-f]{40}$/);
  assert.deepEqual(info.siblings.map((s) => s.rfilename), ['config.json', 'onnx/encoder_model.onnx', 'preprocessor_config.json']);
  const byCommit = await fetch(`${hub.url}/api/models/${TINY_WHISPER_REPO}/revision/${info.sha}`);
  assert.equal(((await byCommit.json()) as { sha: string }).sha, info.sha);
});

test('the commit is stable when the fixtures are generated again', async () => {
  const other = mkdtempSync(join(tmpdir(), 'fixture-hub-'));
  const otherHub = await startFixtureHub({ root: other });
  try {
    await generateFixtureRepos(other);
    const sha = async (url: string) => ((await (await fetch(`${url}/api/models/${TINY_WHISPER_REPO}`)).json()) as { sha: string }).sha;
    assert.equal(await sha(otherHub.url), await sha(hub.url));
  } finally {
    await otherHub.close();
    rmSync(other, { recursive: true, force: true });
  }
});

test('small files carry their git blob sha1; model files are LFS: sha256 and a redirect', async () => {
  const config = await fetch(`${hub.url}/${TINY_WHISPER_REPO}/resolve/main/config.json`, { method: 'HEAD' });
  assert.equal(config.status, 200);
  assert.equal(config.headers.get('etag'), `"${gitBlobSha1(source('config.json'))}"`);
  assert.match(config.headers.get('x-repo-commit') ?? '', /^[0-9a-f]{40}$/);
  assert.equal(config.headers.get('x-linked-etag'), null);

  const onnxUrl = `${hub.url}/${TINY_WHISPER_REPO}/resolve/main/onnx/encoder_model.onnx`;
  const head = await fetch(onnxUrl, { method: 'HEAD', redirect: 'manual' });
  assert.equal(head.status, 302);
  const sha256 = createHash('sha256').update(source('onnx/encoder_model.onnx')).digest('hex');
  assert.equal(head.headers.get('x-linked-etag'), `"${sha256}"`);
  assert.equal(head.headers.get('x-linked-size'), String(source('onnx/encoder_model.onnx').length));
  const body = Buffer.from(await (await fetch(onnxUrl)).arrayBuffer());
  assert.deepEqual(body, source('onnx/encoder_model.onnx'));
});

test('ranges get 206 with Content-Range, impossible ranges 416', async () => {
  const url = `${hub.url}/${TINY_WHISPER_REPO}/resolve/main/config.json`;
  const bytes = source('config.json');
  const partial = await fetch(url, { headers: { Range: 'bytes=10-' } });
  assert.equal(partial.status, 206);
  assert.equal(partial.headers.get('content-range'), `bytes 10-${bytes.length - 1}/${bytes.length}`);
  assert.deepEqual(Buffer.from(await partial.arrayBuffer()), bytes.subarray(10));
  const beyond = await fetch(url, { headers: { Range: `bytes=${bytes.length}-` } });
  assert.equal(beyond.status, 416);
});

test('missing repos, revisions and files answer 404 with the Hub error codes', async () => {
  const codes = async (path: string) => {
    const response = await fetch(`${hub.url}${path}`);
    return [response.status, response.headers.get('x-error-code')];
  };
  assert.deepEqual(await codes('/api/models/nobody/nothing/revision/main'), [404, 'RepoNotFound']);
  assert.deepEqual(await codes(`/api/models/${TINY_WHISPER_REPO}/revision/v2`), [404, 'RevisionNotFound']);
  assert.deepEqual(await codes(`/${TINY_WHISPER_REPO}/resolve/main/nope.txt`), [404, 'EntryNotFound']);
  assert.deepEqual(await codes(`/${TINY_WHISPER_REPO}/resolve/main/..%2F..%2Fetc%2Fpasswd`), [404, 'EntryNotFound']);
  assert.ok(hub.requestLog.some((r) => r.status === 404), 'the request log records statuses');
});
