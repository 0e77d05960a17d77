import { generateFixtureRepos } from '../../../native-models/fixtures/generate-fixtures.js';
import { startFixtureHub } from '../../../native-models/fixtures/fixture-hub-server.js';

/** Generates the fixture repos and serves them like the Hugging Face hub until Ctrl-C. */
export async function runFixtureHub(options: { port: number; dir: string }): Promise<void> {
  const repos = await generateFixtureRepos(options.dir);
  const hub = await startFixtureHub({ root: options.dir, port: options.port });
  process.stdout.write(
    `Fixture hub serving ${repos.join(', ')} at ${hub.url}\nUse it with: HF_ENDPOINT=${hub.url} npx audiosae serve\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await hub.close();
}
