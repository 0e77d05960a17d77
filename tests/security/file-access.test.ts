/**
 * Security suite, file access: the engine reads only files inside the folders the user picked.
 * - Dataset import: a symlink to a file outside the folder (relative or absolute), a symlink
 *   loop, a symlinked folder leading out, and a generic-layout CSV naming `../../outside.wav` or
 *   an absolute path: nothing outside is imported, and each refused entry is in the import
 *   report with its reason. A symlink to a file inside the folder still imports.
 * - clips.audio / clips.peaks serve registered clips only (ids, no path).
 * - The static HTTP server of `audiosae serve` refuses `..`, encoded `%2e%2e`, absolute paths,
 *   NUL bytes and symlinks out of the renderer folder.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CONTENT_SECURITY_POLICY } from '../../electron/common/csp.js';
import { RpcClient } from '../../electron/common/rpc-client.js';
import type { ImportFolderResult } from '../../electron/engine/datasets/import-folder-job.js';
import { Engine } from '../../electron/engine/engine.js';
import { startHttpServer, type RunningServer } from '../../electron/engine/server/http-server.js';
import { TOKEN_COOKIE } from '../../electron/engine/server/auth.js';
import { createInProcessChannelPair } from '../../electron/engine/transports/in-process-channel.js';
import { waitForJob } from '../helpers/jobs.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { encodeWav, tone } from '../helpers/wav-folder.js';

const TOKEN = 'security-files-token-0123456789';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('security: file access stays inside the folders the user picked', () => {
  const dir = makeTempDir('audiosae-security-files-');
  let engine: Engine;
  let client: RpcClient;

  before(() => {
    engine = Engine.open({ dataDir: join(dir.path, 'data') });
    const [clientEnd, engineEnd] = createInProcessChannelPair();
    engine.connect(engineEnd);
    client = new RpcClient(clientEnd);
  });

  after(async () => {
    client.dispose();
    await engine.close();
    dir.cleanup();
  });

  test('dataset import: symlinks out, symlink loops, folder links and CSV paths out of the folder are refused and reported', async () => {
    const root = join(dir.path, 'import');
    const picked = join(root, 'picked');
    const outsideDir = join(root, 'outside-dir');
    mkdirSync(join(picked, 'sub'), { recursive: true });
    mkdirSync(outsideDir);
    // Outside the picked folder: distinct audio whose hash must never show up in the store.
    const outsideWav = encodeWav([tone(1234, 0.3, 16000)], 16000);
    writeFileSync(join(root, 'outside.wav'), outsideWav);
    writeFileSync(join(outsideDir, 'hidden.wav'), encodeWav([tone(2345, 0.3, 16000)], 16000));
    const outsideHashes = new Set([sha256(outsideWav), sha256(readFileSync(join(outsideDir, 'hidden.wav')))]);
    // Inside.
    writeFileSync(join(picked, 'good.wav'), encodeWav([tone(440, 0.3, 16000)], 16000));
    writeFileSync(join(picked, 'sub', 'deep.wav'), encodeWav([tone(660, 0.3, 16000)], 16000));
    symlinkSync('good.wav', join(picked, 'inner-link.wav')); // a link that stays inside: fine
    // Ways out.
    symlinkSync('../outside.wav', join(picked, 'escape-relative.wav'));
    symlinkSync(join(root, 'outside.wav'), join(picked, 'escape-absolute.wav'));
    symlinkSync('../../outside.wav', join(picked, 'sub', 'escape-deep.wav'));
    symlinkSync('inner-link-out.wav', join(picked, 'chain.wav')); // inside link -> inside link -> outside
    symlinkSync('../outside.wav', join(picked, 'inner-link-out.wav'));
    symlinkSync('loop-b.wav', join(picked, 'loop-a.wav'));
    symlinkSync('loop-a.wav', join(picked, 'loop-b.wav'));
    symlinkSync('../outside-dir', join(picked, 'linked-folder')); // folder links are not followed
    writeFileSync(
      join(picked, 'labels.csv'),
      [
        'path,label',
        'good.wav,inside',
        '../../outside.wav,evil',
        '../outside.wav,evil',
        `${join(root, 'outside.wav')},evil`,
        'sub/../../outside.wav,evil',
        '..\\outside.wav,evil',
        'C:\\Windows\\win.ini,evil',
      ].join('\n'),
    );

    const { jobId } = await client.call('datasets.importFolder', { name: 'escape attempts', folder: picked, layout: 'generic' });
    const job = await waitForJob(client, jobId);
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    const result = job.result as ImportFolderResult;

    const { clips } = await client.call('clips.list', { datasetId: result.datasetId, limit: 1000 });
    const realPicked = realpathSync(picked);
    assert.deepEqual(clips.map((c) => c.relativePath).sort(), ['good.wav', 'inner-link.wav', 'sub/deep.wav']);
    for (const clip of clips) {
      assert.ok(realpathSync(clip.path).startsWith(`${realPicked}/`), `${clip.path} lies inside the picked folder`);
      assert.equal(outsideHashes.has(clip.sha256), false, `${clip.relativePath} has the bytes of a file outside`);
    }

    const report = await client.call('datasets.importReport', { datasetId: result.datasetId });
    const reasons = new Map(report.failures.map((f) => [f.path, f.reason]));
    const refusedLinks = ['escape-relative.wav', 'escape-absolute.wav', 'sub/escape-deep.wav', 'chain.wav', 'inner-link-out.wav'];
    for (const name of refusedLinks) {
      assert.match(reasons.get(join(picked, name)) ?? 'missing', /outside the chosen folder/, `${name} refused with a reason`);
    }
    for (const name of ['loop-a.wav', 'loop-b.wav']) assert.match(reasons.get(join(picked, name)) ?? 'missing', /Symlink loop/, name);
    const csvRefusals = report.failures.filter((f) => /labels\.csv names a file outside the imported folder/.test(f.reason));
    assert.equal(csvRefusals.length, 6, `CSV rows refused: ${JSON.stringify(csvRefusals, null, 1)}`);
    assert.ok(csvRefusals.some((f) => f.reason.includes('"../../outside.wav"')));
    assert.ok(csvRefusals.some((f) => f.reason.includes(`"${join(root, 'outside.wav')}"`)));
    assert.equal(report.failures.length, refusedLinks.length + 2 + csvRefusals.length, 'nothing else failed');
    assert.equal(engine.store.integrityCheck(), 'ok');
    console.log(
      `security: dataset import refused ${refusedLinks.length} symlinks out of the folder, 2 symlink loops, ` +
        `${csvRefusals.length} CSV paths out of the folder and 1 folder link (not followed); ` +
        `0 files from outside imported, ${clips.length} inside files imported`,
    );
  });

  test('clips.audio reads registered clips only: ids, never a caller path', async () => {
    for (const params of [
      { clipId: 1, path: '/etc/passwd' },
      { clipId: 1, file: '../../outside.wav' },
      { path: '/etc/passwd' },
      { clipId: '/etc/passwd' },
      { clipId: '1/../../etc/passwd' },
    ]) {
      await assert.rejects(
        client.call('clips.audio', params as never),
        (e: { code?: string }) => e.code === 'invalid_params',
        JSON.stringify(params),
      );
    }
    await assert.rejects(client.call('clips.audio', { clipId: 987_654_321 }), (e: { code?: string }) => e.code === 'not_found');
  });

  describe('static HTTP server of server mode', () => {
    let server: RunningServer;
    let staticDir: string;
    const secret = 'TOP-SECRET-OUTSIDE-THE-RENDERER';

    before(async () => {
      const base = join(dir.path, 'serve');
      staticDir = join(base, 'renderer');
      mkdirSync(join(staticDir, 'assets'), { recursive: true });
      mkdirSync(join(base, 'private'));
      writeFileSync(join(base, 'secret.txt'), secret);
      writeFileSync(join(base, 'private', 'key.txt'), secret);
      writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>AudioSAE</title>');
      writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
      symlinkSync('../secret.txt', join(staticDir, 'leak.txt'));
      symlinkSync(join(base, 'secret.txt'), join(staticDir, 'assets', 'leak-absolute.js'));
      symlinkSync('../private', join(staticDir, 'private-link'));
      symlinkSync('app.js', join(staticDir, 'assets', 'inner-link.js')); // stays inside: served
      server = await startHttpServer({ engine, token: TOKEN, staticDir, port: 0 });
    });

    after(async () => {
      await server.close();
    });

    /** A raw GET: the path goes on the wire exactly as given (fetch would normalise `..`). */
    function get(path: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
      return new Promise((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: server.port,
            path,
            headers: { host: `127.0.0.1:${server.port}`, cookie: `${TOKEN_COOKIE}=${TOKEN}` },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    }

    test('serves the renderer (and links inside it) with the CSP', async () => {
      for (const path of ['/', '/index.html', '/assets/app.js', '/assets/inner-link.js']) {
        const res = await get(path);
        assert.equal(res.status, 200, path);
        assert.equal(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY, path);
      }
    });

    test('refuses .., encoded .., absolute paths, NUL bytes and symlinks out of the renderer folder', async () => {
      const attempts = [
        '/../secret.txt',
        '/../../../../../../etc/passwd',
        '/assets/../../secret.txt',
        '/%2e%2e/secret.txt',
        '/%2E%2E/%2E%2E/secret.txt',
        '/%2e%2e%2fsecret.txt',
        '/..%2fsecret.txt',
        '/assets%2f..%2f..%2fsecret.txt',
        '/%252e%252e/secret.txt',
        '/..%5csecret.txt',
        '/..\\secret.txt',
        '//etc/passwd',
        '/%2fetc%2fpasswd',
        `/${join(dir.path, 'serve', 'secret.txt')}`,
        `/%2f${encodeURIComponent(join(dir.path, 'serve', 'secret.txt'))}`,
        '/etc/passwd',
        '/index.html%00.js',
        '/%00',
        '/leak.txt',
        '/assets/leak-absolute.js',
        '/private-link/key.txt',
        '/private-link/%2e%2e/secret.txt',
        '/%c0%ae%c0%ae/secret.txt',
        '/%ff',
        'http://127.0.0.1/../secret.txt',
        '//[',
        '//evil.example:99999/secret.txt',
      ];
      const served: string[] = [];
      for (const path of attempts) {
        const res = await get(path);
        if (res.status < 400 || res.status >= 500 || res.body.includes(secret) || res.body.includes('root:')) served.push(`${path} -> ${res.status}`);
        else assert.equal(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY, `${path}: refusals carry the CSP too`);
      }
      assert.deepEqual(served, [], 'paths served, or answered with a server error instead of a refusal');
      console.log(`security: static server refused ${attempts.length} traversal / absolute / NUL / symlink / malformed paths with 4xx, 0 served, 0 server errors`);
    });
  });
});
