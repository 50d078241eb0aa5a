/**
 * Reading an ONNX file's graph: inputs, outputs, nodes in order, initializer
 * shapes and whatever shapes the file declares. Decoding uses onnx-proto
 * (protobufjs); only the structure is kept, the weights are dropped after
 * their shapes are read.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import { UserError } from '../errors.js';

/** A dimension: a number, a symbolic name ("batch"), or null when unknown. */
export type Dim = number | string | null;

export interface TensorInfo {
  name: string;
  /** ONNX TensorProto.DataType (1 = float32); 0 when the file does not say. */
  elemType: number;
  dims: Dim[] | null;
}

export interface OnnxNode {
  /** Position in the graph's (topologically sorted) node list. */
  index: number;
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
}

export interface OnnxModel {
  file: string;
  bytes: Uint8Array;
  opset: number | null;
  producer: string;
  /** Graph inputs that are not initializers: what a caller must feed. */
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  nodes: OnnxNode[];
  initializers: Map<string, number[]>;
  /** Shapes the file declares for inner tensors (graph.value_info). */
  valueInfo: Map<string, TensorInfo>;
}

const ELEM_NAMES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64',
  8: 'string', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 16: 'bfloat16',
};

export function elemTypeName(t: number): string {
  return ELEM_NAMES[t] ?? (t === 0 ? 'unknown' : `type ${t}`);
}

/** protobufjs gives int64 fields as number or Long. */
function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v !== null && typeof v === 'object' && 'toNumber' in v) return (v as { toNumber(): number }).toNumber();
  return 0;
}

function tensorInfo(v: onnxProto.onnx.IValueInfoProto): TensorInfo {
  const t = v.type?.tensorType;
  const dims = t?.shape?.dim?.map((d): Dim => {
    if (d.dimParam) return d.dimParam;
    if (d.dimValue !== null && d.dimValue !== undefined) {
      const n = toNumber(d.dimValue);
      return n > 0 ? n : null;
    }
    return null;
  }) ?? null;
  return { name: v.name ?? '', elemType: t?.elemType ?? 0, dims: t?.shape ? dims : null };
}

/** Decodes ONNX bytes; `file` names the model in errors. */
export function parseOnnxModel(bytes: Uint8Array, file: string): OnnxModel {
  let proto: onnxProto.onnx.ModelProto;
  try {
    proto = onnxProto.onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new UserError(`${file}: expected an ONNX model (a ModelProto) but the file cannot be decoded (${(err as Error).message})`);
  }
  const graph = proto.graph;
  if (!graph || (graph.node?.length ?? 0) === 0 || (graph.output?.length ?? 0) === 0) {
    throw new UserError(`${file}: expected an ONNX model with a graph of nodes and outputs but found none (corrupt or not an ONNX file?)`);
  }
  const initializers = new Map<string, number[]>();
  for (const t of graph.initializer ?? []) initializers.set(t.name ?? '', (t.dims ?? []).map((d) => toNumber(d)));
  const nodes: OnnxNode[] = (graph.node ?? []).map((n, index) => ({
    index,
    name: n.name ?? '',
    opType: n.opType ?? '',
    domain: n.domain ?? '',
    inputs: n.input ?? [],
    outputs: n.output ?? [],
  }));
  const valueInfo = new Map<string, TensorInfo>();
  for (const v of graph.valueInfo ?? []) valueInfo.set(v.name ?? '', tensorInfo(v));
  const onnxOpset = (proto.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return {
    file,
    bytes,
    opset: onnxOpset ? toNumber(onnxOpset.version) : null,
    producer: [proto.producerName, proto.producerVersion].filter(Boolean).join(' '),
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(tensorInfo),
    outputs: (graph.output ?? []).map(tensorInfo),
    nodes,
    initializers,
    valueInfo,
  };
}

export function readOnnxModel(file: string): OnnxModel {
  if (!existsSync(file)) throw new UserError(`${file}: model file not found`);
  if (statSync(file).isDirectory()) throw new UserError(`${file}: expected an .onnx file but received a directory (use --zoo for a zoo folder)`);
  return parseOnnxModel(readFileSync(file), file);
}

/** The single image input; models with several inputs are not supported. */
export function imageInput(model: OnnxModel): TensorInfo {
  if (model.inputs.length !== 1) {
    const names = model.inputs.map((i) => `'${i.name}'`).join(', ');
    throw new UserError(`${model.file}: expected a model with one input (the image batch) but it has ${model.inputs.length}: ${names}`);
  }
  return model.inputs[0]!;
}

