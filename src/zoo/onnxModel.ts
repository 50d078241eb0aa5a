/**
 * Reading an ONNX file's graph: inputs, outputs, nodes in order, initializer
 * shapes and whatever shapes the file declares. Decoding uses onnx-proto
 * (protobufjs); only the structure is kept, the weights are dropped after
 * their shapes are read.
 *
 * External data: a model saved with onnx's `save_as_external_data` keeps its
 * initializers in files beside it (TensorProto.data_location = EXTERNAL, the
 * file named by the `location` entry, relative to the model's folder).
 * readOnnxModel resolves each location and refuses one that leaves the
 * model's folder (`../`, an absolute path, a symbolic link pointing out): a
 * model file must not make seedscope read arbitrary files. onnxruntime then
 * reads the data itself from that folder (externalDataSessionOptions).
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import onnxProto from 'onnx-proto';
import { UserError } from '../errors.js';
import { isInsideDir } from '../io/paths.js';

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

/** A file holding some of a model's weights (external data). */
export interface ExternalDataFile {
  /** The location as the model names it, relative to the model's folder. */
  location: string;
  /** Absolute path (the model's folder joined with the location). */
  file: string;
}

export interface OnnxModel {
  file: string;
  bytes: Uint8Array;
  /**
   * External data locations the model names, in order of first use (graph
   * initializers and Constant node tensors of the main graph).
   */
  externalLocations: string[];
  /** Those files, resolved and checked by readOnnxModel; empty for parseOnnxModel. */
  externalData: ExternalDataFile[];
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
  const externalLocations = new Set<string>();
  const noteExternal = (t: onnxProto.onnx.ITensorProto | null | undefined): void => {
    if (!t || t.dataLocation !== onnxProto.onnx.TensorProto.DataLocation.EXTERNAL) return;
    const location = (t.externalData ?? []).find((e) => e.key === 'location')?.value;
    if (location === undefined || location === null || location === '') {
      throw new UserError(`${file}: tensor '${t.name ?? ''}' keeps its data outside the file but names no location`);
    }
    externalLocations.add(location);
  };
  for (const t of graph.initializer ?? []) noteExternal(t);
  for (const t of graph.sparseInitializer ?? []) {
    noteExternal(t.values);
    noteExternal(t.indices);
  }
  for (const n of graph.node ?? []) for (const a of n.attribute ?? []) [a.t, ...(a.tensors ?? [])].forEach(noteExternal);
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
    externalLocations: [...externalLocations],
    externalData: [],
    opset: onnxOpset ? toNumber(onnxOpset.version) : null,
    producer: [proto.producerName, proto.producerVersion].filter(Boolean).join(' '),
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(tensorInfo),
    outputs: (graph.output ?? []).map(tensorInfo),
    nodes,
    initializers,
    valueInfo,
  };
}

/**
 * Reads and decodes an ONNX file and resolves its external data files
 * (resolveExternalData), unless `externalData: false` (for callers that
 * refuse such models themselves and never load them).
 */
export function readOnnxModel(file: string, opts: { externalData?: boolean } = {}): OnnxModel {
  if (!existsSync(file)) throw new UserError(`${file}: model file not found`);
  if (statSync(file).isDirectory()) throw new UserError(`${file}: expected an .onnx file but received a directory (use --zoo for a zoo folder)`);
  const model = parseOnnxModel(readFileSync(file), file);
  if (opts.externalData !== false) model.externalData = resolveExternalData(file, model.externalLocations);
  return model;
}

/**
 * The external data files of the model `file`, each checked to lie inside the
 * model's folder. A security boundary: a location with `..` that leaves the
 * folder, an absolute path, or a path through a symbolic link that resolves
 * outside it is refused with one line naming the model and the location.
 */
export function resolveExternalData(file: string, locations: readonly string[]): ExternalDataFile[] {
  const dir = dirname(resolve(file));
  const realDir = realpathSync(dir);
  return locations.map((location) => {
    const escapes = (why: string): UserError =>
      new UserError(`${file}: external data location "${location}" ${why}; seedscope reads weights only from files inside the model's folder ${dir}`);
    if (isAbsolute(location) || /^[a-zA-Z]:[\\/]/.test(location) || location.startsWith('\\')) throw escapes('is an absolute path');
    const path = resolve(dir, location);
    if (!isInsideDir(dir, path)) throw escapes('leaves the model\'s folder');
    if (!existsSync(path)) throw new UserError(`${file}: external data file "${location}" not found in ${dir}`);
    const real = realpathSync(path);
    if (!isInsideDir(realDir, real)) {
      throw escapes(`resolves through a symbolic link to ${real}, outside the model's folder`);
    }
    if (!statSync(real).isFile()) throw new UserError(`${file}: external data location "${location}" is not a file`);
    return { location, file: path };
  });
}

/**
 * onnxruntime session options that let it read a model's external data from
 * the model's own folder although the model is loaded from bytes (after its
 * inner tensors are exposed): without them it looks in the current directory.
 * onnxruntime reads (maps) the files itself, so the weights are not held twice.
 * `dataDir` is externalDataDir's; null leaves the options as they are.
 */
export function withExternalData<T extends { extra?: unknown }>(options: T, dataDir: string | null): T {
  if (dataDir === null) return options;
  const extra = (options.extra ?? {}) as Record<string, unknown>;
  const session = (extra.session ?? {}) as Record<string, unknown>;
  return { ...options, extra: { ...extra, session: { ...session, model_external_initializers_file_folder_path: dataDir } } };
}

/** The folder onnxruntime must read `file`'s external data from, or null when it has none. */
export function externalDataDir(file: string, hasExternalData: boolean): string | null {
  return hasExternalData ? dirname(resolve(file)) : null;
}
