/**
 * A small pickle reader for the subset `torch.save` emits (protocol 2, plus the protocol 4 framing
 * opcodes). It never imports or runs Python code: every GLOBAL goes through `findClass`, which
 * maps a few known names to plain functions and refuses the rest, and persistent ids go through
 * `persistentLoad`.
 *
 * Values: None -> null, bool, int -> number (bigint only beyond 2^53), float -> number,
 * str -> string, bytes -> Uint8Array, list and tuple -> array, dict -> Map.
 */
import { AppError } from '../../electron/common/errors.js';

/** A Python callable as the reader sees it: a GLOBAL resolved by `findClass`, applied by REDUCE. */
export type PickleCallable = (args: unknown[]) => unknown;

export interface PickleOptions {
  /** Resolves `module.name` (GLOBAL / STACK_GLOBAL); throws for anything not allowed. */
  findClass(module: string, name: string): PickleCallable | object;
  /** Resolves a BINPERSID id (torch.save: ('storage', type, key, location, numel)). */
  persistentLoad(pid: unknown): unknown;
  /** Names the file in error messages. */
  source: string;
}

const MARK = Symbol('mark');

export function unpickle(bytes: Uint8Array, options: PickleOptions): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;

  const fail = (what: string): never => {
    throw new AppError('bad_input', `${options.source} is not a PyTorch state_dict this app can read: ${what} (byte ${pos}).`);
  };
  const need = (n: number): void => {
    if (pos + n > bytes.length) fail('the pickle ends early');
  };
  const u8 = (): number => {
    need(1);
    return bytes[pos++]!;
  };
  const u16 = (): number => {
    need(2);
    const v = view.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = (): number => {
    need(4);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const take = (n: number): Uint8Array => {
    need(n);
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('a GLOBAL name is not terminated');
    const text = decoder.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  const pop = (): unknown => {
    if (stack.length === 0) fail('the stack is empty');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) fail('the stack is empty');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail('no MARK on the stack');
    const items = stack.splice(at);
    items.shift();
    return items;
  };
  const setItems = (dict: unknown, items: unknown[]): void => {
    if (!(dict instanceof Map)) fail('SETITEM on something that is not a dict');
    for (let i = 0; i + 1 < items.length; i += 2) (dict as Map<unknown, unknown>).set(items[i], items[i + 1]);
  };
  const appendItems = (list: unknown, items: unknown[]): void => {
    if (!Array.isArray(list)) fail('APPEND on something that is not a list');
    (list as unknown[]).push(...items);
  };
  const signedLittleEndian = (raw: Uint8Array): number | bigint => {
    let value = 0n;
    for (let i = raw.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(raw[i]!);
    if (raw.length > 0 && raw[raw.length - 1]! & 0x80) value -= 1n << BigInt(raw.length * 8);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  };
  const resolve = (module: string, name: string): unknown => options.findClass(module, name);

  for (;;) {
    const opcode = u8();
    switch (opcode) {
      case 0x80: // PROTO
        if (u8() > 5) fail('pickle protocol newer than 5');
        break;
      case 0x95: // FRAME (protocol 4): an 8-byte length we do not need
        take(8);
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        need(4);
        stack.push(view.getInt32(pos, true));
        pos += 4;
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(signedLittleEndian(take(u8())));
        break;
      case 0x8b: // LONG4
        stack.push(signedLittleEndian(take(u32())));
        break;
      case 0x47: // BINFLOAT (big-endian double)
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x58: // BINUNICODE
        stack.push(decoder.decode(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(decoder.decode(take(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()).slice());
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x64: // DICT
        {
          const dict = new Map();
          setItems(dict, popMark());
          stack.push(dict);
        }
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: // TUPLE2
        {
          const b = pop();
          stack.push([pop(), b]);
        }
        break;
      case 0x87: // TUPLE3
        {
          const c = pop();
          const b = pop();
          stack.push([pop(), b, c]);
        }
        break;
      case 0x61: // APPEND
        {
          const item = pop();
          appendItems(top(), [item]);
        }
        break;
      case 0x65: // APPENDS
        {
          const items = popMark();
          appendItems(top(), items);
        }
        break;
      case 0x73: // SETITEM
        {
          const value = pop();
          const key = pop();
          setItems(top(), [key, value]);
        }
        break;
      case 0x75: // SETITEMS
        {
          const items = popMark();
          setItems(top(), items);
        }
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const key = opcode === 0x68 ? u8() : u32();
        if (!memo.has(key)) fail(`memo entry ${key} is missing`);
        stack.push(memo.get(key));
        break;
      }
      case 0x63: {
        // GLOBAL
        const module = line();
        stack.push(resolve(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(resolve(module as string, name as string));
        break;
      }
      case 0x51: // BINPERSID
        stack.push(options.persistentLoad(pop()));
        break;
      case 0x52: {
        // REDUCE
        const args = pop();
        const callable = pop();
        if (typeof callable !== 'function' || !Array.isArray(args)) fail('REDUCE on something that is not a known callable');
        stack.push((callable as PickleCallable)(args as unknown[]));
        break;
      }
      case 0x62: {
        // BUILD: state set on an object. torch.save's only use is OrderedDict's `_metadata` (module
        // versions), which a state_dict reader does not need.
        pop();
        if (!(top() instanceof Map)) fail('BUILD on something that is not a dict');
        break;
      }
      default:
        fail(`pickle opcode 0x${opcode.toString(16).padStart(2, '0')} is not supported`);
    }
  }
}
