/**
 * The training recipe in models/training runs end to end in smoke mode (one
 * tiny epoch), writes a valid zoo, and resumes without retraining. Skipped
 * where /usr/bin/python3 cannot import torch and onnx.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { packageRoot } from '../../src/native/addon.js';
import { tempDir } from '../helpers/tmp.js';

const python = process.env.SEEDSCOPE_PYTHON ?? '/usr/bin/python3';
const script = join(packageRoot, 'models', 'training', 'train_allcnnc.py');
const fmnist = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';

function unavailable(): string | undefined {
  if (!existsSync(python)) return `${python} not found`;
  const r = spawnSync(python, ['-c', 'import torch, onnx'], { encoding: 'utf8' });
  if (r.status !== 0) return `${python} cannot import torch and onnx (${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`;
  if (!existsSync(fmnist)) return `Fashion-MNIST not found at ${fmnist}`;
  return undefined;
}

test('training recipe: smoke mode writes a zoo that onnxruntime runs, is deterministic, and resumes', async (t) => {
  const reason = unavailable();
  if (reason) return t.skip(reason);
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const out = join(dir, 'zoo');
  const args = [script, '--smoke', '--quiet', '--threads', '1', '--out', out];
  const first = spawnSync(python, args, { encoding: 'utf8', timeout: 300_000 });
  assert.equal(first.status, 0, first.stderr);
  const zoo = JSON.parse(readFileSync(join(out, 'zoo.json'), 'utf8')) as {
    format: string; layers: { tensor: string }[]; output: string;
    instances: { seed: number; file: string; sha256: string; test_accuracy: number }[];
  };
  assert.equal(zoo.format, 'seedscope-zoo/1');
  assert.equal(zoo.instances.length, 1);
  const inst = zoo.instances[0]!;
  assert.equal(inst.seed, 0);
  const bytes = readFileSync(join(out, inst.file));
  assert.equal(createHash('sha256').update(bytes).digest('hex'), inst.sha256);
  assert.ok(existsSync(join(out, 'README.md')));

  // Dynamic batch: any batch size runs, and every layer comes out.
  const session = await ort.InferenceSession.create(join(out, inst.file));
  const r = await session.run({ input: new ort.Tensor('float32', new Float32Array(3 * 28 * 28), [3, 1, 28, 28]) });
  assert.deepEqual(r[zoo.output]!.dims, [3, 10]);
  for (const l of zoo.layers) assert.equal(r[l.tensor]!.dims[0], 3, l.tensor);

  // Training is deterministic: the same seed in a fresh folder gives the same bytes.
  const out2 = join(dir, 'zoo2');
  const twin = spawnSync(python, [script, '--smoke', '--quiet', '--threads', '1', '--out', out2], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(twin.status, 0, twin.stderr);
  assert.equal(createHash('sha256').update(readFileSync(join(out2, inst.file))).digest('hex'), inst.sha256);

  // Rerunning skips the finished instance and leaves its file untouched.
  const again = spawnSync(python, [script, '--smoke', '--threads', '1', '--out', out], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /seed 0: already done/);
  assert.equal(createHash('sha256').update(readFileSync(join(out, inst.file))).digest('hex'), inst.sha256);
});

test('training recipe: --state-only then --from-state exports the same bytes and manifest as one run', (t) => {
  const reason = unavailable();
  if (reason) return t.skip(reason);
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const run = (...extra: string[]) => {
    const r = spawnSync(python, [script, '--smoke', '--quiet', '--threads', '1', ...extra], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    return r;
  };
  const direct = join(dir, 'direct'), states = join(dir, 'states'), exported = join(dir, 'exported');
  run('--out', direct);
  run('--state-only', '--out', states);
  assert.ok(existsSync(join(states, 'seed0.npz')));
  assert.ok(!existsSync(join(states, 'zoo.json')), '--state-only writes no manifest');
  // Exporting needs no recipe flags: width, data set and recipe come from the state files.
  const exp = spawnSync(python, [script, '--quiet', '--from-state', states, '--out', exported, '--seeds', '0'], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(exp.status, 0, exp.stderr);
  type Zoo = { width: number; training: Record<string, unknown>; instances: { sha256: string; test_accuracy: number }[] };
  const a = JSON.parse(readFileSync(join(direct, 'zoo.json'), 'utf8')) as Zoo;
  const b = JSON.parse(readFileSync(join(exported, 'zoo.json'), 'utf8')) as Zoo;
  assert.equal(b.width, a.width);
  assert.equal(b.instances[0]!.sha256, a.instances[0]!.sha256);
  assert.equal(b.instances[0]!.test_accuracy, a.instances[0]!.test_accuracy);
  for (const k of ['epochs', 'width', 'train_limit', 'optimizer', 'lr']) assert.deepEqual(b.training[k], a.training[k], k);

  // A seed without a state file is a clear error.
  const missing = spawnSync(python, [script, '--from-state', states, '--out', join(dir, 'x'), '--seeds', '0-1'], { encoding: 'utf8', timeout: 300_000 });
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /seed1\.npz not found/);
});
