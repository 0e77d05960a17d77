/** Runs `audiosae serve` (the built CLI, exactly as a user would) and reads the URL it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface ServeProcess {
  url: string;
  port: number;
  enginePid(): number;
  output(): string;
  /** Resolves with the new engine pid once the supervisor reports a restart. */
  waitForRestart(): Promise<number>;
  stop(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '..', '..');

export async function startServe(dataDir: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin', 'audiosae.js'), 'serve', '--data-dir', dataDir], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let pid = 0;
  const restartWaiters: ((pid: number) => void)[] = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const match of chunk.toString().matchAll(/Engine (?:pid (\d+)|restarted \(pid (\d+))/g)) {
      pid = Number(match[1] ?? match[2]);
      if (match[2]) restartWaiters.splice(0).forEach((resolve) => resolve(pid));
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 30 s:\n${output}`)), 30_000);
    child.stdout!.on('data', () => {
      const match = /serving on (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before printing a URL:\n${output}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    enginePid: () => pid,
    output: () => output,
    waitForRestart: () => new Promise((resolve) => restartWaiters.push(resolve)),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
