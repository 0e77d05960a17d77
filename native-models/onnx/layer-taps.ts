/**
 * Layer taps by graph surgery: rewrites a transformer encoder graph so that the residual stream
 * after every block is a graph output, and one forward pass yields all layers.
 *
 * The blocks are found from the graph's structure, never from an exporter's node names:
 * - A **residual Add** is an `Add(s, b)` where `s` is an ancestor of `b` and the branch from `s`
 *   to `b` contains a matrix multiply (attention or feed-forward). Adds of biases, positions,
 *   GELU's `1 + erf` or a conv positional embedding (no MatMul) do not qualify.
 * - Residual Adds are chained: the skip input of the next one is the previous Add's output
 *   (pre-LN, as Whisper / wav2vec2-large "stable layer norm") or a LayerNorm of it (post-LN, as
 *   HuBERT-base / wav2vec2-base). A LayerNorm is one `LayerNormalization` node or the decomposed
 *   ReduceMean/Sub/Pow/Sqrt/Div/Mul/Add pattern torch exports below opset 17.
 * - Each transformer block is an attention Add (its branch has a Softmax) followed by a
 *   feed-forward Add (no Softmax).
 *
 * Numbering (the AudioSAE paper's released checkpoints, `layer_N/ae.pt`):
 * - layer 0 is the input to the first block (after positional embedding, and after the encoder's
 *   LayerNorm in post-LN models), i.e. Hugging Face's `hidden_states[0]`;
 * - layer N (1-based) is the output of the N-th block. Pre-LN: the block's second residual Add.
 *   Post-LN: the LayerNorm that follows that Add (the block's real output, HF `hidden_states[N]`);
 * - `final` is the encoder's output after its final LayerNorm in pre-LN models (Whisper's
 *   `last_hidden_state`); in post-LN models there is no final LayerNorm and `final` is layer L.
 *
 * Only the graph structure is rewritten. Initializers stored in external data files keep their
 * `external_data` references and are never read; the tapped model is written next to the original
 * so relative paths still resolve.
 */
import { existsSync, readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { AppError } from '../../electron/common/errors.js';

const { onnx } = onnxProto;
const DataType = onnx.TensorProto.DataType;

/** Output names of the tapped graph: `layers[N]` is layer N (0 = input to the first block). */
export interface LayerTapPlan {
  layers: string[];
  /** The encoder output after the final LayerNorm (pre-LN), or layer L's output (post-LN). */
  final: string;
  /** 'pre' (LayerNorm inside the residual branch) or 'post' (LayerNorm after each residual Add). */
  norm: 'pre' | 'post';
}

export interface TappedModel {
  model: OnnxTypes.ModelProto;
  plan: LayerTapPlan;
}

/** Tap output names are `tap.layer_N` and `tap.final` unless the tensor already is a graph output. */
export const tapName = (layer: number | 'final'): string => (layer === 'final' ? 'tap.final' : `tap.layer_${layer}`);

const MATMUL_OPS = new Set(['MatMul', 'Gemm', 'MatMulInteger', 'MatMulNBits', 'DynamicQuantizeMatMul', 'QLinearMatMul', 'FusedMatMul', 'QAttention', 'Attention', 'MultiHeadAttention']);
const SOFTMAX_OPS = new Set(['Softmax', 'Attention', 'MultiHeadAttention', 'QAttention', 'GroupQueryAttention']);
/** Ops a (possibly decomposed) LayerNorm is made of, plus casts an fp16 export inserts around it. */
const NORM_OPS = new Set(['LayerNormalization', 'SimplifiedLayerNormalization', 'ReduceMean', 'Sub', 'Pow', 'Mul', 'Add', 'Sqrt', 'Div', 'Reciprocal', 'Cast']);
const NORM_MARKERS = new Set(['LayerNormalization', 'SimplifiedLayerNormalization', 'ReduceMean']);

interface GraphIndex {
  nodes: OnnxTypes.INodeProto[];
  producer: Map<string, number>;
  consumers: Map<string, number[]>;
  /** Tensors that are graph inputs or initializers (no producing node). */
  leaves: Set<string>;
}

function indexGraph(graph: OnnxTypes.IGraphProto): GraphIndex {
  const nodes = graph.node ?? [];
  const producer = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  nodes.forEach((node, i) => {
    for (const out of node.output ?? []) if (out) producer.set(out, i);
    for (const input of node.input ?? []) {
      if (!input) continue;
      const list = consumers.get(input);
      if (list) list.push(i);
      else consumers.set(input, [i]);
    }
  });
  const leaves = new Set<string>([...(graph.input ?? []).map((v) => v.name ?? ''), ...(graph.initializer ?? []).map((t) => t.name ?? '')]);
  return { nodes, producer, consumers, leaves };
}

/**
 * The nodes between `from` and `to` (exclusive of `from`'s producer): walks backwards from `to`
 * and keeps only nodes whose inputs lead back to `from`. Undefined when `to` does not depend on `from`.
 */
function pathNodes(index: GraphIndex, from: string, to: string): Set<number> | undefined {
  const reaches = new Map<string, boolean>();
  const onPath = new Set<number>();
  const visit = (tensor: string): boolean => {
    if (tensor === from) return true;
    const cached = reaches.get(tensor);
    if (cached !== undefined) return cached;
    reaches.set(tensor, false); // graphs are acyclic; this only guards against malformed input
    const nodeIndex = index.producer.get(tensor);
    if (nodeIndex === undefined) return false;
    let any = false;
    for (const input of index.nodes[nodeIndex]!.input ?? []) if (input && visit(input)) any = true;
    if (any) onPath.add(nodeIndex);
    reaches.set(tensor, any);
    return any;
  };
  // An explicit stack would be needed for graphs deeper than the JS stack; encoders are a few
  // thousand nodes deep at most, and visit() memoizes, so recursion depth stays bounded by depth.
  return visit(to) ? onPath : undefined;
}

interface ResidualAdd {
  node: number;
  skip: string;
  branch: string;
  output: string;
  attention: boolean;
}

function findResidualAdds(index: GraphIndex): ResidualAdd[] {
  const adds: ResidualAdd[] = [];
  index.nodes.forEach((node, i) => {
    if (node.opType !== 'Add' || (node.domain ?? '') !== '' || (node.input ?? []).length !== 2) return;
    const [a, b] = node.input as string[];
    if (!a || !b || index.leaves.has(a) || index.leaves.has(b)) return;
    for (const [skip, branch] of [[a, b], [b, a]] as const) {
      const path = pathNodes(index, skip, branch);
      if (path === undefined) continue;
      const ops = [...path].map((n) => index.nodes[n]!.opType ?? '');
      if (!ops.some((op) => MATMUL_OPS.has(op))) continue;
      adds.push({ node: i, skip, branch, output: node.output![0]!, attention: ops.some((op) => SOFTMAX_OPS.has(op)) });
      return;
    }
  });
  return adds;
}

/** True when `to` is a LayerNorm of `from`: only norm ops in between, including a mean/LN marker. */
function isLayerNormOf(index: GraphIndex, from: string, to: string): boolean {
  if (from === to) return false;
  const path = pathNodes(index, from, to);
  if (path === undefined) return false;
  let marker = false;
  for (const n of path) {
    const node = index.nodes[n]!;
    if (!NORM_OPS.has(node.opType ?? '')) return false;
    if (NORM_MARKERS.has(node.opType ?? '')) marker = true;
    // Every input is on the path, a constant, or `from` itself (no second activation mixed in).
    for (const input of node.input ?? []) {
      if (!input || input === from || index.leaves.has(input)) continue;
      const p = index.producer.get(input);
      if (p === undefined || !path.has(p)) {
        if (index.nodes[p ?? -1]?.opType !== 'Constant') return false;
      }
    }
  }
  return marker;
}

/** The LayerNorm output directly after `from` (forward through norm ops only), if there is one. */
function layerNormAfter(index: GraphIndex, from: string): string | undefined {
  const seen = new Set<string>();
  const queue = [from];
  let best: { tensor: string; node: number } | undefined;
  while (queue.length > 0) {
    const tensor = queue.shift()!;
    for (const c of index.consumers.get(tensor) ?? []) {
      const node = index.nodes[c]!;
      if (!NORM_OPS.has(node.opType ?? '') && node.opType !== 'Identity') continue;
      for (const out of node.output ?? []) {
        if (!out || seen.has(out)) continue;
        seen.add(out);
        queue.push(out);
        if (node.opType !== 'Identity' && isLayerNormOf(index, from, out) && (best === undefined || c > best.node)) best = { tensor: out, node: c };
      }
    }
  }
  return best?.tensor;
}

function notAnEncoder(what: string, detail: string): AppError {
  return new AppError('bad_input', `${what} is not a transformer audio encoder: ${detail}. Layer taps need an encoder graph with residual attention + feed-forward blocks (Whisper, HuBERT, wav2vec2, WavLM exports).`);
}

/** Finds the blocks of an encoder graph and returns the tensor that holds each layer. */
export function planLayerTaps(graph: OnnxTypes.IGraphProto, what = 'The model'): { layerTensors: string[]; finalTensor: string; norm: 'pre' | 'post' } {
  const index = indexGraph(graph);
  const residuals = findResidualAdds(index);
  if (residuals.length === 0) throw notAnEncoder(what, 'it has no residual Add around a MatMul branch');

  // Link each residual Add to the next one: skip == output (pre-LN) or skip == LN(output) (post-LN).
  const bySkip = new Map<string, ResidualAdd>();
  for (const r of residuals) bySkip.set(r.skip, r);
  const next = new Map<ResidualAdd, { add: ResidualAdd; via: 'direct' | 'norm' }>();
  const hasPrevious = new Set<ResidualAdd>();
  for (const r of residuals) {
    const direct = bySkip.get(r.output);
    if (direct && direct !== r) {
      next.set(r, { add: direct, via: 'direct' });
      hasPrevious.add(direct);
      continue;
    }
    for (const candidate of residuals) {
      if (candidate.node <= r.node || hasPrevious.has(candidate)) continue;
      if (isLayerNormOf(index, r.output, candidate.skip)) {
        next.set(r, { add: candidate, via: 'norm' });
        hasPrevious.add(candidate);
        break;
      }
    }
  }
  // The longest chain (a merged encoder-decoder graph would have two).
  let chain: ResidualAdd[] = [];
  const links: ('direct' | 'norm')[] = [];
  for (const start of residuals.filter((r) => !hasPrevious.has(r))) {
    const candidate = [start];
    const candidateLinks: ('direct' | 'norm')[] = [];
    for (let link = next.get(start); link; link = next.get(link.add)) {
      candidate.push(link.add);
      candidateLinks.push(link.via);
    }
    if (candidate.length > chain.length) {
      chain = candidate;
      links.splice(0, links.length, ...candidateLinks);
    }
  }

  if (chain.length % 2 !== 0 || chain.some((r, i) => r.attention !== (i % 2 === 0))) {
    const pattern = chain.map((r) => (r.attention ? 'attention' : 'feed-forward')).join(', ');
    throw notAnEncoder(what, `its residual blocks do not alternate attention and feed-forward (${pattern})`);
  }
  const norm = links.length > 0 && links[0] === 'norm' ? 'post' : 'pre';
  if (links.some((l) => l !== links[0])) throw notAnEncoder(what, 'it mixes pre-LN and post-LN residual connections');

  const blocks = chain.length / 2;
  const layerTensors = [chain[0]!.skip];
  for (let b = 0; b < blocks; b++) {
    const ffn = chain[2 * b + 1]!;
    if (norm === 'pre') {
      layerTensors.push(ffn.output);
    } else {
      const following = chain[2 * b + 2];
      const normalized = following ? following.skip : layerNormAfter(index, ffn.output);
      if (normalized === undefined) throw notAnEncoder(what, `block ${b + 1} is post-LN but its output has no LayerNorm`);
      layerTensors.push(normalized);
    }
  }
  const last = layerTensors.at(-1)!;
  const finalTensor = norm === 'pre' ? (layerNormAfter(index, last) ?? last) : last;
  return { layerTensors, finalTensor, norm };
}

/** Renames tensor `from` to `to` everywhere it is produced or read. */
function renameTensor(graph: OnnxTypes.IGraphProto, from: string, to: string): void {
  for (const node of graph.node ?? []) {
    if (node.output) node.output = node.output.map((n) => (n === from ? to : n));
    if (node.input) node.input = node.input.map((n) => (n === from ? to : n));
  }
  for (const info of graph.valueInfo ?? []) if (info.name === from) info.name = to;
}

/**
 * Returns a copy of the model whose graph also outputs every layer (see the module comment).
 * fp16 models get a Cast to float32 per tap; tensors that already are graph outputs keep their name.
 */
export function addLayerTaps(model: OnnxTypes.ModelProto, what = 'The model'): TappedModel {
  const copy = onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish());
  const graph = copy.graph;
  if (!graph) throw new AppError('bad_input', `${what} has no graph.`);
  const { layerTensors, finalTensor, norm } = planLayerTaps(graph, what);
  const outputs = graph.output ?? (graph.output = []);
  const outputNames = new Set(outputs.map((o) => o.name ?? ''));
  const elemType = outputs[0]?.type?.tensorType?.elemType ?? DataType.FLOAT;
  const taken = new Set<string>([...(graph.node ?? []).flatMap((n) => n.output ?? []), ...outputNames]);

  const exposed = new Map<string, string>();
  const expose = (tensor: string, name: string): string => {
    const already = exposed.get(tensor);
    if (already !== undefined) return already;
    let result: string;
    const alias = (graph.node ?? []).find((n) => n.opType === 'Identity' && n.input?.[0] === tensor && outputNames.has(n.output?.[0] ?? ''));
    if (alias && elemType !== DataType.FLOAT16) {
      result = alias.output![0]!;
    } else if (elemType === DataType.FLOAT16) {
      if (taken.has(name)) throw new AppError('internal', `${what}: tensor name ${name} is already used`);
      graph.node!.push(onnx.NodeProto.create({ name: `/audiosae/${name}/Cast`, opType: 'Cast', input: [tensor], output: [name], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: DataType.FLOAT }] }));
      outputs.push(onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: DataType.FLOAT } } }));
      result = name;
    } else if (outputNames.has(tensor)) {
      result = tensor;
    } else if (graph.input?.some((i) => i.name === tensor)) {
      throw notAnEncoder(what, 'its first block reads a graph input directly');
    } else {
      if (taken.has(name)) throw new AppError('internal', `${what}: tensor name ${name} is already used`);
      renameTensor(graph, tensor, name);
      outputs.push(onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType } } }));
      result = name;
    }
    exposed.set(tensor, result);
    return result;
  };
  const layers = layerTensors.map((t, i) => expose(t, tapName(i)));
  const final = expose(finalTensor, tapName('final'));
  return { model: copy, plan: { layers, final, norm } };
}

/** Bumped when the rewrite changes, so tapped files written by an older build are redone. */
const TAPS_VERSION = 1;

export interface TappedModelFile {
  path: string;
  plan: LayerTapPlan;
}

/**
 * Writes `<name>.taps.onnx` (and `<name>.taps.json` with the plan) next to `onnxPath`, or reuses
 * them when they were made from the same source file (size + mtime). External data stays where it is.
 */
export function writeTappedModel(onnxPath: string): TappedModelFile {
  const stem = onnxPath.replace(/\.onnx$/i, '');
  const tappedPath = `${stem}.taps.onnx`;
  const planPath = `${stem}.taps.json`;
  const source = statSync(onnxPath);
  const stamp = { size: source.size, mtimeMs: Math.round(source.mtimeMs), version: TAPS_VERSION };
  if (existsSync(tappedPath) && existsSync(planPath)) {
    try {
      const saved = JSON.parse(readFileSync(planPath, 'utf8')) as { source?: typeof stamp; plan?: LayerTapPlan };
      const same = saved.source?.size === stamp.size && saved.source.mtimeMs === stamp.mtimeMs && saved.source.version === stamp.version;
      if (same && saved.plan) return { path: tappedPath, plan: saved.plan };
    } catch {
      // Rewrite below.
    }
  }
  let model: OnnxTypes.ModelProto;
  try {
    model = onnx.ModelProto.decode(readFileSync(onnxPath));
  } catch (error) {
    throw new AppError('bad_input', `${basename(onnxPath)} (${onnxPath}) is not an ONNX model: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { model: tapped, plan } = addLayerTaps(model, `${basename(onnxPath)} (${onnxPath})`);
  const dir = dirname(onnxPath);
  const temporary = join(dir, `.${basename(tappedPath)}.${process.pid}.tmp`);
  writeFileSync(temporary, onnx.ModelProto.encode(tapped).finish());
  renameSync(temporary, tappedPath);
  writeFileSync(planPath, `${JSON.stringify({ source: stamp, plan }, null, 2)}\n`);
  return { path: tappedPath, plan };
}
