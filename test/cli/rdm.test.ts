import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFloatNpy, writeNpy } from '../../src/io/npy.js';
import { isOneLineError, runCli, runCliJson } from '../helpers/cli.js';
import { withTempDir } from '../helpers/tmp.js';
import { condensed, maxAbsDiff, randomActs, referenceRdm } from '../helpers/rdmReference.js';

test('seedscope rdm writes square and condensed RDMs that match the reference', () => withTempDir(async (dir) => {
  // N × (C, H, W) activations are flattened per stimulus.
  const n = 12, shape = [n, 2, 3, 5], d = 30;
  const x = randomActs(n, d, 41, true) as Float32Array;
  const acts = join(dir, 'acts.npy');
  writeNpy(acts, x, shape);

  const sq = join(dir, 'rdm.npy');
  const r = await runCli(['rdm', acts, '--metric', 'cosine', '-o', sq, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  const a = readFloatNpy(sq);
  assert.deepEqual(a.shape, [n, n]);
  assert.ok(a.data instanceof Float64Array, 'float64 by default');
  assert.ok(maxAbsDiff(a.data, referenceRdm(x, n, d, 'cosine')) < 1e-5);

  const cond = join(dir, 'sub', 'rdm_c.npy');
  const { json: summary } = await runCliJson<Record<string, unknown>>(['rdm', acts, '--metric', 'sqeuclidean', '--per-feature', '--dtype', 'float32', '--condensed', '--threads', '1', '-o', cond, '--json']);
  assert.equal(summary.n, n);
  assert.equal(summary.d, d);
  assert.equal(summary.metric, 'sqeuclidean');
  assert.deepEqual(summary.shape, [n * (n - 1) / 2]);
  assert.deepEqual(summary.nan_stimuli, []);
  const c = readFloatNpy(cond);
  assert.deepEqual(c.shape, [n * (n - 1) / 2]);
  assert.ok(c.data instanceof Float32Array);
  const ref = condensed(referenceRdm(x, n, d, 'sqeuclidean', true), n);
  assert.ok(maxAbsDiff(c.data, ref) < 1e-5 * (1 + Math.max(...ref)));
  // No temporary files are left beside the outputs.
  assert.deepEqual(readdirSync(dir).sort(), ['acts.npy', 'rdm.npy', 'sub']);
}));

test('seedscope rdm warns once, naming the stimuli with undefined distances', () => withTempDir(async (dir) => {
  const n = 6, d = 8;
  const x = randomActs(n, d, 43, false) as Float64Array;
  x.fill(1, 1 * d, 2 * d); // constant row 1
  x[4 * d] = NaN; // NaN in row 4
  const acts = join(dir, 'acts.npy');
  writeNpy(acts, x, [n, d]);
  const out = join(dir, 'rdm.npy');
  const r = await runCli(['rdm', acts, '-o', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const warnings = r.stderr.split('\n').filter((l) => l.includes('warning'));
  assert.equal(warnings.length, 1, r.stderr);
  assert.match(warnings[0]!, /2 stimuli have undefined distances.*1 \(zero-variance\), 4 \(non-finite\)/);
  assert.deepEqual((JSON.parse(r.stdout) as { nan_stimuli: number[] }).nan_stimuli, [1, 4]);
  const rdm = readFloatNpy(out).data;
  assert.ok(Number.isNaN(rdm[1 * n + 2]!));
  assert.ok(Number.isFinite(rdm[2 * n + 3]!));
}));

test('seedscope rdm rejects bad inputs with one clear line and exit code 1', () => withTempDir(async (dir) => {
  const good = join(dir, 'good.npy');
  writeNpy(good, new Float32Array(12), [4, 3]);
  const truncated = join(dir, 'truncated.npy');
  writeFileSync(truncated, readFileSync(good).subarray(0, readFileSync(good).length - 5));
  const ints = join(dir, 'ints.npy');
  writeNpy(ints, new Int32Array(12), [4, 3]);
  const empty = join(dir, 'empty.npy');
  writeNpy(empty, new Float32Array(0), [3, 0]);
  const vector = join(dir, 'vector.npy');
  writeNpy(vector, new Float32Array(5), [5]);
  const single = join(dir, 'single.npy');
  writeNpy(single, new Float32Array(4), [1, 4]);
  const notNpy = join(dir, 'text.npy');
  writeFileSync(notNpy, 'hello');
  const cases: [string, RegExp][] = [
    [join(dir, 'missing.npy'), /missing\.npy: file not found/],
    [truncated, /truncated/],
    [ints, /expected dtype float32 or float64 but received int32/],
    [empty, /at least 1 feature/],
    [vector, /shape \(N, D\)/],
    [single, /at least 2 stimuli/],
    [notNpy, /\.npy/],
  ];
  for (const [file, pattern] of cases) {
    const out = join(dir, 'out.npy');
    const r = await runCli(['rdm', file, '-o', out]);
    assert.equal(r.code, 1, `${file}: ${r.stderr}`);
    assert.ok(isOneLineError(r.stderr), `${file}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(existsSync(out), false);
  }
  // Usage errors exit 2.
  const bad = await runCli(['rdm', good, '--metric', 'manhattan', '-o', join(dir, 'x.npy')]);
  assert.equal(bad.code, 2);
  const noOut = await runCli(['rdm', good]);
  assert.equal(noOut.code, 2);
}));

test('seedscope bench rdm and bench peak print the documented JSON', async () => {
  const { json: b } = await runCliJson<Record<string, unknown>>(['bench', 'rdm', '--n', '40', '--d', '300', '--repeat', '2', '--peak-seconds', '0.05', '--json']);
  for (const key of ['op', 'n', 'd', 'metric', 'threads', 'isa', 'seconds_min', 'seconds_median', 'gflops', 'peak_gflops', 'fraction_of_peak']) {
    assert.ok(key in b, key);
  }
  assert.equal(b.op, 'rdm');
  assert.equal(b.n, 40);
  assert.ok(Number(b.gflops) > 0);
  const { json: p } = await runCliJson<{ op: string; gflops: number }>(['bench', 'peak', '--seconds', '0.05', '--json']);
  assert.equal(p.op, 'peak');
  assert.ok(p.gflops > 0);
});

