/**
 * The only module that imports onnxruntime-node. Everything else talks to ONNX Runtime through
 * `createSession` and plain Float32 tensors (int64 and bool inputs too), so the device policy
 * (which execution provider, what to do when it cannot load) lives in one place.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { AppError } from '../../electron/common/errors.js';
import { GraphBuilder } from './graph-builder.js';

export type ExecutionDevice = 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu';

export interface Float32Tensor {
  dims: readonly number[];
  data: Float32Array;
}

/** Token ids (Whisper's input_ids). */
export interface Int64Tensor {
  dims: readonly number[];
  data: BigInt64Array;
}

/** A bool tensor, one byte per value (the merged decoder's use_cache_branch). */
export interface BoolTensor {
  dims: readonly number[];
  data: Uint8Array;
}

/** What a session accepts as an input; outputs are always float32. */
export type InputTensor = Float32Tensor | Int64Tensor | BoolTensor;

export interface OnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** The device the session really runs on (CPU after a fallback). */
  readonly device: ExecutionDevice;
  run(feeds: Record<string, InputTensor>, outputs?: readonly string[]): Promise<Record<string, Float32Tensor>>;
  dispose(): Promise<void>;
}

export interface SessionOptions {
  device?: ExecutionDevice;
  intraOpThreads?: number;
  /** Where a device fallback is reported; console.warn by default. */
  onWarning?: (message: string) => void;
}

const EXECUTION_DEVICES: readonly ExecutionDevice[] = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

/** Devices that failed to create a session in this process; `availableDevices` stops offering them. */
const failedDevices = new Map<ExecutionDevice, string>();

export function onnxRuntimeVersion(): string {
  return ort.env.versions.node ?? ort.env.versions.common;
}

/**
 * Devices this installation can use: backends compiled into the binding whose provider library is
 * present (onnxruntime-node lists CUDA even when its add-on was never installed), minus any that
 * already failed to start here. `probeDevices` also tries each one (e.g. WebGPU without an adapter).
 */
export function availableDevices(): ExecutionDevice[] {
  const devices = new Set<ExecutionDevice>(['cpu']);
  for (const backend of ort.listSupportedBackends()) {
    const device = backend.name as ExecutionDevice;
    if (!EXECUTION_DEVICES.includes(device)) continue;
    if (!backend.bundled && providerLibraryMissing(device) !== undefined) continue;
    if (failedDevices.has(device)) continue;
    devices.add(device);
  }
  return EXECUTION_DEVICES.filter((d) => devices.has(d));
}

/** Like `availableDevices`, but creates a one-node session on each candidate to prove it works. */
export async function probeDevices(): Promise<ExecutionDevice[]> {
  const working: ExecutionDevice[] = [];
  for (const device of availableDevices()) {
    if (device === 'cpu') {
      working.push(device);
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(identityModel(), { executionProviders: [device] });
      await session.release();
      working.push(device);
    } catch (error) {
      failedDevices.set(device, errorMessage(error));
    }
  }
  return working;
}

export async function createSession(model: string | Uint8Array, options: SessionOptions = {}): Promise<OnnxSession> {
  const requested = options.device ?? 'cpu';
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const modelName = typeof model === 'string' ? model : `in-memory model (${model.byteLength} bytes)`;
  if (typeof model === 'string') assertModelFile(model);

  const sessionOptions: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all' };
  if (options.intraOpThreads !== undefined) sessionOptions.intraOpNumThreads = options.intraOpThreads;

  if (requested !== 'cpu') {
    const unavailable = deviceUnavailableReason(requested);
    if (unavailable === undefined) {
      try {
        const session = await openSession(model, { ...sessionOptions, executionProviders: [requested] });
        return wrapSession(session, requested);
      } catch (error) {
        if (isModelError(error)) throw modelLoadError(modelName, error);
        failedDevices.set(requested, errorMessage(error));
        warn(`ONNX Runtime: cannot use ${requested} (${errorMessage(error)}); running ${modelName} on the CPU instead.`);
      }
    } else {
      warn(`ONNX Runtime: cannot use ${requested} (${unavailable}); running ${modelName} on the CPU instead.`);
    }
  }

  try {
    const session = await openSession(model, { ...sessionOptions, executionProviders: ['cpu'] });
    return wrapSession(session, 'cpu');
  } catch (error) {
    throw modelLoadError(modelName, error);
  }
}

function openSession(model: string | Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
  return typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options);
}

function wrapSession(session: ort.InferenceSession, device: ExecutionDevice): OnnxSession {
  let disposed = false;
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    device,
    async run(feeds, outputs) {
      if (disposed) throw new AppError('internal', 'ONNX session used after dispose');
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, tensor] of Object.entries(feeds)) {
        ortFeeds[name] = toOrtTensor(tensor);
      }
      const results = outputs === undefined ? await session.run(ortFeeds) : await session.run(ortFeeds, [...outputs]);
      const converted: Record<string, Float32Tensor> = {};
      for (const [name, value] of Object.entries(results)) {
        if (value.type !== 'float32') {
          throw new AppError('internal', `ONNX output '${name}' is ${value.type}; only float32 outputs are supported`);
        }
        converted[name] = { dims: value.dims, data: value.data as Float32Array };
      }
      return converted;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await session.release();
    },
  };
}

function toOrtTensor(tensor: InputTensor): ort.Tensor {
  if (tensor.data instanceof BigInt64Array) return new ort.Tensor('int64', tensor.data, tensor.dims);
  if (tensor.data instanceof Uint8Array) return new ort.Tensor('bool', tensor.data, tensor.dims);
  return new ort.Tensor('float32', tensor.data, tensor.dims);
}

function deviceUnavailableReason(device: ExecutionDevice): string | undefined {
  const failure = failedDevices.get(device);
  if (failure !== undefined) return `it failed earlier in this process: ${failure}`;
  const backend = ort.listSupportedBackends().find((b) => b.name === device);
  if (backend === undefined) return `onnxruntime-node ${onnxRuntimeVersion()} has no ${device} backend on ${process.platform}-${process.arch}`;
  if (!backend.bundled) return providerLibraryMissing(device);
  return undefined;
}

/**
 * onnxruntime-node ships CUDA as an add-on (installed with ONNXRUNTIME_NODE_INSTALL=cuda12). Without
 * its provider library, asking for it only produces a native error, so check the file first.
 */
function providerLibraryMissing(device: ExecutionDevice): string | undefined {
  if (device !== 'cuda') return undefined;
  const dir = bindingDirectory();
  const library = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  if (dir !== undefined && existsSync(join(dir, library))) return undefined;
  return `the CUDA provider (${library}) is not installed; install onnxruntime-node's CUDA add-on with ONNXRUNTIME_NODE_INSTALL=cuda12`;
}

function bindingDirectory(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
    return join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

function assertModelFile(path: string): void {
  if (!existsSync(path)) throw new AppError('not_found', `Model file ${path} does not exist.`);
  if (!statSync(path).isFile()) throw new AppError('bad_input', `Model path ${path} is not a file.`);
}

/** Errors that say the model itself is unusable, as opposed to the execution provider failing. */
function isModelError(error: unknown): boolean {
  return /protobuf parsing failed|Load model|ModelProto|INVALID_GRAPH|INVALID_PROTOBUF|opset/i.test(errorMessage(error));
}

function modelLoadError(modelName: string, error: unknown): AppError {
  const message = errorMessage(error);
  const label = modelName.includes('/') || modelName.includes('\\') ? `${basename(modelName)} (${modelName})` : modelName;
  if (/protobuf parsing failed/i.test(message)) {
    return new AppError('bad_input', `${label} is not an ONNX model: it could not be parsed as an ONNX protobuf. Re-download the file or pick a .onnx export.`);
  }
  return new AppError('bad_input', `ONNX Runtime cannot load ${label}: ${message}`);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A one-node model (Identity on float [1]) used to probe execution providers. */
function identityModel(): Uint8Array {
  const graph = new GraphBuilder('probe');
  graph.input('x', [1]);
  graph.output(graph.op('Identity', ['x']));
  return graph.toBytes();
}
