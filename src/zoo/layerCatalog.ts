/**
 * Every tensor a user could pick as a layer: the float outputs of the graph's
 * nodes, with op type, node position, per-stimulus shape and whether it is a
 * "natural" layer. Types and shapes come from onnxruntime's own inference on
 * a session that exposes every tensor; where a shape stays symbolic, one dummy
 * batch of zeros is run to measure it.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { QUIET_SESSION, describeOrtError, quietOnnxruntime } from './ortMessages.js';
import { UserError } from '../errors.js';
import { exposeTensors } from './exposeOutputs.js';
import { externalDataDir, withExternalData, type OnnxModel } from './onnxModel.js';
import { modelFeeds, zerosFor, type ModelFeeds } from './modelInputs.js';
import type { Zoo } from './zoo.js';
import type { InputSpec } from './zooManifest.js';

export interface LayerInfo {
  /** The ONNX tensor name. */
  tensor: string;
  op: string;
  /** Position of the producing node in the graph. */
  node: number;
  nodeName: string;
  /** Per-stimulus shape (without the batch dimension). */
  shape: number[];
  /** Features per stimulus: the product of `shape`. */
  size: number;
  dtype: string;
  /** Output of an activation, convolution, pooling, Gemm/MatMul, or a graph output. */
  natural: boolean;
  /** Output of a nonlinearity: the default layers. */
  activation: boolean;
  graphOutput: boolean;
  /** Short name from zoo.json, when there is one. */
  short?: string;
}

export const ACTIVATION_OPS = new Set([
  'Relu', 'LeakyRelu', 'PRelu', 'Elu', 'Selu', 'Celu', 'Gelu', 'Sigmoid', 'HardSigmoid', 'Tanh',
  'Softplus', 'Softsign', 'HardSwish', 'Mish', 'ThresholdedRelu', 'Softmax', 'LogSoftmax', 'Clip',
]);
const OTHER_NATURAL_OPS = new Set([
  'Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'LpPool',
  'Gemm', 'MatMul', 'FusedConv', 'FusedGemm', 'FusedMatMul',
]);
const FLOAT_TYPES = new Set(['float32', 'float64', 'float16']);
// Their outputs are constants or shape arithmetic, never per-stimulus activations.
const NEVER_LAYERS = new Set(['Constant', 'ConstantOfShape', 'Shape', 'Size']);

const cache = new Map<string, LayerInfo[]>();

function shapeOf(dims: readonly (number | string)[]): (number | null)[] {
  return dims.map((d) => (typeof d === 'number' && d >= 0 ? d : null));
}

/** A batch of zeros for every input: the image input and the filled ones. */
function dummyFeeds(model: OnnxModel, feeds: ModelFeeds, input: InputSpec | null, batch: number): Record<string, Tensor> {
  const info = feeds.image;
  const dims = (info.dims ?? []).map((d, k) => {
    if (k === 0) return batch;
    if (typeof d === 'number') return d;
    const fromSpec = input?.shape[k - 1];
    if (fromSpec === undefined) {
      throw new UserError(`${model.file}: input '${info.name}' has a symbolic size [${(info.dims ?? []).map(String).join(', ')}]; give the image size with --input-size H,W`);
    }
    return fromSpec;
  });
  const image = zerosFor({ name: info.name, dtype: feeds.imageType, dims, value: 0 }, batch);
  const out: Record<string, Tensor> = { [info.name]: new Tensor(image.dtype, image.data, image.dims) };
  for (const f of feeds.filled) {
    const z = zerosFor(f, batch);
    out[f.name] = new Tensor(z.dtype, z.data, z.dims);
  }
  return out;
}

/**
 * Lists the pickable tensors of a model. `input` gives the image size where the
 * graph leaves it symbolic; `fixedBatch` the batch the graph requires.
 */
async function modelLayers(model: OnnxModel, feeds: ModelFeeds, input: InputSpec | null = null, fixedBatch: number | null = null): Promise<LayerInfo[]> {
  const cached = cache.get(model.file);
  if (cached) return cached;
  const inputBatch = feeds.image.dims?.[0];
  const graphBatch = fixedBatch ?? (typeof inputBatch === 'number' ? inputBatch : null);
  const candidates = model.nodes.filter((n) => !NEVER_LAYERS.has(n.opType));
  const names = [...new Set(candidates.flatMap((n) => n.outputs.filter((o) => o.length > 0)))];
  let session: InferenceSession;
  try {
    quietOnnxruntime();
    const options = withExternalData<InferenceSession.SessionOptions>({ graphOptimizationLevel: 'disabled', intraOpNumThreads: 1, ...QUIET_SESSION },
      externalDataDir(model.file, model.externalData.length > 0));
    session = await InferenceSession.create(exposeTensors(model, names), options);
  } catch (err) {
    throw new UserError(`${model.file}: onnxruntime cannot load the model: ${describeOrtError(err)}`);
  }
  try {
    const meta = new Map(session.outputMetadata.map((m) => [m.name, m]));
    const floatNames = names.filter((n) => {
      const m = meta.get(n);
      return m?.isTensor === true && FLOAT_TYPES.has(m.type);
    });
    const shapes = new Map<string, (number | null)[]>();
    const notPerStimulus = new Set<string>();
    for (const n of floatNames) {
      const m = meta.get(n);
      if (!m?.isTensor) continue;
      // with a dynamic batch, a tensor whose first dimension is a fixed number (or a scalar) is computed from weights, not per stimulus;
      // with a fixed batch, one whose first dimension is another number (a ViT's sequence-first or heads × batch tensors) is not either
      const first = m.shape[0];
      const fixedFirst = typeof first === 'number' && first >= 0;
      if (m.shape.length === 0 || (fixedFirst && (graphBatch === null || first !== graphBatch))) {
        notPerStimulus.add(n);
        continue;
      }
      shapes.set(n, shapeOf(m.shape).slice(1));
    }
    const batch = graphBatch ?? 2;
    const unknown = floatNames.filter((n) => !notPerStimulus.has(n) && (shapes.get(n) ?? [null]).some((d) => d === null));
    const measuredBatch = new Map<string, number>();
    if (unknown.length > 0) {
      let outputs;
      try {
        outputs = await session.run(dummyFeeds(model, feeds, input, batch), unknown);
      } catch (err) {
        throw new UserError(`${model.file}: a dummy batch to measure layer shapes failed in onnxruntime: ${describeOrtError(err)}`);
      }
      for (const n of unknown) {
        const t = outputs[n];
        if (!t) continue;
        shapes.set(n, t.dims.slice(1).map(Number));
        measuredBatch.set(n, Number(t.dims[0]));
      }
    }
    const outputsSet = new Set(model.outputs.map((o) => o.name));
    const producer = new Map(candidates.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
    const layers: LayerInfo[] = [];
    for (const name of floatNames) {
      if (notPerStimulus.has(name)) continue;
      const node = producer.get(name)!;
      const shape = shapes.get(name) ?? [];
      // a tensor whose first dimension is not the batch (a weight computed in the graph) is not per stimulus
      const mb = measuredBatch.get(name);
      if (shape.some((d) => d === null) || (mb !== undefined && mb !== batch)) continue;
      const s = shape as number[];
      const activation = ACTIVATION_OPS.has(node.opType);
      const graphOutput = outputsSet.has(name);
      layers.push({
        tensor: name,
        op: node.opType,
        node: node.index,
        nodeName: node.name,
        shape: s,
        size: s.reduce((a, b) => a * b, 1),
        dtype: (meta.get(name) as { type: string }).type,
        natural: activation || graphOutput || OTHER_NATURAL_OPS.has(node.opType),
        activation,
        graphOutput,
      });
    }
    layers.sort((a, b) => a.node - b.node);
    cache.set(model.file, layers);
    return layers;
  } finally {
    await session.release();
  }
}

export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.trim();
}

/** The catalog of a zoo's reference model (with short names) or of a plain model. */
export async function layerCatalog(target: Zoo | OnnxModel): Promise<LayerInfo[]> {
  if (!('instances' in target)) return modelLayers(target, modelFeeds(target));
  const layers = await modelLayers(target.reference, target.feeds, target.input, target.fixedBatch);
  const shortOf = new Map(target.layers.map((l) => [l.tensor, l.name]));
  return layers.map((l) => {
    const short = shortOf.get(l.tensor);
    return short === undefined ? l : { ...l, short };
  });
}
