/**
 * Messages on every transport (MessagePort, WebSocket, in-process) and the codec
 * that carries binary payloads through JSON-only transports.
 */
import type { EngineEvent } from './contract.js';
import type { RpcErrorShape } from './errors.js';
import type { Disposable, Event } from './lifecycle.js';

export type WireMessage =
  | { t: 'req'; id: number; method: string; params: unknown }
  | { t: 'cancel'; id: number }
  | { t: 'res'; id: number; ok: true; result: unknown }
  | { t: 'res'; id: number; ok: false; error: RpcErrorShape }
  | { t: 'evt'; event: EngineEvent };

/** One end of a connection. Transports adapt their native object to this. */
export interface Channel extends Disposable {
  send(message: WireMessage): void;
  readonly onMessage: Event<WireMessage>;
  readonly onClose: Event<void>;
}

const BYTES_KEY = '$bytes';

/** JSON with Uint8Array kept: encoded as {"$bytes": base64}. */
export function encodeWire(message: WireMessage): string {
  return JSON.stringify(message, (_key, value: unknown) =>
    value instanceof Uint8Array ? { [BYTES_KEY]: bytesToBase64(value) } : value,
  );
}

export function decodeWire(text: string): WireMessage {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      const encoded = record[BYTES_KEY];
      if (typeof encoded === 'string' && Object.keys(record).length === 1) return base64ToBytes(encoded);
    }
    return value;
  }) as WireMessage;
}

export function isWireMessage(value: unknown): value is WireMessage {
  if (!value || typeof value !== 'object') return false;
  const t = (value as { t?: unknown }).t;
  return t === 'req' || t === 'cancel' || t === 'res' || t === 'evt';
}

// atob/btoa exist in browsers and in Node >= 16, so this module needs neither Buffer nor DOM types.
function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
