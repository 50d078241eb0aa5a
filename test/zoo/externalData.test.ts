/**
 * Models whose weights live in external data files (onnx's
 * save_as_external_data): `layers`, `extract` and `run` work on them from any
 * current directory and give the tensors of the same model with embedded
 * weights; locations leaving the model's folder are refused in one line;
 * checksums and cache keys cover the data files. The models are made at test
 * time by test/fixtures/make_external_data.py from cnn.onnx (python3-onnx);
 * skipped with a notice where /usr/bin/python3 cannot import onnx.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/native/addon.js';
import { zooRdmKeys } from '../../src/pipeline/cachedRdms.js';
import type { StimulusLabels } from '../../src/analysis/types.js';
import type { StimulusSet } from '../../src/stimuli/loadStimuli.js';
import type { ResolvedLayer } from '../../src/zoo/resolveLayers.js';
import { loadZoo, sha256File, zooFromModels } from '../../src/zoo/zoo.js';
import { runCli, runCliJson } from '../helpers/cli.js';
import { onnxFixture } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const python = process.env.SEEDSCOPE_PYTHON ?? '/usr/bin/python3';
const script = join(packageRoot, 'test', 'fixtures', 'make_external_data.py');

let skip: string | undefined;
let root = '';
let cleanup = (): void => undefined;
/** a folder that is neither the package nor a model's: the current directory of every CLI run */
let elsewhere = '';

before(() => {
  if (!existsSync(python)) {
    skip = `${python} not found`;
  } else {
    const probe = spawnSync(python, ['-c', 'import onnx'], { encoding: 'utf8' });
    if (probe.status !== 0) skip = `${python} cannot import onnx (${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()}): apt-get install python3-onnx`;
  }
  if (skip) {
    process.stderr.write(`# external data tests skipped: ${skip}\n`);
    return;
  }
  ({ dir: root, cleanup } = tempDir('seedscope-extdata-'));
  const r = spawnSync(python, [script, join(root, 'fx')], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  elsewhere = join(root, 'elsewhere');
  mkdirSync(elsewhere);
});
after(() => cleanup());

const fx = (...p: string[]): string => join(root, 'fx', ...p);

interface LayersJson {
  n: number;
  external_data: { file: string; sha256: string }[];
  default_bytes: number;
  layers: { name: string; tensor: string; op: string; node: number; shape: number[]; size: number; features: number; dtype: string; bytes: number; natural: boolean; default: boolean; output: boolean }[];
}

test('layers: an external-data model from another current directory lists the embedded model’s tensors, with features and memory', async (t) => {
  if (skip) return t.skip(skip);
  const embedded = await runCliJson<LayersJson>(['layers', onnxFixture('cnn.onnx'), '--n', '1000', '--json'], { cwd: elsewhere });
  for (const model of [fx('ext', 'cnn.onnx'), fx('split', 'cnn.onnx')]) {
    const ext = await runCliJson<LayersJson>(['layers', model, '--n', '1000', '--json'], { cwd: elsewhere });
    assert.deepEqual(ext.json.layers, embedded.json.layers);
    assert.ok(ext.json.external_data.length >= 1);
  }
  assert.deepEqual(embedded.json.external_data, []);
  const { layers, n } = embedded.json;
  assert.equal(n, 1000);
  const conv2 = layers.find((l) => l.tensor === '/conv2/Conv_output_0')!;
  assert.deepEqual([conv2.shape, conv2.size, conv2.features, conv2.dtype, conv2.bytes, conv2.natural], [[8, 7, 7], 392, 392, 'float32', 1000 * 392 * 4, true]);
  assert.equal(layers.find((l) => l.op === 'Flatten')!.natural, false);
  assert.equal(embedded.json.default_bytes, layers.filter((l) => l.default).reduce((a, l) => a + l.bytes, 0));
  // N defaults to the size of --stimuli (the default set: 1,000 images; --per-class 2: 20)
  const byStimuli = await runCliJson<LayersJson>(['layers', fx('ext', 'cnn.onnx'), '--per-class', '2', '--json'], { cwd: elsewhere });
  assert.equal(byStimuli.json.n, 20);
  assert.equal(byStimuli.json.layers.find((l) => l.tensor === 'logits')!.bytes, 20 * 10 * 4);
  const text = await runCli(['layers', fx('ext', 'cnn.onnx')], { cwd: elsewhere });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /weights in 1 external data file \(cnn\.weights\)/);
  assert.match(text.stdout, /features\s+memory \(N=1000\)\s+natural\s+default\s+name/);
  assert.match(text.stdout, /392\s+1\.5 MiB\s+yes\s+-\s+\/conv2\/Conv_output_0/);
  assert.match(text.stdout, /10 tensors, 8 natural layers/);
});

test('extract: external-data models from another current directory give exactly the embedded model’s tensors', async (t) => {
  if (skip) return t.skip(skip);
  const args = ['--per-class', '2', '--layers', 'op:Relu,/conv2/Conv_output_0,logits', '--batch', '7'];
  const extract = async (model: string, out: string): Promise<string> => {
    const r = await runCli(['extract', '--model', model, ...args, '-o', out], { cwd: elsewhere });
    assert.equal(r.code, 0, r.stderr);
    return out;
  };
  const ref = await extract(onnxFixture('cnn.onnx'), join(root, 'out-embedded'));
  const refFiles = readdirSync(join(ref, 'cnn')).sort();
  assert.equal(refFiles.length, 5);
  for (const variant of ['ext', 'split']) {
    const out = await extract(fx(variant, 'cnn.onnx'), join(root, `out-${variant}`));
    assert.deepEqual(readdirSync(join(out, 'cnn')).sort(), refFiles);
    for (const f of refFiles) assert.ok(readFileSync(join(out, 'cnn', f)).equals(readFileSync(join(ref, 'cnn', f))), `${variant}: ${f} differs`);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { instances: { external_data?: { file: string; sha256: string }[] }[] };
    const data = manifest.instances[0]!.external_data!;
    assert.ok(data.length >= 1);
    for (const d of data) assert.equal(d.sha256, sha256File(d.file));
  }
});

test('extract: a PyTorch export re-saved with external data gives the export’s own tensors (where torch imports)', async (t) => {
  if (skip) return t.skip(skip);
  const made = JSON.parse(readFileSync(fx('manifest.json'), 'utf8')) as { torch: boolean };
  if (!made.torch) return t.skip(`${python} cannot import torch: the PyTorch export is not made`);
  const outs = [];
  for (const variant of ['embedded', 'ext']) {
    const out = join(root, `torch-${variant}`);
    const r = await runCli(['extract', '--model', fx('torch', variant, 'net.onnx'), '--per-class', '2', '--layers', 'op:Relu,op:Conv,logits', '-o', out], { cwd: elsewhere });
    assert.equal(r.code, 0, r.stderr);
    outs.push(out);
  }
  const files = readdirSync(join(outs[0]!, 'net')).sort();
  assert.equal(files.length, 5);
  for (const f of files) assert.ok(readFileSync(join(outs[1]!, 'net', f)).equals(readFileSync(join(outs[0]!, 'net', f))), f);
});

test('run --model on external-data models: results.json input checksums list [model, data…]', async (t) => {
  if (skip) return t.skip(skip);
  const out = join(root, 'run');
  const r = await runCli(['run', '--model', fx('ext', 'cnn.onnx'), '--model', fx('split', 'cnn.onnx'), '--per-class', '3', '--layers', '/relu2/Relu_output_0',
    '--permutations', '10', '--bootstrap', '10', '--no-cache', '-o', out], { cwd: elsewhere });
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
    inputs: { zoos: { files: { file: string; sha256: string }[] }[] };
    zoo: { instances: { file: string; external_data?: { file: string }[] }[] };
    layers: { consistency: { mean_r: number } }[];
  };
  const files = doc.inputs.zoos[0]!.files.map((f) => f.file);
  const split = JSON.parse(readFileSync(fx('manifest.json'), 'utf8')) as { split_locations: string[] };
  assert.deepEqual(files.slice(0, 2), [fx('ext', 'cnn.onnx'), fx('ext', 'cnn.weights')]);
  assert.equal(files[2], fx('split', 'cnn.onnx'));
  assert.deepEqual(files.slice(3).sort(), split.split_locations.map((l) => fx('split', l)).sort());
  for (const f of doc.inputs.zoos[0]!.files) assert.equal(f.sha256, sha256File(f.file));
  assert.equal(doc.zoo.instances[0]!.external_data!.length, 1);
  // the same weights in two layouts: identical representations
  assert.ok(Math.abs(doc.layers[0]!.consistency.mean_r - 1) < 1e-6);
});

test('a data location that leaves the model’s folder is refused in one line naming the model and the location', async (t) => {
  if (skip) return t.skip(skip);
  // a symbolic link inside the folder that points out of it
  mkdirSync(fx('link'));
  copyFileSync(fx('ext', 'cnn.onnx'), fx('link', 'cnn.onnx'));
  symlinkSync(fx('ext', 'cnn.weights'), fx('link', 'cnn.weights'));
  const cases: [string, RegExp][] = [
    [fx('escape', 'sub', 'cnn.onnx'), /^seedscope: .*escape\/sub\/cnn\.onnx: external data location "\.\.\/cnn\.weights" leaves the model's folder; seedscope reads weights only from files inside the model's folder .*escape\/sub\n$/],
    [fx('absolute', 'cnn.onnx'), /^seedscope: .*absolute\/cnn\.onnx: external data location ".*ext\/cnn\.weights" is an absolute path; .*\n$/],
    [fx('link', 'cnn.onnx'), /^seedscope: .*link\/cnn\.onnx: external data location "cnn\.weights" resolves through a symbolic link to .*ext\/cnn\.weights, outside the model's folder; .*\n$/],
  ];
  for (const [model, message] of cases) {
    for (const args of [['layers', model], ['extract', '--model', model, '--per-class', '1', '-o', join(root, 'refused')]]) {
      const r = await runCli(args, { cwd: elsewhere });
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  }
  assert.ok(!existsSync(join(root, 'refused')));
  // the same links inside the folder are fine
  mkdirSync(fx('inner'));
  copyFileSync(fx('ext', 'cnn.onnx'), fx('inner', 'cnn.onnx'));
  copyFileSync(fx('ext', 'cnn.weights'), fx('inner', 'real.weights'));
  symlinkSync('real.weights', fx('inner', 'cnn.weights'));
  assert.equal((await runCli(['layers', fx('inner', 'cnn.onnx')], { cwd: elsewhere })).code, 0);
});

test('checksums and cache keys change when the data file changes; zoo.json lists the data files', async (t) => {
  if (skip) return t.skip(skip);
  const dir = fx('zoo');
  mkdirSync(dir);
  copyFileSync(fx('ext', 'cnn.onnx'), join(dir, 'cnn.onnx'));
  copyFileSync(fx('ext', 'cnn.weights'), join(dir, 'cnn.weights'));
  const model = join(dir, 'cnn.onnx');
  const weights = join(dir, 'cnn.weights');
  const keysOf = (zoo: ReturnType<typeof zooFromModels>): string[] => [
    ...zooRdmKeys(zoo, { checksum: 'c'.repeat(64) } as StimulusSet, { labels: null } as unknown as StimulusLabels, [{ name: 'logits', tensor: 'logits' }] as ResolvedLayer[],
      { metric: 'correlation', resize: true }).keys.get('full')![0]!,
  ];
  const before = zooFromModels([model]);
  const dataSha = before.instances[0]!.data[0]!.sha256;
  assert.equal(dataSha, sha256File(weights));
  const manifest = {
    format: 'seedscope-zoo/1', name: 'ext',
    input: { name: 'input', shape: [1, 28, 28], layout: 'NCHW', scale: 255, mean: [0.286], std: [0.353] },
    output: 'logits',
    instances: [{ name: 'a', file: 'cnn.onnx', sha256: before.instances[0]!.sha256 } as Record<string, unknown>],
  };
  const writeManifest = (): void => writeFileSync(join(dir, 'zoo.json'), JSON.stringify(manifest));
  writeManifest();
  assert.throws(() => loadZoo(dir), (e: Error) => /instances\[0\]\.external_data: .*cnn\.onnx keeps its weights in external data \(cnn\.weights\); expected their checksums in zoo\.json: \[\{"file": "cnn\.weights", "sha256": "[0-9a-f]{64}"\}\]/.test(e.message));
  manifest.instances[0]!.external_data = [{ file: 'cnn.weights', sha256: dataSha }];
  writeManifest();
  const zoo = loadZoo(dir);
  assert.deepEqual(zoo.instances[0]!.data.map((d) => [d.location, d.sha256]), [['cnn.weights', dataSha]]);
  const listed = await runCliJson<LayersJson>(['layers', dir, '--n', '10', '--json'], { cwd: elsewhere });
  assert.deepEqual(listed.json.external_data, [{ file: weights, sha256: dataSha }]);
  assert.equal(listed.json.layers.length, 10);

  appendFileSync(weights, Buffer.from([0])); // ignored bytes after the tensors: the weights onnxruntime reads are the same
  const after = zooFromModels([model]);
  assert.equal(after.instances[0]!.sha256, before.instances[0]!.sha256);
  assert.notEqual(after.instances[0]!.data[0]!.sha256, dataSha);
  assert.notDeepEqual(keysOf(after), keysOf(before));
  assert.throws(() => loadZoo(dir), (e: Error) => e.message.includes(`${weights}: sha256 is ${after.instances[0]!.data[0]!.sha256} but ${join(dir, 'zoo.json')}: instances[0].external_data says ${dataSha} (the file was altered or replaced)`));
  // a model without external data has none: its keys are those it had before external data was supported
  const embedded = zooFromModels([onnxFixture('cnn.onnx')]);
  assert.deepEqual(embedded.instances[0]!.data, []);
});
