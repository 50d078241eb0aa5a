/**
 * modelFeeds (src/zoo/modelInputs.ts): which input takes the images and what
 * the others get. One input needs nothing; several need --input NAME and,
 * for the rest, --fill-inputs zeros; zeros take each input's declared type
 * and shape with the image batch where the batch is; everything else is one
 * line naming the flag and the input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dim, OnnxModel, TensorInfo } from '../../src/zoo/onnxModel.js';
import { describeFeeds, modelFeeds, zerosFor } from '../../src/zoo/modelInputs.js';

function model(inputs: [string, number, Dim[] | null][]): OnnxModel {
  const infos: TensorInfo[] = inputs.map(([name, elemType, dims]) => ({ name, elemType, dims }));
  return {
    file: 'm.onnx', bytes: new Uint8Array(), externalLocations: [], externalData: [], opset: 13, producer: '',
    inputs: infos, outputs: [], nodes: [], initializers: new Map(), valueInfo: new Map(),
  };
}

const image: [string, number, Dim[]] = ['image', 1, ['N', 3, 8, 8]];

test('one input is the image; float16 and float64 images are accepted, integer ones are not', () => {
  assert.deepEqual(describeFeeds(modelFeeds(model([image]))), { image: 'image', dtype: 'float32', filled: [] });
  assert.equal(modelFeeds(model([['x', 10, [1, 3, 8, 8]]])).imageType, 'float16');
  assert.equal(modelFeeds(model([['x', 11, [1, 3, 8, 8]]])).imageType, 'float64');
  assert.equal(modelFeeds(model([['x', 0, null]])).imageType, 'float32', 'an undeclared type is taken as float32');
  assert.throws(() => modelFeeds(model([['x', 2, [1, 8, 8, 3]]])), /m\.onnx: expected a float32, float16 or float64 image input but 'x' is uint8$/);
  // --fill-inputs with one input is harmless
  assert.deepEqual(modelFeeds(model([image]), { fillInputs: 'zeros' }).filled, []);
});

test('several inputs: --input NAME chooses the image, --fill-inputs zeros is needed for the others', () => {
  const m = model([image, ['class_id', 7, ['N']], ['mask', 9, [1, 4]], ['scale', 10, ['N', 2]]]);
  assert.throws(() => modelFeeds(m), /m\.onnx: the model has 4 inputs \('image', 'class_id', 'mask', 'scale'\); choose the image input with --input NAME and feed the others constant zeros with --fill-inputs zeros/);
  assert.throws(() => modelFeeds(m, { input: 'image' }), /'class_id', 'mask', 'scale' would get no data \(seedscope feeds the stimuli to 'image'\); give --fill-inputs zeros to feed them constant zeros/);
  assert.throws(() => modelFeeds(m, { input: 'img', fillInputs: 'zeros' }), /--input img: m\.onnx has no input of that name; its inputs: 'image', 'class_id', 'mask', 'scale'/);
  assert.throws(() => modelFeeds(m, { input: 'class_id', fillInputs: 'zeros' }), /'class_id' is int64; choose the image among/);
  const feeds = modelFeeds(m, { input: 'image', fillInputs: 'zeros' });
  assert.deepEqual(describeFeeds(feeds).filled, [
    { name: 'class_id', dtype: 'int64', shape: ['batch'], value: 0 },
    { name: 'mask', dtype: 'bool', shape: [1, 4], value: 0 },
    { name: 'scale', dtype: 'float16', shape: ['batch', 2], value: 0 },
  ]);
  // the image may be any of the inputs
  assert.equal(modelFeeds(model([['a', 1, ['N', 4]], image]), { input: 'image', fillInputs: 'zeros' }).filled[0]!.name, 'a');
});

test('zeros take the declared type and shape, the batch where the image batch is', () => {
  const m = model([image, ['ids', 7, ['N']], ['bias', 1, [2, 'N', 3]], ['flags', 9, [4]], ['half', 10, ['N']], ['u8', 2, ['N', 2]]]);
  const [ids, bias, flags, half, u8] = modelFeeds(m, { input: 'image', fillInputs: 'zeros' }).filled;
  const z = zerosFor(ids!, 5);
  assert.ok(z.data instanceof BigInt64Array);
  assert.deepEqual([z.dtype, z.dims, [...z.data]], ['int64', [5], [0n, 0n, 0n, 0n, 0n]]);
  assert.deepEqual(bias!.dims, [2, null, 3], "a dimension named like the image's batch is the batch");
  assert.deepEqual(zerosFor(bias!, 4).dims, [2, 4, 3]);
  assert.ok(zerosFor(bias!, 4).data instanceof Float32Array);
  assert.ok(zerosFor(flags!, 4).data instanceof Uint8Array);
  assert.deepEqual(zerosFor(flags!, 4).dims, [4]);
  assert.ok(zerosFor(half!, 3).data instanceof Uint16Array);
  assert.ok(zerosFor(u8!, 3).data instanceof Uint8Array);
  assert.equal(zerosFor(u8!, 3).data.length, 6);
});

test('inputs zeros cannot fill are one line naming --fill-inputs and the input', () => {
  const fill = { input: 'image', fillInputs: 'zeros' as const };
  assert.throws(() => modelFeeds(model([image, ['text', 8, ['N']]]), fill), /--fill-inputs zeros: input 'text' of m\.onnx is string; zeros fill only numeric and bool inputs/);
  assert.throws(() => modelFeeds(model([image, ['tokens', 7, ['N', 'seq']]]), fill), /--fill-inputs zeros: input 'tokens' of m\.onnx has shape \[N, seq\]; zeros fill only inputs whose dimensions are fixed apart from the batch/);
  assert.throws(() => modelFeeds(model([image, ['x', 1, null]]), fill), /input 'x' of m\.onnx declares no shape/);
  assert.throws(() => modelFeeds(model([])), /m\.onnx: expected a model with an image input but its graph has no inputs/);
});
