/**
 * Malformed RPC payloads, generated from the contract's zod schemas (zod 4 introspection):
 * for each method a base payload (valid where the generator can make one), then payloads that
 * break it one way each (not an object, unknown or prototype-polluting keys, a missing field,
 * the wrong type, NaN / negative / huge / float ids, strings past their limit, NUL bytes in
 * paths) plus seeded random garbage. Deterministic for a given seed.
 */
import type { SeededRandom } from '../../native-models/common/seeded-random.js';

/** The slice of a zod 4 schema this generator reads. */
interface ZodLike {
  readonly _zod: { readonly def: ZodDef };
  readonly minValue?: number | null;
  readonly maxValue?: number | null;
  readonly isInt?: boolean;
  readonly minLength?: number | null;
  readonly maxLength?: number | null;
  safeParse(value: unknown): { success: boolean };
}

interface ZodDef {
  readonly type: string;
  readonly shape?: Record<string, ZodLike>;
  readonly catchall?: ZodLike;
  readonly innerType?: ZodLike;
  readonly element?: ZodLike;
  readonly options?: readonly ZodLike[];
  readonly entries?: Record<string, string>;
  readonly values?: readonly unknown[];
  readonly in?: ZodLike;
  readonly checks?: readonly { _zod: { def: { check: string; minimum?: number; maximum?: number } } }[];
}

export interface MalformedPayload {
  /** What is wrong with it, e.g. `jobId: NaN`. */
  readonly label: string;
  readonly params: unknown;
}

export function asZod(schema: unknown): ZodLike {
  return schema as ZodLike;
}

function def(schema: ZodLike): ZodDef {
  return schema._zod.def;
}

/** Optional, default and nullable wrappers peeled off. */
export function unwrap(schema: ZodLike): ZodLike {
  let s = schema;
  while (['optional', 'default', 'nullable', 'prefault', 'readonly', 'catch'].includes(def(s).type) && def(s).innerType) {
    s = def(s).innerType!;
  }
  return s;
}

function isOmittable(schema: ZodLike): boolean {
  return ['optional', 'default', 'prefault'].includes(def(schema).type);
}

function isNullable(schema: ZodLike): boolean {
  let s = schema;
  for (;;) {
    if (def(s).type === 'nullable') return true;
    if (!def(s).innerType) return false;
    s = def(s).innerType!;
  }
}

/** The object schemas a params schema accepts (one, or each option of a union). */
export function objectVariants(schema: ZodLike): ZodLike[] {
  const s = unwrap(schema);
  if (def(s).type === 'object') return [s];
  if (def(s).type === 'union') return def(s).options!.flatMap(objectVariants);
  if (def(s).type === 'pipe') return objectVariants(def(s).in!);
  return [];
}

export function isStrictObject(schema: ZodLike): boolean {
  const catchall = def(schema).catchall;
  return def(schema).type === 'object' && catchall !== undefined && def(catchall).type === 'never';
}

function arrayLimit(schema: ZodLike, check: 'min_length' | 'max_length'): number | undefined {
  const found = def(schema).checks?.find((c) => c._zod.def.check === check)?._zod.def;
  return check === 'min_length' ? found?.minimum : found?.maximum;
}

const PATH_KEY = /path|folder|dir/i;

/** A value the schema should accept (best effort: refinements across fields are not solved). */
export function sample(schema: ZodLike, key = ''): unknown {
  const d = def(schema);
  switch (d.type) {
    case 'optional':
    case 'default':
    case 'nullable':
    case 'prefault':
    case 'readonly':
      return sample(d.innerType!, key);
    case 'pipe':
      return sample(d.in!, key);
    case 'number': {
      let v = 1;
      const min = schema.minValue;
      const max = schema.maxValue;
      if (typeof min === 'number' && Number.isFinite(min) && v < min) v = schema.isInt ? Math.ceil(min) : min;
      if (typeof max === 'number' && v > max) v = max;
      return v;
    }
    case 'string':
      if (PATH_KEY.test(key)) return '/nonexistent/audiosae-security/x';
      if (key === 'repoId') return 'owner/name';
      if (key === 'revision') return 'main';
      return 'a'.repeat(Math.max(1, schema.minLength ?? 1));
    case 'boolean':
      return false;
    case 'enum':
      return Object.values(d.entries!)[0];
    case 'literal':
      return d.values![0];
    case 'array':
      return Array.from({ length: Math.max(1, arrayLimit(schema, 'min_length') ?? 1) }, () => sample(d.element!, key));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [name, field] of Object.entries(d.shape!)) if (!isOmittable(field)) out[name] = sample(field, name);
      return out;
    }
    case 'union':
      return sample(d.options![0]!, key);
    case 'custom':
      return new Uint8Array(4);
    default:
      return null;
  }
}

/** Values of the wrong kind (or out of range) for a field of this schema. */
export function wrongValues(field: ZodLike, key: string): { label: string; value: unknown }[] {
  const s = unwrap(field);
  const d = def(s);
  const out: { label: string; value: unknown }[] = [];
  const add = (label: string, value: unknown) => out.push({ label, value });
  if (!isNullable(field)) add('null', null);
  switch (d.type) {
    case 'number': {
      add('string', '1');
      add('boolean', true);
      add('object', {});
      add('array', [1]);
      add('NaN', Number.NaN);
      add('Infinity', Number.POSITIVE_INFINITY);
      add('-Infinity', Number.NEGATIVE_INFINITY);
      if (s.isInt || (typeof s.maxValue === 'number' && Number.isFinite(s.maxValue))) add('1e308', 1e308);
      if (s.isInt) {
        add('float 1.5', 1.5);
        add('2^53 + 2', 2 ** 53 + 2);
      }
      const min = s.minValue;
      if (typeof min === 'number' && Number.isFinite(min)) {
        add(`below min (${min - 1})`, min - 1);
        add('-1e9', -1e9);
      }
      const max = s.maxValue;
      if (typeof max === 'number' && Number.isFinite(max) && max < 1e300) add(`above max (${max * 2 + 1})`, max * 2 + 1);
      break;
    }
    case 'string': {
      add('number', 1);
      add('boolean', true);
      add('object', {});
      add('array', ['a']);
      const max = s.maxLength;
      if (typeof max === 'number' && max <= 1_000_000) add(`overlong (${max + 1} chars)`, 'x'.repeat(max + 1));
      if ((s.minLength ?? 0) >= 1) add('empty', '');
      if (PATH_KEY.test(key)) {
        add('NUL byte in path', '/tmp/audiosae-security/a\u0000b.wav');
        add('NUL byte only', '\u0000');
      }
      break;
    }
    case 'boolean':
      add('string', 'true');
      add('number', 1);
      add('object', {});
      break;
    case 'enum':
    case 'literal':
      add('unknown option', 'not-an-option\u0000');
      add('number', 1);
      add('object', {});
      add('array', []);
      break;
    case 'array': {
      add('string', 'x');
      add('object', {});
      add('number', 1);
      const element = sample(d.element!, key);
      const badElement = typeof element === 'string' ? 1 : 'x';
      add('wrong element type', [badElement]);
      const max = arrayLimit(s, 'max_length');
      if (typeof max === 'number' && max <= 100_000) add(`too long (${max + 1} items)`, Array.from({ length: max + 1 }, () => element));
      if ((arrayLimit(s, 'min_length') ?? 0) >= 1) add('empty', []);
      break;
    }
    case 'object':
      add('string', 'x');
      add('array', []);
      add('number', 1);
      if (isStrictObject(s)) add('unknown nested key', { ...(sample(s) as object), unexpected: 1 });
      break;
    case 'union':
      add('boolean', true);
      add('object with unknown key', { unexpected: 1 });
      add('number string', '1');
      break;
    case 'custom':
      add('string', 'x');
      add('array of numbers', [0, 0, 0, 0]);
      add('object', { 0: 0, 1: 0, 2: 0, 3: 0, length: 4 });
      break;
    default:
      add('symbol-like string', '@@not-a-value');
  }
  return out;
}

/** Own keys JSON.parse would make: `__proto__` as a data property, as a JSON client sends it. */
function withOwnKey(base: unknown, key: string, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

function randomJson(random: SeededRandom, depth: number): unknown {
  const r = random.uniform();
  if (depth <= 0 || r < 0.45) {
    const kinds = [
      () => null,
      () => Math.floor(random.uniform() * 2e9) - 1e9,
      () => random.uniform() * 1e6 - 5e5,
      () => Number.NaN,
      () => random.uniform() < 0.5,
      () => 'x'.repeat(Math.floor(random.uniform() * 40)),
      () => '../'.repeat(1 + Math.floor(random.uniform() * 6)) + 'etc/passwd',
      () => '\u0000\uffff\ud800',
    ];
    return kinds[Math.floor(random.uniform() * kinds.length)]!();
  }
  if (r < 0.7) return Array.from({ length: Math.floor(random.uniform() * 4) }, () => randomJson(random, depth - 1));
  const out: Record<string, unknown> = {};
  const keys = ['id', 'jobId', 'path', 'folder', 'kind', 'name', 'x', 'constructor', 'prototype', '__proto__', 'valueOf'];
  for (let i = 0, n = 1 + Math.floor(random.uniform() * 4); i < n; i++) {
    const key = keys[Math.floor(random.uniform() * keys.length)]!;
    Object.defineProperty(out, key, { value: randomJson(random, depth - 1), enumerable: true, configurable: true, writable: true });
  }
  return out;
}

/** Every malformed payload for one method's params schema. `randomCount` seeded garbage values are added. */
export function malformedPayloads(schema: ZodLike, random: SeededRandom, randomCount: number): MalformedPayload[] {
  const payloads: MalformedPayload[] = [];
  const add = (label: string, params: unknown) => payloads.push({ label, params });

  add('null', null);
  add('number 0', 0);
  add('number -1', -1);
  add('NaN', Number.NaN);
  add('string', 'engine.info');
  add('boolean', true);
  add('empty array', []);
  add('array of an object', [{}]);

  const variants = objectVariants(schema);
  const base = sample(variants[0] ?? schema);
  if (base !== null && typeof base === 'object' && !Array.isArray(base)) {
    add('array of the base payload', [base]);
    add('unknown key', { ...base, unexpectedKey: 1 });
    add('__proto__ key', withOwnKey(base, '__proto__', { polluted: 'yes', isAdmin: true }));
    add('constructor.prototype key', withOwnKey(base, 'constructor', { prototype: { polluted: 'yes' } }));
    add('prototype key', withOwnKey(base, 'prototype', { polluted: 'yes' }));
    add('toString key', withOwnKey(base, 'toString', 'x'));
    add('hasOwnProperty key', withOwnKey(base, 'hasOwnProperty', 1));
  }
  // Each field of each accepted object shape (every option of a union such as evals.start), one at a time.
  for (const [index, variant] of variants.entries()) {
    const variantBase = sample(variant) as Record<string, unknown>;
    const prefix = variants.length > 1 ? `option ${index} ` : '';
    for (const [key, field] of Object.entries(def(variant).shape ?? {})) {
      if (!isOmittable(field)) {
        const copy: Record<string, unknown> = { ...variantBase };
        delete copy[key];
        add(`${prefix}${key}: missing`, copy);
      }
      for (const { label, value } of wrongValues(field, key)) add(`${prefix}${key}: ${label}`, { ...variantBase, [key]: value });
      // One level down: each field of a nested object (labels.set's patch, clips.list's label, ...).
      for (const nested of objectVariants(field)) {
        const nestedBase = sample(nested) as Record<string, unknown>;
        for (const [inner, innerField] of Object.entries(def(nested).shape ?? {})) {
          for (const { label, value } of wrongValues(innerField, inner)) {
            add(`${prefix}${key}.${inner}: ${label}`, { ...variantBase, [key]: { ...nestedBase, [inner]: value } });
          }
        }
      }
    }
  }
  for (let i = 0; i < randomCount; i++) {
    const value = randomJson(random, 3);
    const params = value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...(base as object), ...value } : value;
    add(`seeded random #${i}`, params);
  }
  return payloads;
}
