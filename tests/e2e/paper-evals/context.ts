/**
 * The shared set-up of the paper-evaluation e2e checks (tests/e2e/paper-evals.e2e.test.ts runs
 * each kind's check in one app session): `audiosae serve` on the fixture hub, a Chromium page, an
 * RPC client on the same engine, and the labelled tone/noise/chirp dataset with its layer-1 run and
 * an analysed SAE (tests/helpers/analysed-sae.ts).
 */
import { join } from 'node:path';
import { RpcClient } from '../../../electron/common/rpc-client.js';
import { connectWebSocket } from '../../../electron/engine/transports/websocket-client.js';
import { prepareAnalysedSae, type AnalysedSae } from '../../helpers/analysed-sae.js';
import { openAppSession, type HubAppSession } from '../../helpers/app-session.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

export interface PaperEvalsE2eContext {
  session: HubAppSession;
  client: RpcClient;
  prepared: AnalysedSae;
  /** A scratch folder for files a check writes (alignments, EEG). */
  workDir: string;
}

export interface OpenedPaperEvalsSession {
  context: PaperEvalsE2eContext;
  close(): Promise<void>;
}

export async function openPaperEvalsSession(prefix = 'audiosae-e2e-paper-evals-'): Promise<OpenedPaperEvalsSession> {
  const dir = makeTempDir(prefix);
  const session = await openAppSession({ dataDir: join(dir.path, 'data'), withHub: true, viewport: { width: 1360, height: 1000 } });
  const url = new URL(session.serve.url);
  const client = new RpcClient(await connectWebSocket(`ws://127.0.0.1:${url.port}/rpc?token=${url.searchParams.get('token')}`));
  const prepared = await prepareAnalysedSae(client, { repoId: session.hub.repoId, workDir: dir.path });
  await session.page.getByTestId('nav-evaluations').click();
  await session.page.getByTestId('paper-evals').waitFor();
  return {
    context: { session, client, prepared, workDir: dir.path },
    async close() {
      client.dispose();
      await session.close();
      dir.cleanup();
    },
  };
}
