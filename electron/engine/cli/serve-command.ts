import { generateToken } from '../server/auth.js';
import { ServeSupervisor } from '../serve/supervisor.js';

export interface ServeCommandOptions {
  dataDir: string;
  port: number;
  staticDir: string;
}

/** Runs the supervisor until Ctrl-C; prints the URL once, and each engine restart. */
export async function runServe(options: ServeCommandOptions): Promise<void> {
  const supervisor = new ServeSupervisor({ ...options, token: generateToken() });
  let announced = false;
  await new Promise<void>((resolve) => {
    supervisor.onEvent((event) => {
      if (event.type === 'listening') {
        if (!announced) {
          announced = true;
          process.stdout.write(
            `AudioSAE Lab is serving on ${event.url}\nOpen that URL in a browser (it carries the access token).\nData: ${options.dataDir}\nEngine pid ${event.pid}. Press Ctrl-C to stop.\n`,
          );
        } else {
          process.stdout.write(`Engine restarted (pid ${event.pid}, restart ${event.restarts}).\n`);
        }
      } else if (event.type === 'exited' && event.willRestart) {
        process.stdout.write(`Engine stopped (${event.signal ?? `exit code ${event.code}`}); restarting…\n`);
      } else if (event.type === 'gave-up') {
        process.stderr.write(`The engine could not be kept running: ${event.reason}\n`);
        process.exitCode = 1;
        resolve();
      }
    });
    const stop = () => void supervisor.stop().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    supervisor.start();
  });
}
