import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../src/io/npy.js';
import { interruptCli, isOneLineError, runCli, runCliJson } from '../helpers/cli.js';
import { maxAbsDiff, onnxFixture, readGolden, tinyZoo } from '../helpers/fixtures.js';
import { withTempDir } from '../helpers/tmp.js';

test('seedscope layers MODEL --json lists every pickable tensor with op, node, shape and flags', async () => {
  const { json: doc } = await runCliJson<{ input: { layout: string }; layers: { name: string; op: string; node: number; shape: number[]; natural: boolean; default: boolean }[] }>(['layers', onnxFixture('nhwc.onnx'), '--json']);
  assert.equal(doc.input.layout, 'NHWC');
  const pool = doc.layers.find((l) => l.op === 'AveragePool')!;
  assert.deepEqual([pool.node, pool.shape, pool.natural, pool.default], [5, [4, 8, 8], true, false]);
  assert.deepEqual(doc.layers.filter((l) => l.default).map((l) => l.name), ['/relu1/Relu_output_0', 'logits']);
  const text = await runCli(['layers', tinyZoo]);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /relu1 \(\/relu1\/Relu_output_0\)/);
});

test('seedscope extract writes OUT/<instance>/<layer>.npy, labels.npy and manifest.json', () => withTempDir(async (dir) => {
  const out = join(dir, 'acts');
  const golden = readGolden('zoo-tiny-seed1-fmnist');
  const r = await runCli(['extract', '--zoo', tinyZoo, '--per-class', '2', '--layers', 'relu*,logits', '--layers', '/conv2/Conv_output_0', '-o', out, '--batch', '7']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /seed2 \(3\/3\)/);
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
    layers: { name: string; tensor: string; file: string }[]; instances: { name: string; files: Record<string, string>; logits: string }[];
    stimuli: { n: number; per_class: number }; labels: string;
  };
  assert.deepEqual(m.layers.map((l) => l.file), ['relu1.npy', 'conv2_Conv_output_0.npy', 'relu2.npy', 'relu3.npy', 'logits.npy']);
  assert.equal(m.layers[1]!.tensor, '/conv2/Conv_output_0');
  assert.deepEqual([m.stimuli.n, m.stimuli.per_class], [20, 2]);
  assert.equal(m.instances[1]!.logits, 'seed1/logits.npy');
  const relu2 = readNpy(join(out, m.instances[1]!.files.relu2!));
  assert.deepEqual(relu2.shape, [20, 392]);
  assert.ok(maxAbsDiff(relu2.data as Float32Array, golden.tensors['/relu2/Relu_output_0']!.data) < 1e-5);
  assert.deepEqual(Array.from(readNpy(join(out, 'labels.npy')).data as Int32Array).slice(0, 4), [0, 0, 1, 1]);
  assert.ok(!readdirSync(dir).some((f) => f.includes('.tmp-')), 'no temporary folder left');

  // a second run replaces the extraction; --quiet prints nothing, --json one document
  const q = await runCli(['extract', '--model', join(tinyZoo, 'seed0.onnx'), '--per-class', '1', '-o', out, '--quiet']);
  assert.equal(q.code, 0, q.stderr);
  assert.equal(q.stderr, '');
  assert.ok(!existsSync(join(out, 'seed1')));
  const j = await runCliJson<{ instances: unknown[] }>(['extract', '--model', onnxFixture('cnn.onnx'), '--per-class', '1', '-o', out, '--json']);
  assert.equal(j.json.instances.length, 1);
}));

test('extract: bad input is one line on stderr and exit 1, and leaves no output', () => withTempDir(async (dir) => {
  const out = join(dir, 'o');
  const cases: [string[], RegExp][] = [
    [['--zoo', tinyZoo, '--layers', 'relu4'], /did you mean 'relu1', 'relu2', 'relu3'\?/],
    [['--model', onnxFixture('two_inputs.onnx')], /2 inputs \('a', 'b'\); choose the image input with --input NAME/],
    [['--model', onnxFixture('two_inputs.onnx'), '--input', 'a'], /'b' would get no data .*--fill-inputs zeros/],
    [['--model', onnxFixture('two_inputs.onnx'), '--input', 'c', '--fill-inputs', 'zeros'], /--input c: .* has no input of that name; its inputs: 'a', 'b'/],
    [['--zoo', tinyZoo, '--input', 'pixels'], /--input pixels: .*zoo\.json names the image input 'input'/],
    [['--zoo', tinyZoo, '--stimuli', 'idx:/nonexistent/images'], /\/nonexistent\/images: file not found/],
    [['--zoo', tinyZoo, '--device', 'cuda'], /ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node/],
  ];
  writeFileSync(join(dir, 'corrupt.onnx'), readFileSync(onnxFixture('cnn.onnx')).subarray(0, 3000));
  cases.push([['--model', join(dir, 'corrupt.onnx')], /corrupt\.onnx: expected an ONNX model/]);
  for (const [args, pattern] of cases) {
    const r = await runCli(['extract', ...args, '-o', out], { env: { SEEDSCOPE_NO_CUDA: '1' } });
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    assert.match(r.stderr, pattern);
    assert.ok(!existsSync(out));
  }
  const usage = await runCli(['extract', '--zoo', tinyZoo, '--model', onnxFixture('cnn.onnx'), '-o', out]);
  assert.equal(usage.code, 2);
}));

test('Ctrl-C during extract exits with 130 and leaves no output', () => withTempDir(async (dir) => {
  const out = join(dir, 'o');
  const r = await interruptCli(['extract', '--zoo', tinyZoo, '--batch', '1', '--threads', '1', '-o', out], (stderr) => /extract \d+%/.test(stderr));
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /seedscope: cancelled/);
  assert.ok(!existsSync(out));
  assert.ok(!readdirSync(dir).some((f) => f.includes('.tmp-')), 'no temporary folder left');
}));

test('seedscope bench extract --json reports extraction beside raw session.run', async () => {
  const { json: doc } = await runCliJson<Record<string, number>>(['bench', 'extract', '--zoo', tinyZoo, '--per-class', '2', '--instances', '2', '--batch', '8', '--json']);
  for (const k of ['raw_session_run_images_per_s', 'extract_images_per_s', 'extract_batches_only_images_per_s', 'overhead', 'cpu_overhead']) {
    assert.equal(typeof doc[k], 'number', k);
  }
  assert.equal(doc.n, 20);
  assert.equal(doc.layers, 7);
});
