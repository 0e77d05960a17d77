import { join } from 'node:path';
import { generateFixtureRepos, TINY_WHISPER_REPO } from '../../native-models/fixtures/generate-fixtures.js';
import { startFixtureHub, type FixtureHub } from '../../native-models/fixtures/fixture-hub-server.js';
import { makeTempDir } from './temp-dir.js';

export interface TestHub {
  hub: FixtureHub;
  endpoint: string;
  /** An empty HF cache for this test. */
  cacheDir: string;
  repoId: string;
  close(): Promise<void>;
}

/**
 * The generated fixture repos served like the Hugging Face hub, with a fresh cache.
 * `whisperDecoder`: the fixture Whisper also has its decoder, tokenizer and generation config.
 */
export async function startTestHub(options: { whisperDecoder?: boolean } = {}): Promise<TestHub> {
  const dir = makeTempDir('audiosae-hub-');
  const root = join(dir.path, 'repos');
  await generateFixtureRepos(root, { whisperDecoder: options.whisperDecoder === true });
  const hub = await startFixtureHub({ root });
  return {
    hub,
    endpoint: hub.url,
    cacheDir: join(dir.path, 'hf-cache'),
    repoId: TINY_WHISPER_REPO,
    async close() {
      await hub.close();
      dir.cleanup();
    },
  };
}
