/**
 * Conformance, mixed architectures: a zoo.json of three seeds each of the
 * torchvision ResNet-18 (external data), the ViT (a static batch of 1) and
 * All-CNN-C from models/, each with its own input, layer names and logits,
 * runs the whole analysis over the same Fashion-MNIST images (resized and
 * normalised per model): the pair matrices span the architectures, results
 * carry the cross-architecture matrices, and the report draws them. The same
 * models as plain files are compared by depth.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../src/native/addon.js';
import { sha256File } from '../../src/zoo/zoo.js';
import { runCliJson } from '../helpers/cli.js';
import { conformanceCase, conformanceFixture, type Exporters } from '../helpers/exporters.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const fx = conformanceFixture('seedscope-conformance-mixed-');

const IMAGENET = { scale: 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const FAST = ['--per-class', '3', '--permutations', '9', '--bootstrap', '10', '--threads', '2', '--no-cache', '--quiet'];

function instancesOf(ex: Exporters, name: string, architecture: string, input: Json, layers: Record<string, string>): Json[] {
  const c = conformanceCase(ex, name);
  return c.instances.map((inst) => {
    const file = ex.path(inst.file);
    return {
      name: `${name}-${inst.seed}`, seed: inst.seed, file, sha256: sha256File(file), architecture, input, output: 'logits',
      layers: Object.entries(layers).map(([short, tensor]) => ({ name: short, tensor })),
      ...(inst.external_data.length > 0 ? { external_data: inst.external_data.map((d) => ({ file: d.slice(dirname(inst.file).length + 1), sha256: sha256File(ex.path(d)) })) } : {}),
    };
  });
}

test('run: a mixed zoo of ResNet-18, ViT and All-CNN-C, each with its own preprocessing', async (t) => {
  if (fx.ex.skip) return t.skip(fx.ex.skip);
  const allcnnc = JSON.parse(readFileSync(join(packageRoot, 'models', 'fmnist-allcnnc', 'zoo.json'), 'utf8')) as Json;
  const zooDir = join(fx.dir, 'zoo');
  const manifest = {
    format: 'seedscope-zoo/1', name: 'three-architectures', classes: allcnnc.classes,
    instances: [
      ...instancesOf(fx.ex, 'resnet18', 'ResNet-18', { name: 'image', shape: [3, 64, 64], layout: 'NCHW', ...IMAGENET }, {
        early: '/layer1/layer1.1/relu_1/Relu_output_0', middle: '/layer3/layer3.1/relu_1/Relu_output_0', late: '/avgpool/GlobalAveragePool_output_0', logits: 'logits',
      }),
      ...instancesOf(fx.ex, 'vit', 'ViT', { name: 'image', shape: [3, 32, 32], layout: 'NCHW', ...IMAGENET }, {
        early: '/encoder/layers/encoder_layer_0/Add_1_output_0', middle: '/encoder/layers/encoder_layer_1/Add_1_output_0', late: '/encoder/ln/Add_1_output_0', logits: 'logits',
      }),
      ...(allcnnc.instances as Json[]).slice(0, 3).map((inst) => {
        const file = join(packageRoot, 'models', 'fmnist-allcnnc', inst.file);
        const short = new Map((allcnnc.layers as Json[]).map((l) => [l.name, l.tensor]));
        return {
          name: `allcnnc-${inst.seed}`, seed: inst.seed, file, sha256: inst.sha256, architecture: 'All-CNN-C', input: allcnnc.input, output: allcnnc.output,
          layers: [['early', 'conv2'], ['middle', 'conv5'], ['late', 'conv8'], ['logits', 'logits']].map(([s, l]) => ({ name: s, tensor: short.get(l) })),
        };
      }),
    ],
  };
  mkdirSync(zooDir, { recursive: true });
  writeFileSync(join(zooDir, 'zoo.json'), JSON.stringify(manifest, null, 2));
  const out = join(fx.dir, 'out');
  const { json: doc } = await runCliJson<Json>(['run', '--zoo', zooDir, '--allow-outside-zoo', ...FAST, '-o', out, '--json']);
  const archs = ['ResNet-18', 'ViT', 'All-CNN-C'];
  assert.deepEqual(doc.zoo.architectures, archs);
  assert.deepEqual(doc.architectures, archs.flatMap((a) => [a, a, a]));
  assert.deepEqual(doc.layers.map((l: Json) => l.name), ['early', 'middle', 'late', 'logits']);
  assert.deepEqual(Object.keys(doc.zoo.feeds_by_architecture), archs);
  // each architecture preprocesses the stimuli its own way: its own checksum, the first one's also the run's
  assert.deepEqual(Object.keys(doc.zoo.stimuli_checksum_by_architecture), archs);
  assert.equal(doc.zoo.stimuli_checksum_by_architecture[archs[0]!], doc.stimuli.checksum);
  assert.equal(new Set(Object.values(doc.zoo.stimuli_checksum_by_architecture)).size, archs.length);
  const x = doc.cross_architecture;
  assert.deepEqual(x.architectures, archs);
  assert.deepEqual(x.instances, [3, 3, 3]);
  for (const [li, l] of (x.layers as Json[]).entries()) {
    const m = doc.layers[li].consistency.matrix_r2 as number[][];
    // ResNet-18 × ViT: the nine pairs of their instances
    let sum = 0;
    for (let i = 0; i < 3; i++) for (let j = 3; j < 6; j++) sum += m[i]![j]!;
    assert.ok(Math.abs(l.mean_r2[0][1] - sum / 9) < 1e-12);
    for (const row of l.mean_r2) for (const v of row) assert.ok(v > 0 && v <= 1, `${l.name}: ${v}`);
  }
  // every architecture names 10 logits: behaviour for all nine
  assert.equal(doc.behaviour.accuracy.length, 9);
  assert.ok(existsSync(join(out, 'figures', 'cross_architecture.png')));
  assert.ok(existsSync(join(out, 'cross_architecture.csv')));
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /Consistency between architectures/);
  assert.match(html, /Each line is coloured by its architecture/);
});

test('run: the same architectures as plain files are compared by depth', async (t) => {
  if (fx.ex.skip) return t.skip(fx.ex.skip);
  const files = ['resnet18', 'vit'].flatMap((name) => conformanceCase(fx.ex, name).instances.slice(0, 2).map((i) => fx.ex.path(i.file)));
  const out = join(fx.dir, 'plain');
  const { json: doc } = await runCliJson<Json>(['run', ...files.flatMap((f) => ['--model', f]),
    '--model', join(packageRoot, 'models', 'fmnist-allcnnc', 'seed[01].onnx'), ...FAST, '-o', out, '--json']);
  // named after each graph's first file's folder (its file names are only seeds: s0.onnx)
  assert.deepEqual(doc.zoo.architectures, ['resnet18', 'vit', 'fmnist-allcnnc']);
  assert.deepEqual(doc.layers.map((l: Json) => l.name), ['depth:0.25', 'depth:0.5', 'depth:0.75', 'depth:1']);
  assert.equal(doc.zoo.layers[3].tensors.vit, 'logits');
  assert.equal(doc.cross_architecture.layers.length, 4);
});
