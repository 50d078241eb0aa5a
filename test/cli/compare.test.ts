import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpy } from '../../src/io/npy.js';
import { squareToCondensed } from '../../src/io/rdmFile.js';
import { isOneLineError, runCli, runCliJson } from '../helpers/cli.js';
import { TestRng } from '../helpers/random.js';
import { withTempDir } from '../helpers/tmp.js';
import { ckaBiasedRef, compareRef } from '../helpers/compareReference.js';

/** Writes a random square sqeuclidean-like RDM of n stimuli and returns its condensed values. */
function writeRdm(file: string, rng: TestRng, n: number, dtype: 'float32' | 'float64' = 'float64'): Float64Array {
  const x = rng.normals(n * 3);
  const sq = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let f = 0; f < 3; f++) s += (x[i * 3 + f]! - x[j * 3 + f]!) ** 2;
      sq[i * n + j] = s;
    }
  }
  const data = dtype === 'float32' ? Float32Array.from(sq) : sq;
  writeNpy(file, data, [n, n]);
  return squareToCondensed(data, n);
}

test('compare: two RDMs give {method, value}; three give {method, matrix}', () => withTempDir(async (dir) => {
  const rng = new TestRng(21);
  const [a, b, c] = ['a', 'b', 'c'].map((k) => join(dir, `${k}.npy`));
  const va = writeRdm(a!, rng, 8);
  const vb = writeRdm(b!, rng, 8, 'float32');
  const vc = writeRdm(c!, rng, 8);
  // c also as a condensed vector: the same result
  const cc = join(dir, 'c_condensed.npy');
  writeNpy(cc, vc, [vc.length]);

  const { json: j2 } = await runCliJson<{ method: string; value: number }>(['compare', a!, b!, '--method', 'spearman', '--json']);
  assert.equal(j2.method, 'spearman');
  assert.ok(Math.abs(j2.value - compareRef.spearman(va, vb)) < 1e-12);

  const { json: j3 } = await runCliJson<{ method: string; matrix: number[][]; files: string[] }>(['compare', a!, b!, cc, '--method', 'tau-a', '--json', '--threads', '1']);
  assert.equal(j3.method, 'tau-a');
  assert.equal(j3.files.length, 3);
  assert.equal(j3.matrix.length, 3);
  assert.ok(Math.abs(j3.matrix[0]![2]! - compareRef['tau-a'](va, vc)) < 1e-12);
  assert.equal(j3.matrix[1]![1], 1);

  const text = await runCli(['compare', a!, b!, c!, '--method', 'r2']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /a\.npy/);
  assert.equal(text.stdout.trim().split('\n').length, 5); // method line, header, 3 rows
}));

test('compare: NaN in an RDM becomes null in JSON only where undefined, with a warning on stderr', () => withTempDir(async (dir) => {
  const a = join(dir, 'a.npy');
  const k = join(dir, 'const.npy');
  writeNpy(a, Float64Array.from([1, NaN, 3]), [3]);
  writeNpy(k, Float64Array.from([2, 2, 2]), [3]);
  const r = await runCliJson<{ value: unknown }>(['compare', a, k, '--method', 'pearson', '--json']);
  assert.equal(r.json.value, null);
  assert.match(r.stderr, /1 of 3 entries are NaN/);
}));

test('compare: mismatched N, a missing file, a truncated .npy and too few files give one clear line', () => withTempDir(async (dir) => {
  const rng = new TestRng(22);
  const a = join(dir, 'a.npy');
  const b = join(dir, 'b.npy');
  writeRdm(a, rng, 6);
  writeRdm(b, rng, 7);
  const mismatch = await runCli(['compare', a, b, '--method', 'pearson', '--json']);
  assert.equal(mismatch.code, 1);
  assert.ok(isOneLineError(mismatch.stderr), mismatch.stderr);
  assert.match(mismatch.stderr, /b\.npy: expected an RDM of 6 stimuli/);
  assert.equal(mismatch.stdout, '');

  const missing = await runCli(['compare', a, join(dir, 'nope.npy'), '--method', 'pearson']);
  assert.equal(missing.code, 1);
  assert.ok(isOneLineError(missing.stderr), missing.stderr);
  assert.match(missing.stderr, /nope\.npy: file not found/);

  const truncated = join(dir, 't.npy');
  writeFileSync(truncated, readFileSync(a).subarray(0, 150));
  const trunc = await runCli(['compare', a, truncated, '--method', 'pearson']);
  assert.equal(trunc.code, 1);
  assert.ok(isOneLineError(trunc.stderr), trunc.stderr);
  assert.match(trunc.stderr, /t\.npy/);

  const one = await runCli(['compare', a, '--method', 'pearson']);
  assert.equal(one.code, 2);
  assert.ok(isOneLineError(one.stderr), one.stderr);

  const badMethod = await runCli(['compare', a, a, '--method', 'kendall']);
  assert.equal(badMethod.code, 2);
}));

test('cka: {cka} for N × any-shape activations; mismatched N and 3 × 0 arrays are one clear line', () => withTempDir(async (dir) => {
  const rng = new TestRng(23);
  const n = 10;
  const x = rng.normals(n * 6);
  const y = Float32Array.from(rng.normals(n * 4));
  const xf = join(dir, 'x.npy');
  const yf = join(dir, 'y.npy');
  writeNpy(xf, x, [n, 2, 3]);
  writeNpy(yf, y, [n, 4]);
  const { json: j } = await runCliJson<{ cka: number }>(['cka', xf, yf, '--json']);
  assert.ok(Math.abs(j.cka - ckaBiasedRef(x, Float64Array.from(y), n)) < 1e-6); // y is float32
  const u = await runCliJson<{ cka: number }>(['cka', xf, yf, '--unbiased', '--json']);
  assert.equal(typeof u.json.cka, 'number');
  const text = await runCli(['cka', xf, yf]);
  assert.match(text.stdout, /linear CKA \(biased, N = 10\) = 0\.\d{4}/);

  const zf = join(dir, 'z.npy');
  writeNpy(zf, rng.normals(9 * 2), [9, 2]);
  const mismatch = await runCli(['cka', xf, zf, '--json']);
  assert.equal(mismatch.code, 1);
  assert.ok(isOneLineError(mismatch.stderr), mismatch.stderr);
  assert.match(mismatch.stderr, /z\.npy: expected activations of 10 stimuli/);

  const empty = join(dir, 'empty.npy');
  writeNpy(empty, new Float64Array(0), [3, 0]);
  const e = await runCli(['cka', empty, empty]);
  assert.equal(e.code, 1);
  assert.ok(isOneLineError(e.stderr), e.stderr);
}));

test('bench compare --json reports the documented fields', async () => {
  const { json: j } = await runCliJson<Record<string, unknown>>(['bench', 'compare', '--n', '30', '--k', '3', '--method', 'tau-a', '--repeat', '1', '--json']);
  assert.deepEqual(Object.keys(j).sort(), ['k', 'method', 'n', 'op', 'pairs', 'seconds_median', 'seconds_min', 'threads'].sort());
  assert.equal(j.op, 'compare');
  assert.equal(j.pairs, 3);
});
