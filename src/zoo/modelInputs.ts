/**
 * What a model is fed: its image input, and constant zeros for any other
 * input when the user asks for them.
 *
 * A model with one input takes the stimuli there. A model with several
 * inputs needs the user to say which one is the image (`--input NAME`), and
 * seedscope feeds the others only when told to (`--fill-inputs zeros`):
 * constant zeros of each input's declared type and shape, its batch
 * dimension following the image batch. Guessing either would give
 * activations of a model the user did not mean to analyse, so without the
 * flags the error names the inputs and the flags.
 *
 * The image input may be float32, float16 or float64: the stimuli are
 * float32 and are converted (float16: rounded to nearest) when fed.
 */
import { UserError } from '../errors.js';
import { elemTypeName, type Dim, type OnnxModel, type TensorInfo } from './onnxModel.js';

export const FILL_MODES = ['zeros'] as const;
export type FillMode = (typeof FILL_MODES)[number];

/** The user's choice: --input NAME and --fill-inputs MODE. */
export interface InputChoice {
  input?: string;
  fillInputs?: FillMode;
}

export const IMAGE_TYPES = ['float32', 'float16', 'float64'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** Element types onnxruntime-node can make a tensor of zeros for. */
export type FillType = 'float32' | 'float16' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool';

const FILL_TYPES: Record<number, FillType> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64',
};

/** An input fed constant values: its type and shape, null where the dimension is the batch. */
export interface FilledInput {
  name: string;
  dtype: FillType;
  dims: (number | null)[];
  value: 0;
}

export interface ModelFeeds {
  image: TensorInfo;
  imageType: ImageType;
  filled: FilledInput[];
}

const quoted = (names: readonly string[]): string => names.map((n) => `'${n}'`).join(', ');
const dimsText = (dims: readonly Dim[] | null): string => `[${(dims ?? []).map((d) => (d === null ? '?' : String(d))).join(', ')}]`;

/** The image input and the filled inputs of `model` under the user's choice; one line naming the flag otherwise. */
export function modelFeeds(model: OnnxModel, choice: InputChoice = {}): ModelFeeds {
  const names = model.inputs.map((i) => i.name);
  if (model.inputs.length === 0) throw new UserError(`${model.file}: expected a model with an image input but its graph has no inputs`);
  let image: TensorInfo;
  if (choice.input !== undefined) {
    const found = model.inputs.find((i) => i.name === choice.input);
    if (!found) throw new UserError(`--input ${choice.input}: ${model.file} has no input of that name; its inputs: ${quoted(names)}`);
    image = found;
  } else if (model.inputs.length === 1) {
    image = model.inputs[0]!;
  } else {
    throw new UserError(`${model.file}: the model has ${names.length} inputs (${quoted(names)}); choose the image input with --input NAME and feed the others constant zeros with --fill-inputs zeros`);
  }
  const imageType: ImageType = image.elemType === 0 ? 'float32' : (elemTypeName(image.elemType) as ImageType);
  if (!(IMAGE_TYPES as readonly string[]).includes(imageType)) {
    throw new UserError(`${model.file}: expected a float32, float16 or float64 image input but '${image.name}' is ${elemTypeName(image.elemType)}${names.length > 1 ? `; choose the image among ${quoted(names)} with --input NAME` : ''}`);
  }
  const others = model.inputs.filter((i) => i !== image);
  if (others.length > 0 && choice.fillInputs === undefined) {
    throw new UserError(`${model.file}: ${quoted(others.map((i) => i.name))} would get no data (seedscope feeds the stimuli to '${image.name}'); give --fill-inputs zeros to feed ${others.length === 1 ? 'it' : 'them'} constant zeros of the declared shape and type`);
  }
  const batchName = typeof image.dims?.[0] === 'string' ? image.dims[0] : undefined;
  const filled = others.map((o): FilledInput => {
    const dtype = FILL_TYPES[o.elemType];
    if (!dtype) throw new UserError(`--fill-inputs zeros: input '${o.name}' of ${model.file} is ${elemTypeName(o.elemType)}; zeros fill only numeric and bool inputs`);
    if (o.dims === null) throw new UserError(`--fill-inputs zeros: input '${o.name}' of ${model.file} declares no shape; zeros fill only inputs of a declared shape`);
    const dims = o.dims.map((d, k): number | null => {
      if (typeof d === 'number') return d;
      // the first dimension, or one named like the image's batch, is the batch
      if (k === 0 || (batchName !== undefined && d === batchName)) return null;
      throw new UserError(`--fill-inputs zeros: input '${o.name}' of ${model.file} has shape ${dimsText(o.dims)}; zeros fill only inputs whose dimensions are fixed apart from the batch (the first)`);
    });
    return { name: o.name, dtype, dims, value: 0 };
  });
  return { image, imageType, filled };
}

export type ZerosData = Float32Array | Float64Array | Uint16Array | Int8Array | Uint8Array | Int16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/** A filled input's zeros for one batch: type, data and dimensions, for an onnxruntime Tensor. */
export function zerosFor(f: FilledInput, batch: number): { dtype: FillType; data: ZerosData; dims: number[] } {
  const dims = f.dims.map((d) => d ?? batch);
  const count = dims.reduce((a, b) => a * b, 1);
  const make: Record<FillType, (n: number) => ZerosData> = {
    float32: (n) => new Float32Array(n), float16: (n) => new Uint16Array(n), float64: (n) => new Float64Array(n),
    int8: (n) => new Int8Array(n), uint8: (n) => new Uint8Array(n), int16: (n) => new Int16Array(n), uint16: (n) => new Uint16Array(n),
    int32: (n) => new Int32Array(n), uint32: (n) => new Uint32Array(n), int64: (n) => new BigInt64Array(n), uint64: (n) => new BigUint64Array(n),
    bool: (n) => new Uint8Array(n),
  };
  return { dtype: f.dtype, data: make[f.dtype](count), dims };
}

/** How results.json and the extraction manifest record the feeds. */
export function describeFeeds(feeds: ModelFeeds): { image: string; dtype: ImageType; filled: { name: string; dtype: FillType; shape: (number | 'batch')[]; value: 0 }[] } {
  return {
    image: feeds.image.name,
    dtype: feeds.imageType,
    filled: feeds.filled.map((f) => ({ name: f.name, dtype: f.dtype, shape: f.dims.map((d) => d ?? 'batch'), value: f.value })),
  };
}
