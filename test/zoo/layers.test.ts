import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InferenceSession } from 'onnxruntime-node';
import { exposeTensors } from '../../src/zoo/exposeOutputs.js';
import { readOnnxModel } from '../../src/zoo/onnxModel.js';
import { layerCatalog } from '../../src/zoo/layerCatalog.js';
import { closestNames, resolveLayers } from '../../src/zoo/resolveLayers.js';
import { loadZoo, zooFromModels } from '../../src/zoo/zoo.js';
import { onnxFixture, tinyZoo } from '../helpers/fixtures.js';

const names = async (target: Parameters<typeof resolveLayers>[0], specs: string[]): Promise<string[]> =>
  (await resolveLayers(target, specs)).map((l) => l.name);

test('catalog: every float tensor with op, node position, shape and the natural flag', async () => {
  const cat = await layerCatalog(zooFromModels([onnxFixture('cnn.onnx')]));
  assert.equal(cat.length, 10);
  const conv2 = cat.find((l) => l.tensor === '/conv2/Conv_output_0')!;
  assert.deepEqual([conv2.op, conv2.node, conv2.shape, conv2.size, conv2.natural], ['Conv', 3, [8, 7, 7], 392, true]);
  const flatten = cat.find((l) => l.op === 'Flatten')!;
  assert.equal(flatten.natural, false);
  assert.equal(cat.find((l) => l.tensor === 'logits')!.graphOutput, true);
});

test('catalog shapes come from a dummy batch where the graph does not declare them', async () => {
  const model = readOnnxModel(onnxFixture('nhwc.onnx'));
  assert.equal(model.valueInfo.size, 0);
  const cat = await layerCatalog(model);
  assert.deepEqual(cat.find((l) => l.op === 'AveragePool')!.shape, [4, 8, 8]);
  assert.deepEqual(cat.find((l) => l.op === 'Transpose')!.shape, [3, 16, 16]);
  // the Constant (int64 pads) is not a layer
  assert.ok(!cat.some((l) => l.tensor === '/pool1/Constant_output_0'));
});

test('default layers: the zoo’s named layers, or every nonlinearity plus the output', async () => {
  assert.deepEqual(await names(loadZoo(tinyZoo), []), ['conv1', 'relu1', 'pool1', 'relu2', 'bn2', 'relu3', 'logits']);
  assert.deepEqual(await names(zooFromModels([onnxFixture('cnn.onnx')]), []),
    ['/relu1/Relu_output_0', '/relu2/Relu_output_0', '/relu3/Relu_output_0', 'logits']);
});

test('selection by short name, exact tensor, pattern, op type; repeated and comma-separated; graph order', async () => {
  const zoo = loadZoo(tinyZoo);
  assert.deepEqual(await names(zoo, ['logits,conv1']), ['conv1', 'logits']);
  assert.deepEqual(await names(zoo, ['relu*']), ['relu1', 'relu2', 'relu3']);
  assert.deepEqual(await names(zoo, ['op:Conv', 'relu3', '/flatten/Flatten_output_0']), ['conv1', '/conv2/Conv_output_0', '/flatten/Flatten_output_0', 'relu3']);
  const plain = zooFromModels([onnxFixture('cnn.onnx')]);
  // '*' crosses '/' in tensor names
  assert.deepEqual(await names(plain, ['/relu*']), ['/relu1/Relu_output_0', '/relu2/Relu_output_0', '/relu3/Relu_output_0']);
  assert.deepEqual(await names(plain, ['*Gemm*']), ['/fc1/Gemm_output_0']);
  assert.deepEqual(await names(plain, ['op:relu', 'op:Relu']), ['/relu1/Relu_output_0', '/relu2/Relu_output_0', '/relu3/Relu_output_0']);
});

test('an unknown layer is an error that suggests the closest names', async () => {
  const zoo = loadZoo(tinyZoo);
  await assert.rejects(resolveLayers(zoo, ['relu4']), /--layers relu4: no layer or tensor has this name; did you mean 'relu1', 'relu2', 'relu3'\?/);
  await assert.rejects(resolveLayers(zoo, ['op:Sigmoid']), /no layer is the output of a Sigmoid op; ops in .*: Conv, Relu, MaxPool/);
  await assert.rejects(resolveLayers(zoo, ['zzz*']), /the pattern matches no layer/);
  const nhwc = zooFromModels([onnxFixture('nhwc.onnx')]);
  await assert.rejects(resolveLayers(nhwc, ['/pool1/Constant_output_0']), /not a per-stimulus float activation/);
  assert.deepEqual(closestNames('conv', ['conv1', 'logits', 'relu1']).slice(0, 1), ['conv1']);
});

test('exposing inner tensors leaves the file unchanged and onnxruntime sees the new outputs', async () => {
  const file = onnxFixture('cnn.onnx');
  const before = readFileSync(file);
  const model = readOnnxModel(file);
  const bytes = exposeTensors(model, ['/relu1/Relu_output_0', 'logits']);
  const session = await InferenceSession.create(bytes);
  assert.deepEqual([...session.outputNames].sort(), ['/relu1/Relu_output_0', 'logits']);
  await session.release();
  assert.ok(readFileSync(file).equals(before));
  assert.equal(exposeTensors(model, ['logits']), model.bytes);
});
