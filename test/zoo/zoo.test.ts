import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../src/errors.js';
import { loadZoo, zooFromModels } from '../../src/zoo/zoo.js';
import { validateZooManifest } from '../../src/zoo/zooManifest.js';
import { onnxFixture, tinyZoo } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const manifest = (): Record<string, unknown> => JSON.parse(readFileSync(join(tinyZoo, 'zoo.json'), 'utf8')) as Record<string, unknown>;

function copyZoo(edit?: (m: Record<string, unknown>) => void): { dir: string; cleanup: () => void } {
  const t = tempDir();
  cpSync(tinyZoo, t.dir, { recursive: true });
  if (edit) {
    const m = manifest();
    edit(m);
    writeFileSync(join(t.dir, 'zoo.json'), JSON.stringify(m));
  }
  return t;
}

test('loadZoo reads the tiny zoo: input, classes, layers, instances with absolute files', () => {
  const zoo = loadZoo(tinyZoo);
  assert.equal(zoo.name, 'tiny-cnn');
  assert.deepEqual(zoo.input.shape, [1, 28, 28]);
  assert.equal(zoo.input.layout, 'NCHW');
  assert.equal(zoo.classes?.length, 10);
  assert.equal(zoo.output, 'logits');
  assert.deepEqual(zoo.instances.map((i) => i.name), ['seed0', 'seed1', 'seed2']);
  assert.deepEqual(zoo.instances.map((i) => i.seed), [0, 1, 2]);
  assert.ok(zoo.instances[0]!.file.endsWith('seed0.onnx'));
  assert.equal(zoo.fixedBatch, null);
});

test('the validator names the wrong field', () => {
  const bad = (edit: (m: Record<string, unknown>) => void, pattern: RegExp): void => {
    const m = manifest();
    edit(m);
    assert.throws(() => validateZooManifest(m, 'zoo.json'), (e: Error) => e instanceof UserError && pattern.test(e.message));
  };
  bad((m) => { (m.instances as { sha256: string }[])[2]!.sha256 = 'abc'; }, /^zoo\.json: instances\[2\]\.sha256: expected 64 hex characters but received "abc"$/);
  bad((m) => { m.format = 'other/2'; }, /zoo\.json: format: expected "seedscope-zoo\/1"/);
  bad((m) => { delete m.input; }, /zoo\.json: input: expected the zoo's input \(an object\), since instances\[0\] has no input of its own but received nothing/);
  bad((m) => { (m.input as { layout: string }).layout = 'CHW'; }, /input\.layout: expected "NCHW" or "NHWC"/);
  bad((m) => { (m.input as { std: number[] }).std = [0]; }, /input\.std\[0\]: expected a positive number/);
  bad((m) => { (m.input as { mean: number[] }).mean = [0, 0]; }, /input\.mean: expected 1 or 1 values/);
  bad((m) => { (m.instances as { name: string }[])[1]!.name = 'seed0'; }, /instances\[1\]\.name: expected a unique instance name \(index 0 has the same\) but received "seed0"/);
  bad((m) => { (m.instances as { test_accuracy: number }[])[0]!.test_accuracy = 1.5; }, /instances\[0\]\.test_accuracy: expected an accuracy in \[0, 1\]/);
  bad((m) => { (m.layers as { tensor: unknown }[])[0]!.tensor = 3; }, /layers\[0\]\.tensor: expected a non-empty string but received number 3/);
  bad((m) => { m.instances = []; }, /instances: expected an array of at least 1/);
});

test('loadZoo names a missing or altered instance file', () => {
  const t = copyZoo();
  try {
    writeFileSync(join(t.dir, 'seed1.onnx'), Buffer.concat([readFileSync(join(t.dir, 'seed1.onnx')), Buffer.from([0])]));
    assert.throws(() => loadZoo(t.dir), /seed1\.onnx: sha256 is [0-9a-f]{64} but .*instances\[1\]\.sha256 says/);
  } finally {
    t.cleanup();
  }
  const t2 = copyZoo((m) => { (m.instances as { file: string }[])[2]!.file = 'gone.onnx'; });
  try {
    assert.throws(() => loadZoo(t2.dir), /instances\[2\]\.file: gone\.onnx not found/);
  } finally {
    t2.cleanup();
  }
});

test('loadZoo checks layer tensors and the input against the graph', () => {
  const t = copyZoo((m) => { (m.layers as { tensor: string }[])[1]!.tensor = '/relu9/Relu_output_0'; });
  try {
    assert.throws(() => loadZoo(t.dir), /layers\[1\]\.tensor: expected a tensor of seed0\.onnx but '\/relu9\/Relu_output_0' is not in the graph/);
  } finally {
    t.cleanup();
  }
  const t3 = copyZoo((m) => { (m.classes as string[]).pop(); });
  try {
    assert.throws(() => loadZoo(t3.dir), /classes: the output 'logits' has 10 classes but zoo.json names 9/);
  } finally {
    t3.cleanup();
  }
  const t2 = copyZoo((m) => { (m.input as { shape: number[] }).shape = [1, 32, 32]; });
  try {
    assert.throws(() => loadZoo(t2.dir), /input\.shape: the model takes \[batch, 1, 28, 28\]/);
  } finally {
    t2.cleanup();
  }
});

test('instances of one zoo must share one graph; the difference is named', () => {
  assert.throws(() => zooFromModels([onnxFixture('cnn.onnx'), onnxFixture('batch1.onnx')]), /batch1\.onnx: expected the same graph as .*cnn\.onnx .* but inputs differ/);
  assert.throws(() => zooFromModels([onnxFixture('cnn.onnx'), onnxFixture('nhwc.onnx')]), /nhwc\.onnx: expected the same graph/);
  const z = zooFromModels([onnxFixture('cnn.onnx'), join(tinyZoo, 'seed0.onnx')]);
  assert.deepEqual(z.instances.map((i) => i.name), ['cnn', 'seed0']);
});

test('zooFromModels expands glob patterns in sorted order and reads the input spec', () => {
  const z = zooFromModels([join(tinyZoo, 'seed*.onnx')]);
  assert.deepEqual(z.instances.map((i) => i.name), ['seed0', 'seed1', 'seed2']);
  assert.deepEqual(z.input, { name: 'input', shape: [1, 28, 28], layout: 'NCHW', scale: 255, mean: [0], std: [1] });
  assert.equal(z.output, 'logits');
  const nhwc = zooFromModels([onnxFixture('nhwc.onnx')], { input: { mean: [0.5], std: [0.2, 0.2, 0.2] } });
  assert.deepEqual(nhwc.input.shape, [16, 16, 3]);
  assert.equal(nhwc.input.layout, 'NHWC');
  assert.equal(zooFromModels([onnxFixture('batch1.onnx')]).fixedBatch, 1);
  assert.throws(() => zooFromModels([join(tinyZoo, 'nothing*.onnx')]), /matches no file/);
});

test('a model with two inputs, a corrupt file and a missing file are clear errors', () => {
  assert.throws(() => zooFromModels([onnxFixture('two_inputs.onnx')]), /two_inputs\.onnx: the model has 2 inputs \('a', 'b'\); choose the image input with --input NAME and feed the others constant zeros with --fill-inputs zeros/);
  const t = tempDir();
  try {
    const truncated = join(t.dir, 'truncated.onnx');
    writeFileSync(truncated, readFileSync(onnxFixture('cnn.onnx')).subarray(0, 5000));
    assert.throws(() => zooFromModels([truncated]), (e: Error) => e instanceof UserError && /truncated\.onnx: expected an ONNX model/.test(e.message));
    const text = join(t.dir, 'text.onnx');
    writeFileSync(text, 'this is not a model');
    assert.throws(() => zooFromModels([text]), /text\.onnx: expected an ONNX model/);
    copyFileSync(onnxFixture('cnn.onnx'), join(t.dir, 'ok.onnx'));
    assert.throws(() => zooFromModels([join(t.dir, 'missing.onnx')]), /missing\.onnx: model file not found/);
  } finally {
    t.cleanup();
  }
});
