/** `seedscope zoo synth`: a synthetic zoo of noisy copies of one model (src/zoo/synthZoo.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { allCnnCModel } from '../../bench/allCnnCModel.js';
import { packageRoot } from '../../src/native/addon.js';
import { loadZoo } from '../../src/zoo/zoo.js';
import { noiseStreamSeed, synthInstanceName, synthZoo, type SynthManifest } from '../../src/zoo/synthZoo.js';
import { isOneLineError, runCli } from '../helpers/cli.js';
import { onnxFixture } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const source = join(packageRoot, 'models', 'fmnist-allcnnc', 'seed0.onnx');
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const manifestOf = (dir: string): SynthManifest => JSON.parse(readFileSync(join(dir, 'zoo.json'), 'utf8')) as SynthManifest;

/** Every float32 initializer of a model as numbers (through onnx-proto, independent of the writer's own reader). */
function floatTensors(bytes: Uint8Array): Map<string, Float32Array> {
  const m = onnxProto.onnx.ModelProto.decode(bytes);
  const out = new Map<string, Float32Array>();
  for (const t of m.graph?.initializer ?? []) {
    if (t.dataType !== 1) continue;
    if (t.rawData && t.rawData.length > 0) out.set(t.name ?? '', new Float32Array(Uint8Array.from(t.rawData).buffer));
    else out.set(t.name ?? '', Float32Array.from(t.floatData ?? []));
  }
  return out;
}

function std(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  const mean = s / x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i]! - mean) ** 2;
  return Math.sqrt(ss / x.length);
}

test('same seed → the same files; another seed → other files; instance i does not depend on --instances', async () => {
  const t = tempDir();
  try {
    const run = async (dir: string, ...args: string[]): Promise<SynthManifest> => {
      const r = await runCli(['zoo', 'synth', '--from', source, '-o', join(t.dir, dir), '--quiet', ...args]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      return manifestOf(join(t.dir, dir));
    };
    const a = await run('a', '--instances', '3');
    const b = await run('b', '--instances', '3');
    const c = await run('c', '--instances', '3', '--seed', '1');
    const d = await run('d', '--instances', '5');
    const shas = (m: SynthManifest): string[] => m.instances.map((i) => i.sha256);
    assert.deepEqual(shas(a), shas(b));
    assert.equal(new Set(shas(a)).size, 3, 'instances differ from each other');
    assert.ok(shas(c).every((s) => !shas(a).includes(s)));
    assert.deepEqual(shas(d).slice(0, 3), shas(a));
    for (const inst of a.instances) assert.equal(sha256(join(t.dir, 'a', inst.file)), inst.sha256);
    // pinned: the noise is mulberry32 + Box–Muller seeded by sha256(`${seed}/${i}/${tensor}`), the same on every machine
    assert.equal(noiseStreamSeed(0, 0, 'model.convs.0.weight'), createHash('sha256').update('0/0/model.convs.0.weight').digest().readUInt32BE(0));
    assert.equal(a.instances[0]!.sha256, '56a7dcda5f517585e47acfe45694b337f94083e30f0020a2a97ecb58cfabfcf6');
    assert.deepEqual(a.instances.map((i) => [i.name, i.file, i.seed, i.test_accuracy]), [
      ['seed0', 'seed0.onnx', 0, null], ['seed1', 'seed1.onnx', 1, null], ['seed2', 'seed2.onnx', 2, null],
    ]);
    assert.deepEqual([synthInstanceName(7, 100), synthInstanceName(0, 1), synthInstanceName(10, 11), synthInstanceName(999, 1000)], ['seed07', 'seed0', 'seed10', 'seed999']);
  } finally {
    t.cleanup();
  }
});

test('noise 0 gives copies of the source; noise X gives each weight tensor noise of std ≈ X × its std', async () => {
  const t = tempDir();
  try {
    const zero = await synthZoo({ from: source, instances: 2, noise: 0, seed: 3, output: join(t.dir, 'zero') });
    for (const inst of zero.manifest.instances) assert.equal(inst.sha256, sha256(source));

    const noisy = await synthZoo({ from: source, instances: 1, noise: 0.05, seed: 3, output: join(t.dir, 'noisy') });
    const before = floatTensors(readFileSync(source));
    const after = floatTensors(readFileSync(join(t.dir, 'noisy', noisy.manifest.instances[0]!.file)));
    assert.deepEqual([...after.keys()], [...before.keys()]);
    let big = 0;
    for (const [name, w] of before) {
      const v = after.get(name)!;
      const diff = v.map((x, j) => x - w[j]!);
      const measured = std(diff);
      const expected = 0.05 * std(w);
      if (w.length >= 1000) {
        big += 1;
        assert.ok(Math.abs(measured / expected - 1) < 0.1, `${name}: noise std ${measured} vs ${expected}`);
      } else {
        assert.ok(measured > 0 && measured < 2 * expected, `${name}: noise std ${measured} vs ${expected}`);
      }
    }
    assert.equal(big, 7, 'the weights of convs 1–7 have ≥ 1000 elements');
    assert.equal(noisy.manifest.synthetic.perturbed.length, 18, 'every weight and bias');
  } finally {
    t.cleanup();
  }
});

/** A model holding its weights as float_data, with an INT64 tensor, a scalar and a one-element float tensor. */
function floatDataModel(): { raw: Uint8Array; floatData: Uint8Array } {
  const raw = onnxProto.onnx.ModelProto.decode(allCnnCModel(1 / 8, 5));
  const extras: onnxProto.onnx.ITensorProto[] = [
    { name: 'shape', dims: [2], dataType: 7, int64Data: [-1, 10] },
    { name: 'scalar', dims: [], dataType: 1, floatData: [0.5] },
    { name: 'one', dims: [1], dataType: 1, floatData: [1.5] },
  ];
  raw.graph!.initializer!.push(...extras.map((e) => onnxProto.onnx.TensorProto.create(e)));
  const rawBytes = onnxProto.onnx.ModelProto.encode(raw).finish();
  const fd = onnxProto.onnx.ModelProto.decode(rawBytes);
  for (const t of fd.graph!.initializer!) {
    if (t.dataType === 1 && t.rawData && t.rawData.length > 0) {
      t.floatData = Array.from(new Float32Array(Uint8Array.from(t.rawData).buffer));
      t.rawData = new Uint8Array(0);
    }
  }
  return { raw: rawBytes, floatData: onnxProto.onnx.ModelProto.encode(fd).finish() };
}

test('weights stored as float_data get the same noise as raw_data; INT64, scalars, one-element and zero-std tensors are untouched', async () => {
  const t = tempDir();
  try {
    const { raw, floatData } = floatDataModel();
    writeFileSync(join(t.dir, 'raw.onnx'), raw);
    writeFileSync(join(t.dir, 'fd.onnx'), floatData);
    const a = await synthZoo({ from: join(t.dir, 'raw.onnx'), instances: 2, noise: 0.1, seed: 9, output: join(t.dir, 'a') });
    const b = await synthZoo({ from: join(t.dir, 'fd.onnx'), instances: 2, noise: 0.1, seed: 9, output: join(t.dir, 'b') });
    // weights only: the biases of allCnnCModel are zeros (std 0)
    const weights = Array.from({ length: 9 }, (_, k) => `conv${k + 1}.weight`);
    assert.deepEqual(a.manifest.synthetic.perturbed, weights);
    assert.deepEqual(b.manifest.synthetic.perturbed, weights);
    assert.deepEqual(a.manifest.layers, []);
    assert.equal(a.manifest.name, 'synth-raw-k2-noise0.1');
    const srcRaw = floatTensors(raw);
    for (let i = 0; i < 2; i++) {
      const outA = readFileSync(join(t.dir, 'a', `seed${i}.onnx`));
      const outB = readFileSync(join(t.dir, 'b', `seed${i}.onnx`));
      const ta = floatTensors(outA);
      const tb = floatTensors(outB);
      for (const [name, w] of srcRaw) {
        assert.deepEqual(tb.get(name), ta.get(name), `${name}: float_data and raw_data get the same values`);
        const changed = ta.get(name)!.some((x, j) => x !== w[j]);
        assert.equal(changed, weights.includes(name), name);
      }
      const shape = onnxProto.onnx.ModelProto.decode(outB).graph!.initializer!.find((x) => x.name === 'shape')!;
      assert.deepEqual(shape.int64Data!.map(Number), [-1, 10]);
      assert.deepEqual([tb.get('scalar'), tb.get('one')], [Float32Array.of(0.5), Float32Array.of(1.5)]);
    }
    // the synthetic zoo of a plain model loads, with the input spec read from the graph (no logits: the graph has 10 outputs)
    const zoo = loadZoo(join(t.dir, 'b'));
    assert.deepEqual([zoo.input.shape, zoo.input.scale, zoo.output, zoo.classes], [[1, 28, 28], 255, null, null]);
  } finally {
    t.cleanup();
  }
});

test('a synthetic zoo of the default zoo loads, inherits its spec, and seedscope run works on it', async () => {
  const t = tempDir();
  try {
    const dir = join(t.dir, 'synth');
    const r = await runCli(['zoo', 'synth', '--from', source, '--instances', '3', '-o', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /synth 33%[\s\S]*synth 100%/);
    assert.match(r.stderr, /not a trained zoo/);
    const m = manifestOf(dir);
    assert.equal(m.name, 'synth-fmnist-allcnnc-seed0-k3-noise0.05');
    assert.match(m.architecture!, /^All-CNN-C \(synthetic: fmnist-allcnnc\/seed0\.onnx \+ noise σ = 0\.05/);
    assert.deepEqual([m.synthetic.source_sha256, m.synthetic.noise, m.synthetic.seed, m.synthetic.instances], [sha256(source), 0.05, 0, 3]);
    const zoo = loadZoo(dir);
    const original = loadZoo(join(packageRoot, 'models', 'fmnist-allcnnc'));
    assert.deepEqual([zoo.input, zoo.classes, zoo.output, zoo.layers], [original.input, original.classes, original.output, original.layers]);
    assert.equal(zoo.manifest!.dataset, 'fashion-mnist');
    assert.deepEqual(readdirSync(dir).sort(), ['.seedscope-output', 'seed0.onnx', 'seed1.onnx', 'seed2.onnx', 'zoo.json']);
    assert.ok(!readdirSync(t.dir).some((f) => f.startsWith('.')), 'no staging folder left');

    const out = join(t.dir, 'out');
    const run = await runCli(['run', '--zoo', dir, '--per-class', '5', '--permutations', '0', '--bootstrap', '0', '--quiet', '-o', out]);
    assert.equal(run.code, 0, run.stderr);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { zoo: { name: string }; instances: string[] };
    assert.deepEqual([results.zoo.name, results.instances], [m.name, ['seed0', 'seed1', 'seed2']]);

    // --json prints zoo.json; --name names it; an earlier synthetic zoo is replaced
    const j = await runCli(['zoo', 'synth', '--from', source, '--instances', '2', '--name', 'tiny', '--json', '-o', dir]);
    assert.equal(j.code, 0, j.stderr);
    assert.equal(j.stderr, '');
    assert.deepEqual(JSON.parse(j.stdout), manifestOf(dir));
    assert.equal(manifestOf(dir).name, 'tiny');
    assert.ok(!existsSync(join(dir, 'seed2.onnx')));
  } finally {
    t.cleanup();
  }
});

test('zoo synth: bad input is one line on stderr and leaves no output', async () => {
  const t = tempDir();
  try {
    const out = join(t.dir, 'out');
    const cases: [string[], number, RegExp][] = [
      [['--from', source, '--noise', '-0.1'], 2, /--noise <x>.*Expected a finite number in \[0, Infinity\] but received '-0.1'/],
      [['--from', source, '--noise', 'abc'], 2, /--noise/],
      [['--from', source, '--instances', '10001'], 2, /--instances <k>.*\[1, 10000\]/],
      [['--from', join(t.dir, 'missing.onnx')], 1, /missing\.onnx: model file not found/],
      [['--from', onnxFixture('symbolic_hw.onnx')], 1, /symbolic_hw\.onnx: zoo.json needs the input's image shape/],
      [['--instances', '2'], 2, /required option '--from <file>'/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(['zoo', 'synth', '-o', out, ...args]);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.ok(isOneLineError(r.stderr), r.stderr);
      assert.match(r.stderr, message);
      assert.ok(!existsSync(out));
    }

    // external data: refused
    const m = onnxProto.onnx.ModelProto.decode(readFileSync(source));
    const w = m.graph!.initializer![0]!;
    w.rawData = new Uint8Array(0);
    w.dataLocation = 1;
    w.externalData = [{ key: 'location', value: 'weights.bin' }];
    const ext = join(t.dir, 'ext.onnx');
    writeFileSync(ext, onnxProto.onnx.ModelProto.encode(m).finish());
    const e = await runCli(['zoo', 'synth', '--from', ext, '-o', out]);
    assert.equal(e.code, 1);
    assert.ok(isOneLineError(e.stderr), e.stderr);
    assert.match(e.stderr, /ext\.onnx: the model keeps weights in external data files \('model\.convs\.0\.weight'\); zoo synth does not support external-data models yet/);

    // -o holding other files, or a zoo that is not synthetic: refused and untouched
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const other = await runCli(['zoo', 'synth', '--from', source, '-o', out]);
    assert.equal(other.code, 1);
    assert.ok(isOneLineError(other.stderr), other.stderr);
    assert.match(other.stderr, /is not a seedscope output \(it holds notes\.txt and no \.seedscope-output marker\)/);
    writeFileSync(join(out, 'zoo.json'), readFileSync(join(packageRoot, 'models', 'fmnist-allcnnc', 'zoo.json')));
    const trained = await runCli(['zoo', 'synth', '--from', source, '-o', out]);
    assert.equal(trained.code, 1);
    assert.ok(isOneLineError(trained.stderr), trained.stderr);
    assert.match(trained.stderr, /holds a zoo that zoo synth did not make/);
    assert.deepEqual(readdirSync(out).sort(), ['notes.txt', 'zoo.json']);
    assert.ok(!readdirSync(t.dir).some((f) => f.includes('.partial-')));
  } finally {
    t.cleanup();
  }
});
