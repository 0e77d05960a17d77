/**
 * Reads a PyTorch `torch.save` file holding a state_dict (a flat dict of name -> tensor), without
 * Python. The file is a zip: `<archive>/data.pkl` (the pickled dict, tensors as
 * `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)` with the
 * storage a persistent id `('storage', torch.FloatStorage, key, location, numel)`), and each
 * storage's raw little-endian bytes in `<archive>/data/<key>`. Only the globals such a file needs
 * are resolved; anything else (a pickled module, custom classes) is refused, never run.
 * The legacy (pre-1.6, non-zip) format is refused with a note to re-save it.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { AppError } from '../../electron/common/errors.js';
import { unpickle, type PickleCallable } from './pickle.js';

export type TorchDtype = 'float32' | 'float16' | 'bfloat16' | 'float64' | 'int32' | 'int64' | 'int16' | 'int8' | 'uint8';

export interface TorchTensor {
  dtype: TorchDtype;
  shape: number[];
  /** The values, row-major (contiguous), widened/narrowed to float32. */
  data: Float32Array;
}

const STORAGE_DTYPES: Record<string, { dtype: TorchDtype; itemSize: number }> = {
  FloatStorage: { dtype: 'float32', itemSize: 4 },
  HalfStorage: { dtype: 'float16', itemSize: 2 },
  BFloat16Storage: { dtype: 'bfloat16', itemSize: 2 },
  DoubleStorage: { dtype: 'float64', itemSize: 8 },
  IntStorage: { dtype: 'int32', itemSize: 4 },
  LongStorage: { dtype: 'int64', itemSize: 8 },
  ShortStorage: { dtype: 'int16', itemSize: 2 },
  CharStorage: { dtype: 'int8', itemSize: 1 },
  ByteStorage: { dtype: 'uint8', itemSize: 1 },
};

class StorageType {
  constructor(readonly name: string) {}
}

interface StorageRef {
  key: string;
  dtype: TorchDtype;
  itemSize: number;
  numel: number;
}

class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

const isIntList = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => Number.isSafeInteger(x) && (x as number) >= 0);

function globals(source: string): (module: string, name: string) => PickleCallable | object {
  const refuse = (what: string): never => {
    throw new AppError('bad_input', `${source}: ${what}. Only plain state_dicts of tensors can be read; re-save it with torch.save(model.state_dict(), path).`);
  };
  const rebuildTensor: PickleCallable = (args) => {
    const [storage, offset, size, stride] = args;
    if (!(typeof storage === 'object' && storage !== null && 'key' in storage) || !Number.isSafeInteger(offset) || !isIntList(size) || !isIntList(stride) || size.length !== stride.length) {
      return refuse('a tensor record is malformed');
    }
    return new TensorRef(storage as StorageRef, offset as number, size, stride);
  };
  return (module, name) => {
    const full = `${module}.${name}`;
    if (full === 'collections.OrderedDict') return () => new Map();
    if (full === 'torch._utils._rebuild_tensor_v2') return rebuildTensor;
    if (full === 'torch._utils._rebuild_parameter') return (args: unknown[]) => args[0];
    if (module === 'torch' && name in STORAGE_DTYPES) return new StorageType(name);
    return refuse(`it references the Python object ${full}, which is not part of a plain state_dict`);
  };
}

function persistentLoad(source: string): (pid: unknown) => StorageRef {
  return (pid) => {
    if (!Array.isArray(pid) || pid[0] !== 'storage' || !(pid[1] instanceof StorageType) || typeof pid[2] !== 'string' || !Number.isSafeInteger(pid[4])) {
      throw new AppError('bad_input', `${source}: a persistent id is not a torch storage record.`);
    }
    const { dtype, itemSize } = STORAGE_DTYPES[pid[1].name]!;
    return { key: pid[2], dtype, itemSize, numel: pid[4] as number };
  };
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Element `i` of a storage, as a number. */
function elementReader(bytes: Uint8Array, dtype: TorchDtype): (i: number) => number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'float32':
      return (i) => view.getFloat32(i * 4, true);
    case 'float16':
      return (i) => halfToFloat(view.getUint16(i * 2, true));
    case 'bfloat16':
      return (i) => {
        scratch.setUint32(0, view.getUint16(i * 2, true) << 16, true);
        return scratch.getFloat32(0, true);
      };
    case 'float64':
      return (i) => view.getFloat64(i * 8, true);
    case 'int32':
      return (i) => view.getInt32(i * 4, true);
    case 'int64':
      return (i) => Number(view.getBigInt64(i * 8, true));
    case 'int16':
      return (i) => view.getInt16(i * 2, true);
    case 'int8':
      return (i) => view.getInt8(i);
    case 'uint8':
      return (i) => view.getUint8(i);
  }
}
const scratch = new DataView(new ArrayBuffer(4));

/** Gathers a (possibly strided, offset) view of a storage into a contiguous array. */
function materialize(ref: TensorRef, bytes: Uint8Array, source: string, name: string): TorchTensor {
  const { storage, offset, shape, stride } = ref;
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > 0) {
    const last = offset + shape.reduce((sum, n, d) => sum + (n - 1) * stride[d]!, 0);
    if (last >= storage.numel || bytes.length < storage.numel * storage.itemSize) {
      throw new AppError('bad_input', `${source}: tensor '${name}' reaches past the end of its storage (truncated file?).`);
    }
  }
  const read = elementReader(bytes, storage.dtype);
  const data = new Float32Array(count);
  const index = new Array<number>(shape.length).fill(0);
  let at = offset;
  for (let i = 0; i < count; i++) {
    data[i] = read(at);
    // Odometer over the shape, moving `at` by the strides.
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]!++;
      at += stride[d]!;
      if (index[d]! < shape[d]!) break;
      at -= stride[d]! * shape[d]!;
      index[d] = 0;
    }
  }
  return { dtype: storage.dtype, shape: [...shape], data };
}

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, zip) => (error ? reject(error) : resolve(zip)));
  });
}

function listEntries(zip: ZipFile): Promise<Map<string, Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Entry>();
    zip.on('entry', (entry: Entry) => {
      entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', reject);
    zip.readEntry();
  });
}

function readEntry(zip: ZipFile, entry: Entry): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.once('error', reject);
      stream.once('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

function startsWithZipMagic(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    return head.readUInt32LE(0) === 0x04034b50;
  } finally {
    closeSync(fd);
  }
}

/** The state_dict in a `torch.save` file: tensor name -> tensor. Non-tensor entries are returned in `other`. */
export async function readTorchStateDict(path: string): Promise<{ tensors: Map<string, TorchTensor>; other: Map<string, unknown> }> {
  if (!startsWithZipMagic(path)) {
    throw new AppError('bad_input', `${path} is not a PyTorch zip checkpoint (saved before PyTorch 1.6 or not a torch.save file); re-save it with a recent torch.save.`);
  }
  let zip: ZipFile;
  try {
    zip = await openZip(path);
  } catch (error) {
    throw new AppError('bad_input', `${path} is not a readable PyTorch checkpoint: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const entries = await listEntries(zip);
    const pickleName = [...entries.keys()].find((n) => /^[^/]+\/data\.pkl$/.test(n));
    if (pickleName === undefined) throw new AppError('bad_input', `${path} holds no data.pkl: it is a zip file but not a torch.save checkpoint.`);
    const prefix = pickleName.slice(0, -'data.pkl'.length);
    const byteorder = entries.get(`${prefix}byteorder`);
    if (byteorder && new TextDecoder().decode(await readEntry(zip, byteorder)).trim() !== 'little') {
      throw new AppError('bad_input', `${path} was saved on a big-endian machine; only little-endian checkpoints can be read.`);
    }
    const root = unpickle(await readEntry(zip, entries.get(pickleName)!), { source: path, findClass: globals(path), persistentLoad: persistentLoad(path) });
    if (!(root instanceof Map)) throw new AppError('bad_input', `${path} does not hold a state_dict (a dict of tensors) at its top level.`);
    const storages = new Map<string, Uint8Array>();
    const tensors = new Map<string, TorchTensor>();
    const other = new Map<string, unknown>();
    for (const [key, value] of root) {
      const name = String(key);
      if (!(value instanceof TensorRef)) {
        other.set(name, value);
        continue;
      }
      let bytes = storages.get(value.storage.key);
      if (bytes === undefined) {
        const entry = entries.get(`${prefix}data/${value.storage.key}`);
        if (entry === undefined) throw new AppError('bad_input', `${path}: the storage of tensor '${name}' (data/${value.storage.key}) is missing.`);
        bytes = await readEntry(zip, entry);
        storages.set(value.storage.key, bytes);
      }
      tensors.set(name, materialize(value, bytes, path, name));
    }
    return { tensors, other };
  } finally {
    zip.close();
  }
}
