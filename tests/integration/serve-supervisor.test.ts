/**
 * `audiosae serve` as a user runs it: the supervisor forks the engine server; kill -9 of
 * the engine costs a reconnect, never data. A job running at the kill is `interrupted`
 * afterwards, writes nothing half-done, and resuming it finishes it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { generateToken } from '../../electron/engine/server/auth.js';
import { ServeSupervisor, type SupervisorEvent } from '../../electron/engine/serve/supervisor.js';
import { connectWebSocket } from '../../electron/engine/transports/websocket-client.js';
import { waitForJob } from '../helpers/jobs.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { encodeWav, tone, writeWavFolder } from '../helpers/wav-folder.js';

describe('serve supervisor', () => {
  const dir = makeTempDir();
  const token = generateToken();
  const events: SupervisorEvent[] = [];
  let supervisor: ServeSupervisor;
  let port = 0;

  function nextListening(): Promise<Extract<SupervisorEvent, { type: 'listening' }>> {
    return new Promise((resolve) => {
      const listener = supervisor.onEvent((event) => {
        if (event.type === 'listening') {
          listener.dispose();
          resolve(event);
        }
      });
    });
  }

  async function connect(): Promise<RpcClient> {
    return new RpcClient(await connectWebSocket(`ws://127.0.0.1:${port}/rpc?token=${token}`));
  }

  before(async () => {
    supervisor = new ServeSupervisor({
      dataDir: join(dir.path, 'data'),
      port: 0,
      token,
      staticDir: join(dir.path, 'renderer'),
      restartPolicy: { baseDelayMs: 50 },
    });
    supervisor.onEvent((e) => events.push(e));
    const listening = nextListening();
    supervisor.start();
    port = (await listening).port;
  });

  after(async () => {
    await supervisor.stop();
    dir.cleanup();
  });

  test('binds only to loopback and refuses requests without the token', async () => {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz?token=${token}`);
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Strict/);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 401);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz?token=wrong`)).status, 401);
    // A DNS-rebinding page reaches loopback with its own Host header (fetch cannot forge Host, http.get can).
    const rebound = await new Promise<number>((resolve, reject) =>
      get({ host: '127.0.0.1', port, path: `/healthz?token=${token}`, headers: { host: `evil.example:${port}` } }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      }).on('error', reject),
    );
    assert.equal(rebound, 403);
    await assert.rejects(connectWebSocket(`ws://127.0.0.1:${port}/rpc`), /401/);
    await assert.rejects(connectWebSocket(`ws://127.0.0.1:${port}/rpc?token=nope`), /401/);
    await assert.rejects(
      connectWebSocket(`ws://127.0.0.1:${port}/rpc?token=${token}`, { Origin: 'http://evil.example' }),
      /403/,
    );
    // The renderer is not built in this test's static dir: a clear 503, not a crash.
    const page = await fetch(`http://127.0.0.1:${port}/?token=${token}`);
    assert.equal(page.status, 503);
    assert.match(await page.text(), /npm run build/);
  });

  test('kill -9 of the engine: it restarts on the same port and the data is still there', async () => {
    const audio = join(dir.path, 'audio');
    mkdirSync(audio);
    writeWavFolder(audio);
    let client = await connect();
    const { jobId } = await client.call('datasets.importFolder', { name: 'kept', folder: audio });
    assert.equal((await waitForJob(client, jobId)).status, 'succeeded');
    const info = await client.call('engine.info', {});
    assert.equal(info.restarts, 0);

    const closed = new Promise<void>((resolve) => client.onConnectionChange((up) => !up && resolve()));
    const restarted = nextListening();
    process.kill(info.pid, 'SIGKILL');
    await closed;
    const listening = await restarted;
    assert.equal(listening.port, port);
    assert.notEqual(listening.pid, info.pid);
    assert.ok(events.some((e) => e.type === 'exited' && e.signal === 'SIGKILL' && e.willRestart));

    client = await connect();
    const infoAfter = await client.call('engine.info', {});
    assert.equal(infoAfter.restarts, 1);
    const datasets = await client.call('datasets.list', {});
    assert.deepEqual(datasets.map((d) => [d.name, d.clipCount]), [['kept', 5]]);
    client.dispose();
  });

  test('a job killed mid-run is interrupted, wrote nothing, and resumes to completion', async () => {
    const big = join(dir.path, 'big');
    mkdirSync(big);
    const FILES = 1500;
    const clip = encodeWav([tone(220, 0.5, 16000)], 16000);
    for (let i = 0; i < FILES; i++) writeFileSync(join(big, `clip-${String(i).padStart(4, '0')}.wav`), clip);

    let client = await connect();
    const { pid } = await client.call('engine.info', {});
    const datasetsBefore = await client.call('datasets.list', {});
    const progressed = new Promise<void>((resolve) =>
      client.onEvent((e) => {
        if (e.type === 'job' && e.job.status === 'running') resolve();
      }),
    );
    const { jobId } = await client.call('datasets.importFolder', { name: 'big', folder: big });
    await progressed;
    const restarted = nextListening();
    process.kill(pid, 'SIGKILL');
    await restarted;

    client = await connect();
    const job = await client.call('jobs.get', { jobId });
    assert.equal(job.status, 'interrupted');
    assert.deepEqual(await client.call('datasets.list', {}), datasetsBefore, 'nothing half-written');

    const { jobId: resumedId } = await client.call('jobs.resume', { jobId });
    const resumed = await waitForJob(client, resumedId);
    assert.equal(resumed.status, 'succeeded');
    const datasets = await client.call('datasets.list', {});
    assert.equal(datasets.find((d) => d.name === 'big')?.clipCount, FILES);
    client.dispose();
  });
});
