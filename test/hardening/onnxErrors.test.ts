import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { packageRoot } from '../../src/native/addon.js';
import { isOneLineError, runCli } from '../helpers/cli.js';
import { withTempDir } from '../helpers/tmp.js';

const { onnx } = onnxProto;
const CNN = join(packageRoot, 'test', 'fixtures', 'onnx', 'cnn.onnx');

test('an opset newer than onnxruntime supports is said plainly, without a C++ signature', () => withTempDir(async (dir) => {
  const m = onnx.ModelProto.decode(readFileSync(CNN));
  m.opsetImport = [onnx.OperatorSetIdProto.create({ domain: '', version: 99 })];
  const file = join(dir, 'opset99.onnx');
  writeFileSync(file, onnx.ModelProto.encode(m).finish());
  for (const args of [['layers', file], ['extract', '--model', file, '--stimuli', 'builtin:fmnist-1000', '--per-class', '1', '-o', join(dir, 'out')]]) {
    const r = await runCli(args);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    assert.match(r.stderr, /the model uses opset 99 of ai\.onnx; onnxruntime \d+\.\d+\.\d+ supports up to \d+\n$/);
    assert.doesNotMatch(r.stderr, /onnxruntime::|\.h:\d+/);
  }
}));

test('a kernel failing inside onnxruntime: no onnxruntime log lines, one line naming the model, the node and the input shape, and it is the last line', () => withTempDir(async (dir) => {
  // conv1's weights made 3-channel while the graph input stays 1-channel: the Conv kernel fails at run time
  const m = onnx.ModelProto.decode(readFileSync(CNN));
  const g = m.graph!;
  const w = g.initializer!.find((t) => t.name === g.node![0]!.input![1])!;
  const [out, , kh, kw] = w.dims!.map(Number) as [number, number, number, number];
  const src = new Float32Array(Uint8Array.from(w.rawData!).buffer);
  const wide = new Float32Array(out * 3 * kh * kw);
  for (let o = 0; o < out; o++) for (let c = 0; c < 3; c++) wide.set(src.subarray(o * kh * kw, (o + 1) * kh * kw), (o * 3 + c) * kh * kw);
  w.dims = [out, 3, kh, kw];
  w.rawData = new Uint8Array(wide.buffer);
  g.valueInfo = [];
  const file = join(dir, 'rgb.onnx');
  writeFileSync(file, onnx.ModelProto.encode(m).finish());
  const r = await runCli(['extract', '--model', file, '--stimuli', 'builtin:fmnist-1000', '--per-class', '1', '--layers', '/conv1/Conv_output_0', '-o', join(dir, 'out')]);
  assert.equal(r.code, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /onnxruntime:|\x1b\[/, 'onnxruntime logged on its own');
  const lines = r.stderr.trim().split('\n');
  const last = lines[lines.length - 1]!;
  assert.equal(lines.filter((l) => l.startsWith('seedscope:')).length, 1, r.stderr);
  assert.match(last, /^seedscope: \S*rgb\.onnx: onnxruntime failed in node '[^']+' \(Conv\) on input of shape \[10, 1, 28, 28\]: /);
}));
