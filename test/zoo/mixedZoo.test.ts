/**
 * Mixed zoos (networks of different architectures in one analysis): the
 * zoo.json fields that give an instance its own architecture, input, layers
 * and output; plain --model files grouped by graph; layers by relative depth;
 * the layers architectures share; and a run whose pair matrix, cross-
 * architecture means and figures come from every architecture's own RDMs.
 */
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { crossArchitecture } from '../../src/analysis/crossArchitecture.js';
import { JoinedRdmSet, MemoryRdmSet } from '../../src/analysis/rdmSet.js';
import type { LayerResult } from '../../src/analysis/types.js';
import { UserError } from '../../src/errors.js';
import { readNpy } from '../../src/io/npy.js';
import { loadZoos } from '../../src/pipeline/loadZoos.js';
import { layerAtDepth, resolveLayers } from '../../src/zoo/resolveLayers.js';
import { resolveSharedLayers } from '../../src/zoo/sharedLayers.js';
import { architectureNames, loadZoo, loadZooParts, modelsAsZoos, sha256File } from '../../src/zoo/zoo.js';
import { validateZooManifest } from '../../src/zoo/zooManifest.js';
import { runCli } from '../helpers/cli.js';
import { pearson } from '../helpers/compareReference.js';
import { onnxFixture, tinyZoo } from '../helpers/fixtures.js';
import { condensed } from '../helpers/rdmReference.js';
import { withTempDir } from '../helpers/tmp.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const tinyManifest = (): Json => JSON.parse(readFileSync(join(tinyZoo, 'zoo.json'), 'utf8')) as Json;

const NHWC_INPUT = { name: 'image', shape: [16, 16, 3], layout: 'NHWC', scale: 255, mean: [0.5], std: [0.25] };

/** The tiny zoo's three instances and nhwc.onnx (another graph: NHWC, 16 × 16 × 3, 5 logits) as one mixed zoo. */
function mixedZoo(dir: string, edit?: (m: Json) => void): string {
  cpSync(tinyZoo, dir, { recursive: true });
  copyFileSync(onnxFixture('nhwc.onnx'), join(dir, 'nhwc.onnx'));
  const m = tinyManifest();
  // the two architectures' logits differ in width (10, 5): the zoo names no classes
  delete m.classes;
  m.instances.push({
    name: 'nhwc', file: 'nhwc.onnx', sha256: sha256File(join(dir, 'nhwc.onnx')), architecture: 'NhwcNet',
    input: NHWC_INPUT,
    layers: [{ name: 'relu1', tensor: '/relu1/Relu_output_0' }, { name: 'logits', tensor: 'logits' }],
  });
  edit?.(m);
  writeFileSync(join(dir, 'zoo.json'), JSON.stringify(m));
  return dir;
}

test('zoo.json: an instance with its own input or layers names its architecture; one architecture, one input', () => {
  const bad = (edit: (m: Json) => void, pattern: RegExp): void => {
    const m = tinyManifest();
    edit(m);
    assert.throws(() => validateZooManifest(m, 'zoo.json'), (e: Error) => e instanceof UserError && pattern.test(e.message), pattern.source);
  };
  bad((m) => { m.instances[1].input = NHWC_INPUT; },
    /^zoo\.json: instances\[1\]\.architecture: expected the name of the architecture whose input, layers or output this instance gives but received nothing/);
  bad((m) => {
    m.instances[0].architecture = 'A';
    m.instances[1].architecture = 'A';
    m.instances[1].input = NHWC_INPUT;
  }, /^zoo\.json: instances\[1\]\.input: expected the same input as instances\[0\] \(both are architecture "A"\)/);
  bad((m) => { delete m.input; }, /^zoo\.json: input: expected the zoo's input \(an object\), since instances\[0\] has no input of its own/);
  bad((m) => { m.instances[2].layers = [{ name: 'x', tensor: 'y' }, { name: 'x', tensor: 'z' }]; }, /instances\[2\]\.layers\[1\]\.name: expected a unique layer name/);
  // every instance with its own input: the zoo needs none
  const m = tinyManifest();
  delete m.input;
  m.instances.forEach((i: Json) => { i.architecture = 'SmallCnn'; i.input = tinyManifest().input; });
  assert.equal(validateZooManifest(m, 'zoo.json').input, null);
});

test('a mixed zoo.json loads as one part per architecture; commands of one architecture refuse it in one line', () => withTempDir((dir) => {
  mixedZoo(dir);
  const parts = loadZooParts(dir);
  assert.deepEqual(parts.map((p) => [p.architecture, p.part, p.instances.map((i) => i.name), p.input.layout, p.layers.map((l) => l.name)]), [
    ['SmallCnn', { index: 0, count: 2 }, ['seed0', 'seed1', 'seed2'], 'NCHW', ['conv1', 'relu1', 'pool1', 'relu2', 'bn2', 'relu3', 'logits']],
    ['NhwcNet', { index: 1, count: 2 }, ['nhwc'], 'NHWC', ['relu1', 'logits']],
  ]);
  assert.ok(parts.every((p) => p.name === 'tiny-cnn'));
  assert.throws(() => loadZoo(dir), /mixes 2 architectures: SmallCnn \(3\), NhwcNet \(1\); this command takes one architecture/);
  assert.throws(() => loadZoos({ zoo: [dir] }, { single: true }), /zoo tiny-cnn mixes 2 architectures: SmallCnn \(3\), NhwcNet \(1\)/);
  // each architecture's claims are checked against its own graph, naming the instance's field
  mixedZoo(dir, (m) => { m.instances[3].layers[0].tensor = '/relu9/Relu_output_0'; });
  assert.throws(() => loadZooParts(dir), /zoo\.json: instances\[3\]\.layers\[0\]\.tensor: expected a tensor of nhwc\.onnx but '\/relu9\/Relu_output_0' is not in the graph/);
  mixedZoo(dir, (m) => { m.instances[3].input = { ...NHWC_INPUT, shape: [3, 16, 16] }; });
  assert.throws(() => loadZooParts(dir), /instances\[3\]\.input\.shape: the model takes \[batch, 16, 16, 3\]/);
}));

test('seedscope layers on a mixed zoo: a table per architecture, the shared layers as defaults', () => withTempDir(async (dir) => {
  mixedZoo(dir);
  const text = await runCli(['layers', dir, '--n', '100']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^architecture SmallCnn \(3 instances of 2 architectures; default = the layers all share\)$/m);
  assert.match(text.stdout, /^architecture NhwcNet \(1 instance of 2 architectures; default = the layers all share\)$/m);
  assert.match(text.stdout, /^input 'image' NHWC \[16, 16, 3\] float32$/m);
  const json = await runCli(['layers', dir, '--n', '100', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout) as Json;
  assert.deepEqual(doc.architectures.map((a: Json) => a.architecture), ['SmallCnn', 'NhwcNet']);
  for (const a of doc.architectures as Json[]) {
    assert.deepEqual(a.layers.filter((l: Json) => l.default).map((l: Json) => l.name), ['relu1', 'logits']);
  }
}));

test('plain files of different graphs are one mixed zoo, named by its architectures', () => {
  const parts = modelsAsZoos([join(tinyZoo, 'seed*.onnx'), onnxFixture('nhwc.onnx')]);
  assert.deepEqual(parts.map((p) => [p.name, p.architecture, p.part, p.instances.map((i) => i.name)]), [
    ['zoo-tiny+nhwc', 'zoo-tiny', { index: 0, count: 2 }, ['seed0', 'seed1', 'seed2']],
    ['zoo-tiny+nhwc', 'nhwc', { index: 1, count: 2 }, ['nhwc']],
  ]);
  // one graph: one zoo, as before
  const one = modelsAsZoos([join(tinyZoo, 'seed*.onnx'), onnxFixture('cnn.onnx')]);
  assert.equal(one.length, 1);
  assert.equal(one[0]!.part, null);
  assert.deepEqual(architectureNames(['/m/resnet18-seed2.onnx', '/m/vit_3.onnx', '/zoo/allcnnc/seed0.onnx', '/n/resnet18-seed0.onnx']),
    ['resnet18', 'vit', 'allcnnc', 'resnet18-4']);
});

test('--layers depth: picks natural layers by relative depth; numbers after depth: continue the list', async () => {
  assert.deepEqual([0, 0.1, 0.25, 0.5, 0.51, 1].map((f) => layerAtDepth(['a', 'b', 'c', 'd'], f)), ['a', 'a', 'a', 'b', 'b', 'd']);
  const model = modelsAsZoos([onnxFixture('cnn.onnx')])[0]!;
  // natural layers of cnn.onnx: conv1, relu1, pool1, conv2, relu2, fc1, relu3, logits (8)
  const picked = await resolveLayers(model, ['depth:0.25,0.5,1']);
  assert.deepEqual(picked.map((l) => [l.name, l.tensor]), [
    ['depth:0.25', '/relu1/Relu_output_0'], ['depth:0.5', '/conv2/Conv_output_0'], ['depth:1', 'logits'],
  ]);
  // names and depths together, in graph order; a depth on a named tensor is kept under its own name
  const both = await resolveLayers(model, ['depth:1', '/relu1/Relu_output_0', 'depth:0.25']);
  assert.deepEqual(both.map((l) => l.name), ['/relu1/Relu_output_0', 'depth:0.25', 'depth:1']);
  for (const bad of ['depth:1.5', 'depth:-0.1', 'depth:x', 'depth:']) {
    await assert.rejects(resolveLayers(model, [bad]), /--layers depth:.*: expected a relative depth in \[0, 1\]/);
  }
  await assert.rejects(resolveLayers(model, ['depth:0.5,2']), /--layers depth:2: expected a relative depth in \[0, 1\]/);
});

test('a mixed zoo compares the layers every architecture has: shared names, depths, or a one-line error', () => withTempDir(async (dir) => {
  const parts = loadZooParts(mixedZoo(dir));
  const names = (per: { name: string; tensor: string }[][]): string[][] => per.map((l) => l.map((x) => `${x.name}=${x.tensor}`));
  assert.deepEqual(names(await resolveSharedLayers(parts, [])), [
    ['relu1=/relu1/Relu_output_0', 'logits=logits'], ['relu1=/relu1/Relu_output_0', 'logits=logits'],
  ]);
  assert.deepEqual(names(await resolveSharedLayers(parts, ['logits'])), [['logits=logits'], ['logits=logits']]);
  const byDepth = await resolveSharedLayers(parts, ['depth:0.5,1']);
  assert.deepEqual(byDepth.map((l) => l.map((x) => x.name)), [['depth:0.5', 'depth:1'], ['depth:0.5', 'depth:1']]);
  assert.deepEqual(byDepth[1]!.map((x) => x.tensor), ['/relu1/Relu_output_0', 'logits']); // nhwc.onnx: conv1, relu1, pool, logits
  await assert.rejects(resolveSharedLayers(parts, ['pool1']),
    /^UserError: architecture NhwcNet: --layers pool1: no layer or tensor has this name.*\(in a mixed zoo each layer must exist in every architecture; names every architecture has: relu1, logits; or choose by depth: --layers depth:0\.25,0\.5,1\)$/);
  await assert.rejects(resolveSharedLayers(parts, ['op:Relu']), /--layers: 'relu2' is a layer of architecture SmallCnn but not of NhwcNet/);
  // a run of such files says, in one warning line, that they are compared as a mixed zoo
  const r = await runCli(['run', '--model', join(tinyZoo, 'seed0.onnx'), '--model', join(tinyZoo, 'seed1.onnx'), '--model', onnxFixture('nhwc.onnx'),
    '--per-class', '3', '--permutations', '0', '--bootstrap', '0', '--quiet', '--no-cache', '-o', join(dir, 'plain')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /--model files of 2 graphs are compared as one zoo of 2 architectures \(zoo-tiny: 2, nhwc: 1\) at layers depth:0\.25, depth:0\.5, depth:0\.75, depth:1/);
  // architectures without a shared short name: four depths
  const plain = modelsAsZoos([join(tinyZoo, 'seed0.onnx'), onnxFixture('nhwc.onnx')]);
  assert.deepEqual((await resolveSharedLayers(plain, []))[0]!.map((l) => l.name), ['depth:0.25', 'depth:0.5', 'depth:0.75', 'depth:1']);
}));

test('a joined RDM set reads each architecture\'s RDMs in turn; cross-architecture means by hand', async () => {
  const a = new MemoryRdmSet(3);
  const b = new MemoryRdmSet(3);
  const info = [{ name: 'L', n: 3, d: 4 }];
  a.add('a0', info, [{ full: Float64Array.of(1, 2, 3) }]);
  a.add('a1', info, [{ full: Float64Array.of(2, 2, 3) }]);
  b.add('b0', [{ name: 'L', n: 3, d: 7 }], [{ full: Float64Array.of(3, 1, 2) }]);
  const joined = new JoinedRdmSet([a, b]);
  assert.deepEqual(joined.instances, ['a0', 'a1', 'b0']);
  assert.ok(Number.isNaN(joined.layers[0]!.d)); // feature counts differ
  assert.deepEqual([...await joined.read(0, 2, 'full')], [3, 1, 2]);
  const out = new Float64Array(2);
  await joined.readRange(0, 1, 'full', 1, 3, out, 0);
  assert.deepEqual([...out], [2, 3]);
  const c = new MemoryRdmSet(4);
  c.add('c0', [{ name: 'L', n: 4, d: 1 }], [{ full: new Float64Array(6) }]);
  assert.throws(() => new JoinedRdmSet([a, c]), /differ in their stimuli/);

  const layer = { name: 'L', consistency: { matrix_r2: [[1, 0.5, 0.2], [0.5, 1, 0.4], [0.2, 0.4, 1]] } } as unknown as LayerResult;
  const x = crossArchitecture([layer], ['A', 'A', 'B']);
  assert.deepEqual(x.architectures, ['A', 'B']);
  assert.deepEqual(x.instances, [2, 1]);
  const m = x.layers[0]!.mean_r2;
  assert.equal(m[0]![0], 0.5);
  assert.ok(Math.abs(m[0]![1]! - 0.3) < 1e-15 && m[1]![0] === m[0]![1]);
  assert.equal(m[1]![1], null); // one instance of B: no pair within it
});

/** The condensed upper triangle of a saved square RDM. */
function condensedNpy(file: string): Float64Array {
  const { data, shape } = readNpy(file);
  return condensed(data as Float32Array, shape[0]!); // --save-rdms writes float32
}

test('a run over a mixed zoo: each architecture sees the stimuli its way; pairs across architectures compare their own RDMs', () => withTempDir(async (dir) => {
  const zoo = mixedZoo(join(dir, 'zoo'));
  const args = ['--per-class', '4', '--permutations', '19', '--bootstrap', '10', '--threads', '2', '--quiet', '--no-cache'];
  const r = await runCli(['run', '--zoo', zoo, ...args, '--save-rdms', '-o', join(dir, 'mixed')]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(readFileSync(join(dir, 'mixed', 'results.json'), 'utf8')) as Json;
  assert.deepEqual(doc.instances, ['seed0', 'seed1', 'seed2', 'nhwc']);
  assert.deepEqual(doc.architectures, ['SmallCnn', 'SmallCnn', 'SmallCnn', 'NhwcNet']);
  assert.deepEqual(doc.zoo.architectures, ['SmallCnn', 'NhwcNet']);
  assert.deepEqual(doc.zoo.layers, [
    { name: 'relu1', tensors: { SmallCnn: '/relu1/Relu_output_0', NhwcNet: '/relu1/Relu_output_0' } },
    { name: 'logits', tensors: { SmallCnn: 'logits', NhwcNet: 'logits' } },
  ]);
  assert.deepEqual(doc.cross_architecture.architectures, ['SmallCnn', 'NhwcNet']);
  // every entry of the pair matrix from the saved RDMs, the slow way
  for (const [li, layer] of (doc.layers as Json[]).entries()) {
    const rdms: Float64Array[] = doc.instances.map((inst: string) => condensedNpy(join(dir, 'mixed', 'rdms', 'tiny-cnn', inst, `${layer.name}.npy`)));
    for (let i = 0; i < 4; i++) {
      for (let j = i + 1; j < 4; j++) {
        const want = pearson(rdms[i]!, rdms[j]!) ** 2; // the slow way
        assert.ok(Math.abs(layer.consistency.matrix_r2[i][j] - want) < 1e-6, `${layer.name} ${i} ${j}: ${layer.consistency.matrix_r2[i][j]} vs ${want}`);
      }
    }
    const x = doc.cross_architecture.layers[li];
    const m = layer.consistency.matrix_r2;
    assert.ok(Math.abs(x.mean_r2[0][1] - (m[0][3] + m[1][3] + m[2][3]) / 3) < 1e-12);
    assert.ok(Math.abs(x.mean_r2[0][0] - (m[0][1] + m[0][2] + m[1][2]) / 3) < 1e-12);
    assert.equal(x.mean_r2[1][1], null);
  }
  // the SmallCnn instances' entries equal a run of that architecture alone
  const alone = await runCli(['run', '--zoo', tinyZoo, ...args, '--layers', 'relu1,logits', '-o', join(dir, 'alone')]);
  assert.equal(alone.code, 0, alone.stderr);
  const single = JSON.parse(readFileSync(join(dir, 'alone', 'results.json'), 'utf8')) as Json;
  for (const [li, layer] of (single.layers as Json[]).entries()) {
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assert.equal(doc.layers[li].consistency.matrix_r2[i][j], layer.consistency.matrix_r2[i][j]);
  }
  const csv = readFileSync(join(dir, 'mixed', 'cross_architecture.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'zoo,layer,architecture_a,architecture_b,mean_r2');
  assert.equal(csv.length, 1 + 2 * 4);
  const html = readFileSync(join(dir, 'mixed', 'report.html'), 'utf8');
  assert.match(html, /Consistency between architectures/);
  assert.match(html, /coloured by its architecture/);
  // the logits differ in width (10, 5): behaviour is left out, and the report says why
  assert.equal(doc.behaviour, null);
}));

test('a mixed zoo through the cache as SLURM array tasks fill it: instances numbered across architectures, a later run reuses them', () => withTempDir(async (dir) => {
  const zoo = mixedZoo(join(dir, 'zoo'));
  const cache = join(dir, 'cache');
  const common = ['--zoo', zoo, '--per-class', '3', '--threads', '2', '--quiet', '--cache', cache];
  // what array task 2 of 2 would run: the last architecture's one instance (number 3)
  const task = await runCli(['run', ...common, '--only-rdms', '--instances', '3']);
  assert.equal(task.code, 0, task.stderr);
  const r = await runCli(['run', ...common, '--permutations', '0', '--bootstrap', '0', '-o', join(dir, 'out')]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(readFileSync(join(dir, 'out', 'results.json'), 'utf8')) as Json;
  // 2 shared layers × 3 variants: the nhwc instance's 6 RDMs were the task's, the SmallCnn instances' 18 are new
  assert.equal(doc.rdm_cache.reused, 6);
  assert.equal(doc.rdm_cache.computed, 18);
  assert.deepEqual(doc.architectures, ['SmallCnn', 'SmallCnn', 'SmallCnn', 'NhwcNet']);
}));

