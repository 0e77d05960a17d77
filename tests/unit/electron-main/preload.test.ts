import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import vm from 'node:vm';
import ts from 'typescript';
import {
  ENGINE_PORT_IPC_CHANNEL,
  ENGINE_STATE_IPC_CHANNEL,
  PRELOAD_MESSAGE_SOURCE,
} from '../../../electron/common/shell-protocol.js';

const PRELOAD_SOURCE = readFileSync(new URL('../../../electron/preload/preload.cts', import.meta.url), 'utf8');

function literal(name: string): string | undefined {
  return new RegExp(`const ${name} = '([^']*)';`).exec(PRELOAD_SOURCE)?.[1];
}

interface Posted {
  message: unknown;
  targetOrigin: string;
  transfer: readonly unknown[] | undefined;
}

/** Runs the compiled preload the way Electron's sandbox does: a function of require/exports/module. */
function loadPreload(origin = 'app://renderer') {
  const { outputText } = ts.transpileModule(PRELOAD_SOURCE, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    fileName: 'preload.cts',
  });
  const ipcRenderer = new EventEmitter();
  const required: string[] = [];
  const posted: Posted[] = [];
  const window = {
    location: { origin },
    postMessage(message: unknown, targetOrigin: string, transfer?: readonly unknown[]) {
      // Messages built inside the vm have that realm's prototypes; compare plain copies.
      posted.push({ message: JSON.parse(JSON.stringify(message)), targetOrigin, transfer });
    },
  };
  const sandboxRequire = (id: string): unknown => {
    required.push(id);
    if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
    return { ipcRenderer };
  };
  const module = { exports: {} };
  // Inside the context, globalThis is the fake window.
  const context = vm.createContext(window);
  vm.runInContext(`(function (require, exports, module) {\n${outputText}\n})`, context)(sandboxRequire, module.exports, module);
  return { ipcRenderer, required, posted };
}

describe('preload', () => {
  it('duplicates the shell-protocol constants exactly', () => {
    assert.equal(literal('ENGINE_PORT_IPC_CHANNEL'), ENGINE_PORT_IPC_CHANNEL);
    assert.equal(literal('ENGINE_STATE_IPC_CHANNEL'), ENGINE_STATE_IPC_CHANNEL);
    assert.equal(literal('PRELOAD_MESSAGE_SOURCE'), PRELOAD_MESSAGE_SOURCE);
  });

  it('requires only electron at run time and exposes no API', () => {
    const { required } = loadPreload();
    assert.deepEqual(required, ['electron']);
    assert.doesNotMatch(PRELOAD_SOURCE, /contextBridge|exposeInMainWorld/);
    assert.doesNotMatch(PRELOAD_SOURCE, /^import (?!electron = require\('electron'\)|type )/m);
  });

  it('forwards the engine port to the page, to its own origin', () => {
    const { ipcRenderer, posted } = loadPreload();
    const port = { fake: 'port' };
    ipcRenderer.emit(ENGINE_PORT_IPC_CHANNEL, { ports: [port] });
    assert.equal(posted.length, 1);
    assert.deepEqual(posted[0]!.message, { source: PRELOAD_MESSAGE_SOURCE, type: 'engine-port' });
    assert.equal(posted[0]!.targetOrigin, 'app://renderer');
    assert.deepEqual(posted[0]!.transfer, [port]);
  });

  it('forwards engine state updates, tagged and flattened', () => {
    const { ipcRenderer, posted } = loadPreload();
    ipcRenderer.emit(ENGINE_STATE_IPC_CHANNEL, {}, { state: 'restarting', restarts: 2, reason: 'oom (exit code 133)' });
    ipcRenderer.emit(ENGINE_STATE_IPC_CHANNEL, {}, { state: 'ready', restarts: 2 });
    ipcRenderer.emit(ENGINE_STATE_IPC_CHANNEL, {}, 'garbage');
    assert.deepEqual(
      posted.map((p) => p.message),
      [
        { source: PRELOAD_MESSAGE_SOURCE, type: 'engine-state', state: 'restarting', restarts: 2, reason: 'oom (exit code 133)' },
        { source: PRELOAD_MESSAGE_SOURCE, type: 'engine-state', state: 'ready', restarts: 2 },
      ],
    );
    assert.equal(posted[0]!.transfer, undefined);
  });

  it("posts to '*' only where the page's origin is opaque", () => {
    const { ipcRenderer, posted } = loadPreload('null');
    ipcRenderer.emit(ENGINE_STATE_IPC_CHANNEL, {}, { state: 'ready', restarts: 0 });
    assert.equal(posted[0]!.targetOrigin, '*');
  });
});
