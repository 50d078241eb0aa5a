/**
 * Every zoo committed under models/ (a folder with zoo.json and at least one
 * instance): manifest fields, checksums, graph outputs, identical graphs, and
 * a quick accuracy check of one instance on the first 16 built-in stimuli.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { packageRoot } from '../../src/native/addon.js';
import { loadZoo } from '../../src/zoo/zoo.js';

interface ZooJson {
  format: string; name: string; architecture: string; width: number; dropout: boolean; dataset: string;
  input: { name: string; shape: number[]; layout: string; scale: number; mean: number[]; std: number[] };
  classes: string[]; output: string;
  layers: { name: string; tensor: string }[];
  training: Record<string, unknown>;
  instances: { name: string; seed: number; file: string; sha256: string; test_accuracy: number; training_seconds: number }[];
}

const modelsDir = join(packageRoot, 'models');

function committedZoos(): { dir: string; zoo: ZooJson }[] {
  if (!existsSync(modelsDir)) return [];
  const zoos: { dir: string; zoo: ZooJson }[] = [];
  for (const entry of readdirSync(modelsDir, { withFileTypes: true })) {
    const file = join(modelsDir, entry.name, 'zoo.json');
    if (!entry.isDirectory() || !existsSync(file)) continue;
    const zoo = JSON.parse(readFileSync(file, 'utf8')) as ZooJson;
    if (Array.isArray(zoo.instances) && zoo.instances.length > 0) zoos.push({ dir: join(modelsDir, entry.name), zoo });
  }
  return zoos;
}

function readIdx(path: string): { dims: number[]; data: Uint8Array } {
  let raw = readFileSync(path);
  if (path.endsWith('.gz')) raw = gunzipSync(raw);
  const ndim = raw[3]!;
  const dims = Array.from({ length: ndim }, (_, i) => raw.readUInt32BE(4 + 4 * i));
  return { dims, data: new Uint8Array(raw.buffer, raw.byteOffset + 4 + 4 * ndim, raw.length - 4 - 4 * ndim) };
}

/**
 * Two stimuli of each class: the first two of each class of the built-in set
 * (stored by class, 100 each), or, while that set is absent, the first 20
 * Fashion-MNIST test images.
 */
function someStimuli(): { images: Uint8Array; labels: Uint8Array; source: string } | undefined {
  const builtIn = join(modelsDir, 'stimuli', 'fmnist-1000');
  const img = join(builtIn, 'images-idx3-ubyte.gz');
  const lab = join(builtIn, 'labels-idx1-ubyte.gz');
  if (existsSync(img) && existsSync(lab)) {
    const x = readIdx(img);
    const y = readIdx(lab);
    const size = x.dims.slice(1).reduce((a, b) => a * b, 1);
    const picks = Array.from({ length: 20 }, (_, i) => Math.floor(i / 2) * 100 + (i % 2));
    const images = new Uint8Array(picks.length * size);
    picks.forEach((p, i) => images.set(x.data.subarray(p * size, (p + 1) * size), i * size));
    return { images, labels: Uint8Array.from(picks, (p) => y.data[p]!), source: img };
  }
  const debian = '/usr/share/datasets/fashion-mnist';
  const dImg = join(debian, 't10k-images-idx3-ubyte.gz');
  const dLab = join(debian, 't10k-labels-idx1-ubyte.gz');
  if (!existsSync(dImg) || !existsSync(dLab)) return undefined;
  const x = readIdx(dImg);
  const y = readIdx(dLab);
  return { images: x.data.slice(0, 20 * 784), labels: y.data.slice(0, 20), source: dImg };
}

function graphSignature(bytes: Uint8Array) {
  const model = onnxProto.onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  const ops = (graph.node ?? []).map((n) => n.opType).join(',');
  const outputs = (graph.output ?? []).map((o) => {
    const dims = o.type?.tensorType?.shape?.dim ?? [];
    return `${o.name}[${dims.map((d) => (d.dimParam ? d.dimParam : String(d.dimValue ?? '?'))).join('x')}]`;
  });
  return { ops, outputs };
}

const zoos = committedZoos();

test('there is at least one committed zoo or a clear reason for none', (t) => {
  if (zoos.length === 0) t.skip('no zoo with trained instances under models/ yet');
});

for (const { dir, zoo } of zoos) {
  test(`${zoo.name}: zoo.json has the documented fields`, () => {
    assert.equal(zoo.format, 'seedscope-zoo/1');
    for (const k of ['name', 'architecture', 'dataset', 'output'] as const) assert.equal(typeof zoo[k], 'string', k);
    assert.equal(typeof zoo.width, 'number');
    assert.equal(typeof zoo.dropout, 'boolean');
    assert.equal(zoo.input.layout, 'NCHW');
    assert.equal(zoo.input.mean.length, zoo.input.shape[0]);
    assert.equal(zoo.input.std.length, zoo.input.shape[0]);
    assert.ok(zoo.classes.length >= 2);
    assert.ok(zoo.layers.length > 0);
    assert.ok(zoo.layers.some((l) => l.tensor === zoo.output), 'output is one of the layers');
    assert.equal(typeof zoo.training, 'object');
    const seeds = new Set<number>();
    for (const inst of zoo.instances) {
      assert.ok(Number.isInteger(inst.seed) && !seeds.has(inst.seed), `distinct integer seeds (${inst.name})`);
      seeds.add(inst.seed);
      assert.match(inst.sha256, /^[0-9a-f]{64}$/);
      assert.ok(inst.test_accuracy > 0 && inst.test_accuracy <= 1);
    }
  });

  test(`${zoo.name}: every instance matches its sha256, outputs every layer, and all share one graph`, () => {
    let first: { ops: string; outputs: string[] } | undefined;
    for (const inst of zoo.instances) {
      const bytes = readFileSync(join(dir, inst.file));
      assert.equal(createHash('sha256').update(bytes).digest('hex'), inst.sha256, `${inst.file} sha256`);
      const sig = graphSignature(bytes);
      const names = sig.outputs.map((o) => o.slice(0, o.indexOf('[')));
      for (const layer of zoo.layers) assert.ok(names.includes(layer.tensor), `${inst.file} outputs ${layer.tensor}`);
      if (!first) first = sig;
      else assert.deepEqual(sig, first, `${inst.file} has the same graph as ${zoo.instances[0]!.file}`);
    }
  });

  test(`${zoo.name}: the project's zoo loader accepts it`, () => {
    const loaded = loadZoo(dir);
    assert.equal(loaded.instances.length, zoo.instances.length);
  });

  test(`${zoo.name}: one instance classifies built-in stimuli (two per class)`, async (t) => {
    const stim = someStimuli();
    const n = stim ? stim.labels.length : 0;
    if (!stim) return t.skip('neither models/stimuli/fmnist-1000 nor Debian\'s Fashion-MNIST is present');
    if (zoo.dataset !== 'fashion-mnist') return t.skip(`stimuli are Fashion-MNIST, zoo is ${zoo.dataset}`);
    const [c, h, w] = zoo.input.shape as [number, number, number];
    const x = new Float32Array(n * c * h * w);
    for (let i = 0; i < x.length; i++) {
      const ch = Math.floor(i / (h * w)) % c;
      x[i] = (stim.images[i]! / zoo.input.scale - zoo.input.mean[ch]!) / zoo.input.std[ch]!;
    }
    const inst = zoo.instances[0]!;
    const session = await ort.InferenceSession.create(join(dir, inst.file));
    const out = await session.run({ [zoo.input.name]: new ort.Tensor('float32', x, [n, c, h, w]) });
    for (const layer of zoo.layers) {
      assert.ok(out[layer.tensor], `fetched ${layer.tensor}`);
      assert.equal(out[layer.tensor]!.dims[0], n);
    }
    const logits = out[zoo.output]!.data as Float32Array;
    const k = zoo.classes.length;
    let correct = 0;
    for (let i = 0; i < n; i++) {
      const row = Array.from(logits.subarray(i * k, (i + 1) * k));
      if (row.indexOf(Math.max(...row)) === stim.labels[i]) correct++;
    }
    assert.ok(correct >= 15, `${inst.file}: ${correct}/${n} correct on ${stim.source}`);
  });
}
