/**
 * Conformance, `seedscope layers`: every real exporter's model
 * (test/fixtures/make_exporters.py) is read with its input (name, layout,
 * shape, type, batch), the inner tensors the suite compares are listed with
 * PyTorch's number of features and their type, and what each model needs
 * beyond the defaults is asked for in one line naming the flag.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256File } from '../../src/zoo/zoo.js';
import { withTempDir } from '../helpers/tmp.js';
import { runCli, runCliJson, isOneLineError } from '../helpers/cli.js';
import { CONFORMANCE_CASES, conformanceCase, conformanceFixture, torchActivations } from '../helpers/exporters.js';

interface LayersJson {
  input: { name: string; layout: string; shape: number[] };
  feeds: { image: string; dtype: string; filled: { name: string; dtype: string; shape: (number | string)[]; value: number }[] };
  fixed_batch: number | null;
  external_data: { file: string }[];
  layers: { tensor: string; shape: number[]; features: number; dtype: string; default: boolean; natural: boolean }[];
}

const fx = conformanceFixture('seedscope-conformance-layers-');

for (const name of CONFORMANCE_CASES) {
  test(`layers: ${name}`, async (t) => {
    if (fx.ex.skip) return t.skip(fx.ex.skip);
    const c = conformanceCase(fx.ex, name);
    const { json } = await runCliJson<LayersJson>(['layers', fx.ex.path(c.instances[0]!.file), '--n', String(c.stimuli.n), '--json', ...c.flags]);
    assert.equal(json.input.name, c.input.name);
    assert.equal(json.input.layout, c.input.layout);
    assert.deepEqual(json.input.shape, c.input.shape);
    assert.equal(json.feeds.image, c.input.name);
    assert.equal(json.feeds.dtype, c.input.dtype);
    assert.equal(json.fixed_batch, c.input.batch === 'dynamic' ? null : c.input.batch);
    assert.equal(json.external_data.length, c.instances[0]!.external_data.length);
    assert.ok(json.layers.some((l) => l.default), 'some layers are picked by default');
    c.tensors.forEach((tensor, k) => {
      const l = json.layers.find((x) => x.tensor === tensor.tensor);
      assert.ok(l, `${tensor.tensor} (PyTorch's ${tensor.module}) is listed`);
      assert.equal(l.features, torchActivations(fx.ex, c, 0, k).shape[1], `${tensor.tensor}: features`);
      assert.equal(l.dtype, c.input.dtype, `${tensor.tensor}: type`);
    });
    if (name === 'two_inputs') assert.deepEqual(json.feeds.filled, [{ name: 'class_id', dtype: 'int64', shape: ['batch'], value: 0 }]);
    else assert.deepEqual(json.feeds.filled, []);
    if (name === 'vit') {
      // a static batch of 1: sequence-first and heads × batch tensors are not per-stimulus layers
      for (const l of json.layers) assert.ok(!/self_attention\/(Softmax|Transpose)_output_0$/.test(l.tensor), `${l.tensor} is not a layer`);
    }
  });
}

test('layers: what a model needs beyond the defaults is one line naming the flag', async (t) => {
  if (fx.ex.skip) return t.skip(fx.ex.skip);
  const two = fx.ex.path(conformanceCase(fx.ex, 'two_inputs').instances[0]!.file);
  const dyn = fx.ex.path(conformanceCase(fx.ex, 'dynamic_hw').instances[0]!.file);
  const cases: [string[], RegExp][] = [
    [[two], /2 inputs \('image', 'class_id'\); choose the image input with --input NAME and feed the others constant zeros with --fill-inputs zeros/],
    [[two, '--input', 'image'], /'class_id' would get no data .*give --fill-inputs zeros/],
    [[two, '--input', 'label', '--fill-inputs', 'zeros'], /--input label: .* has no input of that name; its inputs: 'image', 'class_id'/],
    [[two, '--input', 'class_id', '--fill-inputs', 'zeros'], /expected a float32, float16 or float64 image input but 'class_id' is int64/],
    [[dyn], /symbolic image size .*--input-size H,W/],
  ];
  for (const [args, pattern] of cases) {
    const r = await runCli(['layers', ...args, '--n', '4']);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    assert.match(r.stderr, pattern);
  }
  const usage = await runCli(['layers', two, '--input', 'image', '--fill-inputs', 'ones', '--n', '4']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--fill-inputs <mode>' argument 'ones' is invalid\. Expected one of zeros/);
});

test('layers: a zoo folder of the two-input model names its image input in zoo.json; --fill-inputs zeros feeds the other', async (t) => {
  if (fx.ex.skip) return t.skip(fx.ex.skip);
  const c = conformanceCase(fx.ex, 'two_inputs');
  await withTempDir(async (dir) => {
    const instances = c.instances.map((i) => {
      copyFileSync(fx.ex.path(i.file), join(dir, `s${i.seed}.onnx`));
      return { name: `s${i.seed}`, seed: i.seed, file: `s${i.seed}.onnx`, sha256: sha256File(join(dir, `s${i.seed}.onnx`)) };
    });
    writeFileSync(join(dir, 'zoo.json'), JSON.stringify({
      format: 'seedscope-zoo/1', name: 'two-inputs',
      input: { name: 'image', shape: c.input.shape, layout: 'NCHW', scale: 1, mean: [0], std: [1] },
      output: 'logits', instances,
    }));
    const { json } = await runCliJson<LayersJson>(['layers', dir, '--n', '12', '--fill-inputs', 'zeros', '--json']);
    assert.deepEqual(json.feeds.filled.map((f) => f.name), ['class_id']);
    const r = await runCli(['layers', dir, '--n', '12']);
    assert.equal(r.code, 1);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    assert.match(r.stderr, /'class_id' would get no data .*--fill-inputs zeros/);
    const other = await runCli(['layers', dir, '--n', '12', '--input', 'class_id', '--fill-inputs', 'zeros']);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /--input class_id: .*zoo\.json names the image input 'image'/);
  });
});
