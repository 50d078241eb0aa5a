import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeNpy } from '../../src/io/npy.js';
import { compareMethods, compareRdms, linearCka } from '../../src/native/compare.js';
import { ckaBiasedRef, compareRef } from '../helpers/compareReference.js';
import { runCliJson } from '../helpers/cli.js';
import { TestRng } from '../helpers/random.js';
import { withTempDir } from '../helpers/tmp.js';

function condensedPair(rng: TestRng, m: number): [Float64Array, Float64Array] {
  const a = Float64Array.from({ length: m }, () => rng.next());
  const b = Float64Array.from(a, (v) => v + 0.4 * rng.next());
  return [a, b];
}

test('compare: every method gives the same value at any scale (entries 1e153, 1e307, 1e-200, subnormal)', async () => {
  const rng = new TestRng(5);
  const [a, b] = condensedPair(rng, 45);
  for (const method of compareMethods) {
    const want = compareRef[method](a, b);
    for (const scale of [1e153, 1e307, 1e-200, 1e-310]) {
      const m = await compareRdms([a.map((v) => v * scale), b.map((v) => v * scale)], method);
      // subnormal entries keep fewer digits
      assert.ok(Math.abs(m[1]! - want) < (scale < 1e-300 ? 1e-6 : 1e-12), `${method} at scale ${scale}: ${m[1]} vs ${want}`);
    }
  }
});

test('permtest and bootstrap see scaled RDMs too (statistic at 1e200 as at 1)', () => withTempDir(async (dir) => {
  const rng = new TestRng(6);
  const n = 9;
  const rdm = (scale: number, shift: number): Float64Array => {
    const pts = Array.from({ length: n * 2 }, () => rng.next());
    const m = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = scale * (Math.hypot(pts[2 * i]! - pts[2 * j]!, pts[2 * i + 1]! - pts[2 * j + 1]!) + shift);
    for (let i = 0; i < n; i++) m[i * n + i] = 0;
    return m;
  };
  const a = rdm(1, 0);
  const b = rdm(1, 0.1);
  writeNpy(join(dir, 'a.npy'), a, [n, n]);
  writeNpy(join(dir, 'b.npy'), b, [n, n]);
  writeNpy(join(dir, 'A.npy'), a.map((v) => v * 1e200), [n, n]);
  writeNpy(join(dir, 'B.npy'), b.map((v) => v * 1e200), [n, n]);
  const small = await runCliJson<{ statistic: number; p: number }>(['permtest', join(dir, 'a.npy'), join(dir, 'b.npy'), '--permutations', '99', '--json']);
  const big = await runCliJson<{ statistic: number; p: number }>(['permtest', join(dir, 'A.npy'), join(dir, 'B.npy'), '--permutations', '99', '--json']);
  assert.ok(Math.abs(small.json.statistic - big.json.statistic) < 1e-12, `${small.json.statistic} vs ${big.json.statistic}`);
  assert.equal(small.json.p, big.json.p);
}));

test('cka: a constant offset changes nothing (float32 offsets 1e4 and 1e6, float64 offset 1e5)', async () => {
  const rng = new TestRng(8);
  const n = 40;
  const x = Float64Array.from({ length: n * 6 }, () => rng.normal());
  const y = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) for (let f = 0; f < 4; f++) y[i * 4 + f] = x[i * 6 + f]! + x[i * 6 + f + 2]! * 0.5 + rng.normal();
  const want = ckaBiasedRef(x, y, n);
  for (const [offset, f32] of [[1e4, true], [1e6, true], [1e5, false], [1e8, false]] as const) {
    const xs = x.map((v) => v + offset);
    const ys = y.map((v) => v + offset);
    const xa = f32 ? Float32Array.from(xs) : xs;
    const ya = f32 ? Float32Array.from(ys) : ys;
    // the float32 rounding of x + offset is part of the data: the reference sees the same rounded values
    const ref = f32 ? ckaBiasedRef(Float64Array.from(xa, (v) => v - offset), Float64Array.from(ya, (v) => v - offset), n) : want;
    const got = await linearCka(xa, ya, n);
    assert.ok(Number.isFinite(got), `offset ${offset}: NaN`);
    assert.ok(Math.abs(got - ref) < 1e-6, `offset ${offset} (${f32 ? 'float32' : 'float64'}): ${got} vs ${ref}`);
  }
  // a feature constant across stimuli (any offset) is still "does not vary"
  assert.ok(Number.isNaN(await linearCka(new Float64Array(n * 3).fill(1e5 + 0.1), y, n)));
});

test('rdm: finite features above 1e154 are not called non-finite (correlation scaled exactly; euclidean says overflow)', () => withTempDir(async (dir) => {
  const rng = new TestRng(9);
  const n = 5;
  const d = 4;
  const x = Float64Array.from({ length: n * d }, () => rng.normal());
  const big = x.map((v, i) => (Math.floor(i / d) === 1 ? v * 1e200 : Math.floor(i / d) === 2 ? v * 1e-200 : v));
  writeNpy(join(dir, 'x.npy'), x, [n, d]);
  writeNpy(join(dir, 'big.npy'), big, [n, d]);
  type Summary = { nan_stimuli: number[]; nan_reasons: string[] };
  const ref = await runCliJson<Summary>(['rdm', join(dir, 'x.npy'), '-o', join(dir, 'ref.npy'), '--json']);
  const corr = await runCliJson<Summary>(['rdm', join(dir, 'big.npy'), '-o', join(dir, 'corr.npy'), '--json']);
  assert.deepEqual(corr.json.nan_stimuli, ref.json.nan_stimuli);
  const { readNpy } = await import('../../src/io/npy.js');
  const want = readNpy(join(dir, 'ref.npy')).data as Float64Array;
  const got = readNpy(join(dir, 'corr.npy')).data as Float64Array;
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) < 1e-12, `entry ${i}: ${got[i]} vs ${want[i]}`);
  const sq = await runCliJson<Summary>(['rdm', join(dir, 'big.npy'), '--metric', 'sqeuclidean', '-o', join(dir, 'sq.npy'), '--json']);
  assert.ok(sq.json.nan_stimuli.length > 0);
  assert.ok(sq.json.nan_reasons.every((r) => r === 'overflow'), JSON.stringify(sq.json));
}));

test('compare: arrays marked as float32-valued (read from the store) pass unscanned; others at 1e300 are scaled copies', async () => {
  const { markFloat32Valued, scaledForComparison } = await import('../../src/native/scaleRdms.js');
  const fromStore = markFloat32Valued(Float64Array.from(Float32Array.from([1e30, 2e30, 5e29, 3e38])));
  assert.equal(scaledForComparison(fromStore), fromStore);
  const huge = Float64Array.from([1e300, 2e300, 5e299]);
  const scaled = scaledForComparison(huge);
  assert.notEqual(scaled, huge);
  assert.ok(scaled.every((v) => v >= 0.25 && v < 2), Array.from(scaled).join(','));
  // a float32 copy made by compareRdms itself is marked, and compares as its float64 values
  const rng = new TestRng(9);
  const [a, b] = condensedPair(rng, 45);
  const m32 = await compareRdms([Float32Array.from(a), Float32Array.from(b)], 'pearson');
  const m64 = await compareRdms([Float64Array.from(Float32Array.from(a)), Float64Array.from(Float32Array.from(b))], 'pearson');
  assert.equal(m32[1], m64[1]);
});
