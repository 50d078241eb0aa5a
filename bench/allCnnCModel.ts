/**
 * An All-CNN-C-like ONNX model with random (He) weights, built with onnx-proto
 * for benchmarks when the default zoo is not installed: 28 × 28 × 1 input,
 * 3×3 convolutions w·(96, 96, 96/2, 192, 192, 192/2), 3×3 valid w·192, 1×1 w·192,
 * 1×1 to 10 classes, ReLU after each, global average pooling to the logits.
 * Layers are outputs named conv1 … conv9 and logits, as the default zoo's are.
 */
import onnxProto from 'onnx-proto';
import { SeededRandom, heWeights } from './benchRandom.js';

const INTS = 7;
const FLOAT = 1;

interface ConvSpec {
  out: number;
  kernel: number;
  stride: number;
  pad: number;
}

export function allCnnCModel(width = 1 / 3, seed = 1): Uint8Array {
  const c = (n: number): number => Math.max(1, Math.round(n * width));
  const convs: ConvSpec[] = [
    { out: c(96), kernel: 3, stride: 1, pad: 1 },
    { out: c(96), kernel: 3, stride: 1, pad: 1 },
    { out: c(96), kernel: 3, stride: 2, pad: 1 },
    { out: c(192), kernel: 3, stride: 1, pad: 1 },
    { out: c(192), kernel: 3, stride: 1, pad: 1 },
    { out: c(192), kernel: 3, stride: 2, pad: 1 },
    { out: c(192), kernel: 3, stride: 1, pad: 0 },
    { out: c(192), kernel: 1, stride: 1, pad: 0 },
    { out: 10, kernel: 1, stride: 1, pad: 0 },
  ];
  const rng = new SeededRandom(seed);
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const inits: onnxProto.onnx.ITensorProto[] = [];
  const outputs: string[] = [];
  let prev = 'input';
  let inC = 1;
  convs.forEach((s, k) => {
    const name = `conv${k + 1}`;
    const w = heWeights(rng, s.out * inC * s.kernel * s.kernel, inC * s.kernel * s.kernel);
    inits.push({ name: `${name}.weight`, dims: [s.out, inC, s.kernel, s.kernel], dataType: FLOAT, rawData: new Uint8Array(w.buffer) });
    inits.push({ name: `${name}.bias`, dims: [s.out], dataType: FLOAT, rawData: new Uint8Array(new Float32Array(s.out).buffer) });
    nodes.push({
      opType: 'Conv', name: `${name}/Conv`, input: [prev, `${name}.weight`, `${name}.bias`], output: [`${name}_pre`],
      attribute: [
        { name: 'kernel_shape', type: INTS, ints: [s.kernel, s.kernel] },
        { name: 'strides', type: INTS, ints: [s.stride, s.stride] },
        { name: 'pads', type: INTS, ints: [s.pad, s.pad, s.pad, s.pad] },
      ],
    });
    nodes.push({ opType: 'Relu', name: `${name}/Relu`, input: [`${name}_pre`], output: [name] });
    outputs.push(name);
    prev = name;
    inC = s.out;
  });
  nodes.push({ opType: 'GlobalAveragePool', name: 'gap', input: [prev], output: ['gap'] });
  nodes.push({ opType: 'Flatten', name: 'flatten', input: ['gap'], output: ['logits'] });
  const tensorType = (dims: (number | string)[]): onnxProto.onnx.ITypeProto => ({
    tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } },
  });
  const model: onnxProto.onnx.IModelProto = {
    irVersion: 8,
    producerName: 'seedscope-bench',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'allcnnc',
      node: nodes,
      initializer: inits,
      input: [{ name: 'input', type: tensorType(['batch', 1, 28, 28]) }],
      output: [...outputs.map((name) => ({ name })), { name: 'logits', type: tensorType(['batch', 10]) }],
    },
  };
  return onnxProto.onnx.ModelProto.encode(model).finish();
}
