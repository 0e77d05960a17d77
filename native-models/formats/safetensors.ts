/**
 * safetensors, written and read here (the format is small: an 8-byte little-endian header length,
 * a JSON header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}},
 * then the raw little-endian tensor bytes). The npm packages that exist are browser-oriented
 * readers; activation shards need a streaming writer that never holds a second copy of the data.
 *
 * Writer rules from the spec (huggingface/safetensors): offsets are relative to the byte after the
 * header, tensors are contiguous and in header order, the header is padded with spaces to a
 * multiple of 8 so the data is aligned.
 */
import { closeSync, fsyncSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { endianness } from 'node:os';
import { AppError } from '../../electron/common/errors.js';

export type SafetensorsDtype = 'F16' | 'F32';

export interface TensorToWrite {
  name: string;
  dtype: SafetensorsDtype;
  shape: readonly number[];
  /** Raw little-endian bytes of exactly prod(shape) * itemsize. */
  bytes: Uint8Array;
}

export interface TensorInfo {
  dtype: SafetensorsDtype;
  shape: number[];
  /** Absolute byte range in the file. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  tensors: Map<string, TensorInfo>;
  metadata: Record<string, string>;
}

const ITEM_SIZE: Record<SafetensorsDtype, number> = { F16: 2, F32: 4 };
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

if (endianness() !== 'LE') throw new Error('safetensors: this module assumes a little-endian machine');

/**
 * Writes the file atomically: into `${path}.partial`, fsynced, then renamed. A crash leaves either
 * the complete file or a `.partial` that readers never see.
 */
export function writeSafetensors(path: string, tensors: readonly TensorToWrite[], metadata: Record<string, string> = {}): number {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  let offset = 0;
  for (const t of tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.bytes.byteLength !== count * ITEM_SIZE[t.dtype]) {
      throw new AppError('internal', `safetensors: ${t.name} has ${t.bytes.byteLength} bytes, shape [${t.shape}] ${t.dtype} needs ${count * ITEM_SIZE[t.dtype]}`);
    }
    if (t.name === '__metadata__' || Object.hasOwn(header, t.name)) throw new AppError('internal', `safetensors: duplicate or reserved tensor name ${t.name}`);
    header[t.name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + t.bytes.byteLength] };
    offset += t.bytes.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(headerBytes.length));

  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  try {
    writeAll(fd, prefix);
    writeAll(fd, headerBytes);
    for (const t of tensors) writeAll(fd, t.bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
  return 8 + headerBytes.length + offset;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.byteLength) written += writeSync(fd, bytes, written, bytes.byteLength - written);
}

/** Reads and validates the header only. */
export function readSafetensorsHeader(path: string): SafetensorsHeader {
  const fd = openSync(path, 'r');
  try {
    const prefix = Buffer.alloc(8);
    if (readSync(fd, prefix, 0, 8, 0) !== 8) throw corrupt(path, 'shorter than 8 bytes');
    const length = Number(prefix.readBigUInt64LE());
    if (length > MAX_HEADER_BYTES) throw corrupt(path, `header length ${length} is implausible`);
    const json = Buffer.alloc(length);
    if (readSync(fd, json, 0, length, 8) !== length) throw corrupt(path, 'truncated header');
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(json.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw corrupt(path, 'the header is not JSON');
    }
    const tensors = new Map<string, TensorInfo>();
    let metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(raw)) {
      if (name === '__metadata__') {
        metadata = value as Record<string, string>;
        continue;
      }
      const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      if ((v.dtype !== 'F16' && v.dtype !== 'F32') || !Array.isArray(v.shape) || !Array.isArray(v.data_offsets)) throw corrupt(path, `bad entry for ${name}`);
      const [begin, end] = v.data_offsets as number[];
      const count = (v.shape as number[]).reduce((a, b) => a * b, 1);
      if (end! - begin! !== count * ITEM_SIZE[v.dtype]) throw corrupt(path, `${name}'s byte range does not match its shape`);
      tensors.set(name, { dtype: v.dtype, shape: v.shape as number[], begin: 8 + length + begin!, end: 8 + length + end! });
    }
    return { tensors, metadata };
  } finally {
    closeSync(fd);
  }
}

/** Reads one tensor as float32 (F16 is widened), optionally only rows [rowStart, rowEnd) of dim 0. */
export async function readSafetensorsTensor(path: string, name: string, rows?: { start: number; end: number }): Promise<{ shape: number[]; data: Float32Array }> {
  const header = readSafetensorsHeader(path);
  const info = header.tensors.get(name);
  if (!info) throw new AppError('not_found', `${path} has no tensor ${name}.`);
  const rowValues = info.shape.slice(1).reduce((a, b) => a * b, 1);
  const start = rows?.start ?? 0;
  const end = rows?.end ?? info.shape[0]!;
  if (start < 0 || end > info.shape[0]! || start > end) throw new AppError('bad_input', `Rows ${start}..${end} are outside ${name} [${info.shape}].`);
  const item = ITEM_SIZE[info.dtype];
  const bytes = Buffer.alloc((end - start) * rowValues * item);
  const handle = await open(path, 'r');
  try {
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, info.begin + start * rowValues * item);
    if (bytesRead !== bytes.length) throw corrupt(path, `${name} is truncated`);
  } finally {
    await handle.close();
  }
  const data = info.dtype === 'F32' ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4).slice() : float16ToFloat32(new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2));
  return { shape: [end - start, ...info.shape.slice(1)], data };
}

function corrupt(path: string, why: string): AppError {
  return new AppError('bad_input', `${path} is not a valid safetensors file: ${why}.`);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half from float, round to nearest even; overflow to ±Inf, NaN kept. */
export function float32ToFloat16(values: Float32Array, out = new Uint16Array(values.length)): Uint16Array {
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i]!;
    const x = u32[0]!;
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    let mantissa = x & 0x7fffff;
    if (exponent === 0xff) {
      out[i] = sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
      continue;
    }
    const e = exponent - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
      continue;
    }
    if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mantissa |= 0x800000;
      const shift = 14 - e;
      let half = mantissa >>> shift;
      const rest = mantissa & ((1 << shift) - 1);
      const halfway = 1 << (shift - 1);
      if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++;
      out[i] = sign | half;
      continue;
    }
    let half = (e << 10) | (mantissa >>> 13);
    const rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++; // may carry into the exponent: still correct
    out[i] = sign | half;
  }
  return out;
}

export function float16ToFloat32(values: Uint16Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const h = values[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >>> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) out[i] = sign * mantissa * 2 ** -24;
    else if (exponent === 0x1f) out[i] = mantissa === 0 ? sign * Infinity : NaN;
    else out[i] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return out;
}
