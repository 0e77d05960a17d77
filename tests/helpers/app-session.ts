/**
 * The e2e set-up shared by the browser tests: (optionally) the fixture hub, `audiosae serve`, a
 * headless Chromium on the app's page once the engine shows "Connected", the console errors
 * collected, and one `close()` that tears it all down.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from './chromium.js';
import { startTestHub, type TestHub } from './fixture-hub.js';
import { startServe, type ServeProcess } from './serve-process.js';
import { makeTempDir } from './temp-dir.js';
import { writeWavFolder } from './wav-folder.js';

/** Where the e2e tests write their screenshots (created when a page opens). */
export const E2E_OUTPUT_DIR = join(import.meta.dirname, '..', '..', 'test-results', 'e2e');

export interface BrowserPageOptions {
  viewport?: { width: number; height: number };
  /** Runs on the new page before it navigates (e.g. to route the RPC WebSocket). */
  beforeGoto?: (page: Page) => Promise<void>;
  /** Added to CHROMIUM_ARGS (e.g. the fake microphone flags). */
  extraChromiumArgs?: string[];
}

export interface BrowserSession {
  browser: Browser;
  page: Page;
  /** Console errors and uncaught page errors, in order. */
  consoleErrors: string[];
  close(): Promise<void>;
}

/** Launches Chromium, opens `url` and waits until the engine status reads "Connected". */
export async function openBrowserPage(url: string, options: BrowserPageOptions = {}): Promise<BrowserSession> {
  mkdirSync(E2E_OUTPUT_DIR, { recursive: true });
  const browser = await chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS, ...(options.extraChromiumArgs ?? [])] });
  const consoleErrors: string[] = [];
  try {
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 900 } });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await options.beforeGoto?.(page);
    await page.goto(url);
    await page.getByTestId('engine-status').filter({ hasText: 'Connected' }).waitFor();
    return { browser, page, consoleErrors, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

export interface AppSessionOptions extends BrowserPageOptions {
  /** The serve data directory; created by the engine. */
  dataDir: string;
  /** Starts the fixture hub and points the engine at it (HF_ENDPOINT, a fresh HF_HUB_CACHE). */
  withHub?: boolean;
  /** With `withHub`: also serve the Whisper fixture's decoder and tokenizer. */
  whisperDecoder?: boolean;
}

export interface AppSession extends BrowserSession {
  serve: ServeProcess;
  hub: TestHub | undefined;
}

/** An app session started `withHub: true`. */
export type HubAppSession = AppSession & { hub: TestHub };

/** `audiosae serve` (with the fixture hub when asked) and a Chromium page on it. */
export async function openAppSession(options: AppSessionOptions & { withHub: true }): Promise<HubAppSession>;
export async function openAppSession(options: AppSessionOptions): Promise<AppSession>;
export async function openAppSession(options: AppSessionOptions): Promise<AppSession> {
  let hub: TestHub | undefined;
  let serve: ServeProcess | undefined;
  try {
    if (options.withHub) hub = await startTestHub({ whisperDecoder: options.whisperDecoder });
    const env: Record<string, string> = hub ? { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: hub.cacheDir } : {};
    serve = await startServe(options.dataDir, env);
    const browserSession = await openBrowserPage(serve.url, options);
    const started = serve;
    return {
      ...browserSession,
      serve: started,
      hub,
      async close() {
        await browserSession.close();
        await started.stop();
        await hub?.close();
      },
    };
  } catch (error) {
    await serve?.stop();
    await hub?.close();
    throw error;
  }
}


/** Console errors other than the expected reconnect noise (engine restarts, refused sockets). */
export function unexpectedConsoleErrors(consoleErrors: readonly string[]): string[] {
  return consoleErrors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e));
}

export interface WavFolderAppSession {
  /** The generated WAV folder (tests/helpers/wav-folder.ts), ready to import. */
  readonly audio: string;
  readonly hub: TestHub;
  readonly page: Page;
  readonly consoleErrors: string[];
}

/**
 * For a describe block: before() writes a WAV folder and opens `audiosae serve` with the fixture
 * hub and a Chromium page; after() closes it all and removes the temp folder.
 */
export function useWavFolderAppSession(prefix: string, viewport: { width: number; height: number }): WavFolderAppSession {
  const dir = makeTempDir(prefix);
  const audio = join(dir.path, 'wavs');
  let session: HubAppSession | undefined;
  before(async () => {
    mkdirSync(audio);
    writeWavFolder(audio);
    session = await openAppSession({ dataDir: join(dir.path, 'data'), withHub: true, viewport });
  });
  after(async () => {
    await session?.close();
    dir.cleanup();
  });
  const live = (): HubAppSession => {
    if (!session) throw new Error('The app session is not open (its before() hook failed).');
    return session;
  };
  return {
    audio,
    get hub() {
      return live().hub;
    },
    get page() {
      return live().page;
    },
    get consoleErrors() {
      return live().consoleErrors;
    },
  };
}
