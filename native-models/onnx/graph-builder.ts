/**
 * Typed helpers over onnx-proto for writing ONNX models from TypeScript (fixture models, frontend
 * graphs). Weights go in as raw_data; the caller chooses op names, the builder keeps names unique.
 */
import { endianness } from 'node:os';
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

const { onnx } = onnxProto;

/** A tensor dimension: a fixed size or a symbolic name such as 'batch_size'. */
export type Dim = number | string;

export const ElementType = {
  float: onnx.TensorProto.DataType.FLOAT,
  double: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
} as const;
export type ElementType = (typeof ElementType)[keyof typeof ElementType];

/**
 * An attribute value. Plain numbers are INT when integral and FLOAT otherwise, plain arrays
 * likewise; use `floatAttr` / `floatsAttr` for a float attribute whose value happens to be integral.
 */
export type AttributeValue = number | string | readonly number[] | TypedAttribute;

export type InitializerValues = Float32Array | Float64Array | BigInt64Array;

export interface TypedAttribute {
  readonly kind: 'float' | 'floats' | 'int' | 'ints';
  readonly value: number | readonly number[];
}

export const floatAttr = (value: number): TypedAttribute => ({ kind: 'float', value });
export const floatsAttr = (value: readonly number[]): TypedAttribute => ({ kind: 'floats', value });
export const intAttr = (value: number): TypedAttribute => ({ kind: 'int', value });
export const intsAttr = (value: readonly number[]): TypedAttribute => ({ kind: 'ints', value });

export interface NodeOptions {
  /** Node name, e.g. '/layers.0/self_attn/MatMul'. Generated from the op type when omitted. */
  name?: string;
  domain?: string;
}

/**
 * Opset and IR version pairs that onnxruntime 1.30 loads. The IR version is the one the ONNX
 * release that introduced the opset wrote, so a model never claims a newer IR than its ops need.
 */
function irVersionFor(opset: number): number {
  if (opset < 17) throw new RangeError(`GraphBuilder: opset ${opset} is below 17, the lowest this project writes`);
  if (opset === 17) return 8; // onnx 1.13
  if (opset <= 20) return 9; // onnx 1.14-1.15
  if (opset <= 22) return 10; // onnx 1.16-1.17
  return 11; // onnx 1.18 (opset 23); ORT 1.30 reads IR 11
}

/**
 * Builds an ONNX ModelProto node by node. Output names are generated from the node name the way
 * PyTorch's exporter does it (`/conv1/Conv_output_0`), so every tensor name is unique.
 */
export class GraphBuilder {
  readonly #inputs: OnnxTypes.IValueInfoProto[] = [];
  readonly #outputs: OnnxTypes.IValueInfoProto[] = [];
  readonly #initializers: OnnxTypes.ITensorProto[] = [];
  readonly #nodes: OnnxTypes.INodeProto[] = [];
  readonly #names = new Set<string>();
  readonly #nodeNames = new Set<string>();
  readonly #opCounts = new Map<string, number>();

  constructor(readonly graphName = 'main_graph') {}

  /** Declares a graph input and returns its name. */
  input(name: string, dims: readonly Dim[], elementType: ElementType = ElementType.float): string {
    this.#claim(name);
    this.#inputs.push(valueInfo(name, elementType, dims));
    return name;
  }

  /** Marks an existing tensor as a graph output. Shape is optional (ORT infers it). */
  output(name: string, dims?: readonly Dim[], elementType: ElementType = ElementType.float): void {
    if (!this.#names.has(name)) throw new Error(`GraphBuilder: output '${name}' is not produced by the graph`);
    this.#outputs.push(valueInfo(name, elementType, dims));
  }

  /** Adds a constant weight, stored as raw_data (little-endian), and returns its name. */
  initializer(name: string, values: InitializerValues, dims: readonly number[]): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== values.length) {
      throw new Error(`GraphBuilder: initializer '${name}' has ${values.length} values, dims [${dims}] need ${count}`);
    }
    this.#claim(name);
    this.#initializers.push({
      name,
      dims: [...dims],
      dataType: elementTypeOf(values),
      rawData: littleEndianBytes(values),
    });
    return name;
  }

  /** Convenience for shape/axes constants. */
  int64s(name: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.initializer(name, BigInt64Array.from(values, (v) => BigInt(v)), dims);
  }

  /** A float constant; a scalar when `dims` is []. */
  floats(name: string, values: readonly number[] | Float32Array, dims: readonly number[] = [values.length]): string {
    return this.initializer(name, Float32Array.from(values), dims);
  }

  /**
   * Adds a node. `outputs` is either the number of outputs (names are generated from the node name)
   * or explicit names. Returns the output names.
   */
  node(
    op: string,
    inputs: readonly string[],
    outputs: number | readonly string[] = 1,
    attrs: Readonly<Record<string, AttributeValue>> = {},
    options: NodeOptions = {},
  ): string[] {
    const name = this.#uniqueNodeName(options.name ?? this.#defaultNodeName(op));
    for (const input of inputs) {
      // '' is ONNX's "optional input omitted".
      if (input !== '' && !this.#names.has(input)) {
        throw new Error(`GraphBuilder: node '${name}' reads '${input}', which nothing produces yet`);
      }
    }
    const outputNames =
      typeof outputs === 'number' ? Array.from({ length: outputs }, (_, i) => `${name}_output_${i}`) : [...outputs];
    for (const output of outputNames) this.#claim(output);
    this.#nodes.push({
      name,
      opType: op,
      domain: options.domain ?? '',
      input: [...inputs],
      output: outputNames,
      attribute: Object.entries(attrs).map(([key, value]) => attribute(key, value)),
    });
    return outputNames;
  }

  /** Single-output shorthand for `node`. */
  op(op: string, inputs: readonly string[], attrs: Readonly<Record<string, AttributeValue>> = {}, name?: string): string {
    return this.node(op, inputs, 1, attrs, { name })[0]!;
  }

  has(name: string): boolean {
    return this.#names.has(name);
  }

  toModelProto(opset = 17): OnnxTypes.ModelProto {
    if (this.#outputs.length === 0) throw new Error('GraphBuilder: the graph has no outputs');
    return onnx.ModelProto.create({
      irVersion: irVersionFor(opset),
      producerName: 'audiosae-lab',
      producerVersion: '0.1.0',
      opsetImport: [{ domain: '', version: opset }],
      graph: {
        name: this.graphName,
        node: this.#nodes,
        input: this.#inputs,
        output: this.#outputs,
        initializer: this.#initializers,
      },
    });
  }

  toBytes(opset = 17): Uint8Array {
    return onnx.ModelProto.encode(this.toModelProto(opset)).finish();
  }

  #claim(name: string): void {
    if (name === '') throw new Error('GraphBuilder: empty tensor name');
    if (this.#names.has(name)) throw new Error(`GraphBuilder: tensor name '${name}' is already used`);
    this.#names.add(name);
  }

  #defaultNodeName(op: string): string {
    const count = this.#opCounts.get(op) ?? 0;
    this.#opCounts.set(op, count + 1);
    return count === 0 ? `/${op}` : `/${op}_${count}`;
  }

  /** Repeated names get `_1`, `_2`, ... as in PyTorch exports (`/layers.0/Add`, `/layers.0/Add_1`). */
  #uniqueNodeName(name: string): string {
    let candidate = name;
    for (let i = 1; this.#nodeNames.has(candidate); i++) candidate = `${name}_${i}`;
    this.#nodeNames.add(candidate);
    return candidate;
  }
}

function valueInfo(name: string, elementType: ElementType, dims?: readonly Dim[]): OnnxTypes.IValueInfoProto {
  const shape = dims === undefined ? undefined : { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
  return { name, type: { tensorType: { elemType: elementType, shape } } };
}

function attribute(name: string, value: AttributeValue): OnnxTypes.IAttributeProto {
  const Type = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: Type.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { name, type: Type.INT, i: value } : { name, type: Type.FLOAT, f: value };
  }
  if (isTyped(value)) {
    switch (value.kind) {
      case 'float':
        return { name, type: Type.FLOAT, f: value.value as number };
      case 'int':
        return { name, type: Type.INT, i: value.value as number };
      case 'floats':
        return { name, type: Type.FLOATS, floats: [...(value.value as readonly number[])] };
      case 'ints':
        return { name, type: Type.INTS, ints: [...(value.value as readonly number[])] };
    }
  }
  const list = value as readonly number[];
  return list.every(Number.isInteger) ? { name, type: Type.INTS, ints: [...list] } : { name, type: Type.FLOATS, floats: [...list] };
}

function isTyped(value: AttributeValue): value is TypedAttribute {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

function elementTypeOf(values: InitializerValues): ElementType {
  if (values instanceof Float32Array) return ElementType.float;
  if (values instanceof Float64Array) return ElementType.double;
  return ElementType.int64;
}

function littleEndianBytes(values: InitializerValues): Uint8Array {
  if (endianness() === 'LE') return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const bytes = new Uint8Array(values.byteLength);
  const view = new DataView(bytes.buffer);
  if (values instanceof Float32Array) {
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  } else if (values instanceof Float64Array) {
    values.forEach((v, i) => view.setFloat64(i * 8, v, true));
  } else {
    values.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  }
  return bytes;
}
