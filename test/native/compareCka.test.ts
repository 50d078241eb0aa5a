import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearCka } from '../../src/native/compare.js';
import { TestRng } from '../helpers/random.js';
import { ckaBiasedRef, ckaUnbiasedRef, doubleCentre } from '../helpers/compareReference.js';

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected} but received ${actual}`);
}

/** n × d activations; y shares a part of x so CKA is neither 0 nor 1. */
function pair(rng: TestRng, n: number, dx: number, dy: number): [Float64Array, Float64Array] {
  const x = rng.normals(n * dx);
  const y = new Float64Array(n * dy);
  for (let i = 0; i < n; i++) for (let f = 0; f < dy; f++) y[i * dy + f] = 0.8 * x[i * dx + (f % dx)]! + rng.normal() + 0.5;
  return [x, y];
}

/** Squared Euclidean RDM (full n × n) computed here, independently of the native core. */
function sqeuclidean(x: Float64Array, n: number): number[][] {
  const d = x.length / n;
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let f = 0; f < d; f++) s += (x[i * d + f]! - x[j * d + f]!) ** 2;
    return s;
  }));
}

test('biased linear CKA equals tr(KHLH)/sqrt(tr(KHKH)·tr(LHLH))', async () => {
  const rng = new TestRng(11);
  for (const [n, dx, dy] of [[2, 1, 1], [3, 2, 5], [12, 7, 3], [40, 1, 9], [33, 64, 17]] as const) {
    const [x, y] = pair(rng, n, dx, dy);
    close(await linearCka(x, y, n), ckaBiasedRef(x, y, n), 1e-12, `n=${n} dx=${dx} dy=${dy}`);
  }
});

test('biased linear CKA equals the cosine of double-centred sqeuclidean RDMs (rsatoolbox cosine_cov)', async () => {
  const rng = new TestRng(12);
  const n = 25;
  const [x, y] = pair(rng, n, 6, 4);
  const a = doubleCentre(sqeuclidean(x, n)).flat();
  const b = doubleCentre(sqeuclidean(y, n)).flat();
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! ** 2;
    bb += b[i]! ** 2;
  }
  close(await linearCka(x, y, n), ab / Math.sqrt(aa * bb), 1e-12, 'cosine_cov');
});

test('unbiased linear CKA matches the Song et al. (2012) estimator computed from its formula', async () => {
  const rng = new TestRng(13);
  for (const [n, dx, dy] of [[4, 2, 3], [5, 1, 1], [20, 8, 5], [50, 3, 30]] as const) {
    const [x, y] = pair(rng, n, dx, dy);
    close(await linearCka(x, y, n, { unbiased: true }), ckaUnbiasedRef(x, y, n), 1e-10, `n=${n}`);
  }
  assert.ok(Number.isNaN(await linearCka(rng.normals(6), rng.normals(6), 3, { unbiased: true })), 'n < 4 is NaN');
});

test('CKA is invariant to rotations, isotropic scaling and offsets, and is 1 for identical representations', async () => {
  const rng = new TestRng(14);
  const n = 30;
  const [x, y] = pair(rng, n, 2, 3);
  const c = Math.cos(0.7), s = Math.sin(0.7);
  const xr = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    xr[2 * i] = 3 * (c * x[2 * i]! - s * x[2 * i + 1]!) + 1000;
    xr[2 * i + 1] = 3 * (s * x[2 * i]! + c * x[2 * i + 1]!) - 500;
  }
  for (const unbiased of [false, true]) {
    close(await linearCka(xr, y, n, { unbiased }), await linearCka(x, y, n, { unbiased }), 1e-9, `rotated, unbiased=${unbiased}`);
    close(await linearCka(x, x, n, { unbiased }), 1, 1e-12, `identical, unbiased=${unbiased}`);
  }
});

test('float32 activations match their float64 values; constant representations give NaN', async () => {
  const rng = new TestRng(15);
  const n = 16;
  const [x, y] = pair(rng, n, 5, 4);
  const x32 = Float32Array.from(x);
  // the Gram kernel multiplies float32 in float32 within a block (float64 across blocks)
  close(await linearCka(x32, y, n), ckaBiasedRef(Float64Array.from(x32), y, n), 1e-6, 'float32');
  const flat = new Float64Array(n * 3).fill(0.25);
  assert.ok(Number.isNaN(await linearCka(flat, y, n)));
  assert.ok(Number.isNaN(await linearCka(flat, y, n, { unbiased: true })));
  assert.ok(Number.isNaN(await linearCka(new Float64Array(n), y, n)));
});

test('results do not depend on the thread count', async () => {
  const rng = new TestRng(16);
  const [x, y] = pair(rng, 101, 13, 7);
  for (const unbiased of [false, true]) {
    assert.equal(await linearCka(x, y, 101, { unbiased, threads: 1 }), await linearCka(x, y, 101, { unbiased, threads: 3 }));
  }
});
