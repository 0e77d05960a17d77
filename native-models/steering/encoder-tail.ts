/**
 * The part of a tapped encoder after a layer tap: a model whose input is the tap tensor
 * (`tap.layer_N`, [batch, frames, d]) and whose output is the encoder output, holding only the
 * nodes between them. A spliced hidden state h' runs through it as the remaining blocks (and the
 * final LayerNorm) would have run on h.
 * Written next to the tapped model (`<name>.taps.tail_tap_layer_N.onnx`), so relative external-data
 * locations still resolve; rewritten when the tapped model is newer.
 */
import { existsSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { AppError } from '../../electron/common/errors.js';

const { onnx } = onnxProto;

export function extractEncoderTail(model: OnnxTypes.IModelProto, fromTensor: string, toTensor: string, what = 'The encoder'): OnnxTypes.ModelProto {
  const graph = model.graph;
  if (!graph) throw new AppError('bad_input', `${what} has no graph.`);
  const nodes = graph.node ?? [];
  const producer = new Map<string, number>();
  nodes.forEach((node, i) => (node.output ?? []).forEach((o) => producer.set(o, i)));
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const graphInputs = new Set((graph.input ?? []).map((i) => i.name ?? ''));
  if (fromTensor === toTensor) throw new AppError('internal', `${what}: the tail after ${fromTensor} is empty; use the tap itself.`);
  const fromInfo = (graph.output ?? []).find((o) => o.name === fromTensor);
  if (fromInfo === undefined) throw new AppError('bad_input', `${what} has no tap output ${fromTensor}.`);
  if (fromInfo.type?.tensorType?.elemType !== onnx.TensorProto.DataType.FLOAT) {
    throw new AppError('bad_input', `${what}: steering needs a float32 export; ${fromTensor} is not float32 (fp16 exports are not supported yet).`);
  }

  const keep = new Set<number>();
  const usedInitializers = new Set<string>();
  const pending = [toTensor];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const tensor = pending.pop()!;
    if (tensor === '' || tensor === fromTensor || seen.has(tensor)) continue;
    seen.add(tensor);
    const index = producer.get(tensor);
    if (index !== undefined) {
      keep.add(index);
      pending.push(...(nodes[index]!.input ?? []));
    } else if (initializers.has(tensor)) {
      usedInitializers.add(tensor);
    } else if (graphInputs.has(tensor)) {
      throw new AppError('bad_input', `${what}: the encoder output depends on ${tensor} other than through ${fromTensor}; that layer cannot be spliced.`);
    } else {
      throw new AppError('bad_input', `${what}: nothing produces ${tensor}.`);
    }
  }
  const outputInfo = (graph.output ?? []).find((o) => o.name === toTensor);
  return onnx.ModelProto.create({
    irVersion: model.irVersion,
    producerName: 'audiosae-lab',
    opsetImport: model.opsetImport,
    graph: {
      name: `${graph.name ?? 'main_graph'}_tail`,
      node: nodes.filter((_, i) => keep.has(i)),
      input: [fromInfo],
      output: [outputInfo ?? { name: toTensor, type: fromInfo.type }],
      initializer: (graph.initializer ?? []).filter((t) => usedInitializers.has(t.name ?? '')),
    },
  });
}

/** Writes (or reuses) the tail of `tappedPath` after `fromTensor`; returns its path. */
export function writeEncoderTail(tappedPath: string, fromTensor: string, toTensor: string): string {
  const stem = tappedPath.replace(/\.onnx$/i, '');
  const tailPath = `${stem}.tail_${fromTensor.replace(/[^\w]+/g, '_')}.onnx`;
  if (existsSync(tailPath) && statSync(tailPath).mtimeMs >= statSync(tappedPath).mtimeMs) return tailPath;
  const what = `${basename(tappedPath)} (${tappedPath})`;
  const model = onnx.ModelProto.decode(readFileSync(tappedPath));
  const tail = extractEncoderTail(model, fromTensor, toTensor, what);
  const temporary = join(dirname(tailPath), `.${basename(tailPath)}.${process.pid}.tmp`);
  writeFileSync(temporary, onnx.ModelProto.encode(tail).finish());
  renameSync(temporary, tailPath);
  // Never older than its source (a tapped model stamped in the future would force a rewrite per call).
  const sourceTime = statSync(tappedPath).mtime;
  if (statSync(tailPath).mtimeMs < sourceTime.getTime()) utimesSync(tailPath, sourceTime, sourceTime);
  return tailPath;
}
