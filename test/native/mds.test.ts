import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classicalMds, classicalMdsCondensed, doubleCentre, topEigenFull, type EigenPairs } from '../../src/analysis/mds.js';
import { nativeEngines } from '../../src/analysis/nativeEngines.js';
import { condensedToSquare } from '../../src/io/rdmFile.js';
import { mdsTopEigen } from '../../src/native/mds.js';
import { TestRng } from '../helpers/random.js';

/** Condensed Euclidean distances of n points of `dims` coordinates (row-major). */
function condensedOf(points: Float64Array, n: number, dims: number): Float64Array {
  const out = new Float64Array((n * (n - 1)) / 2);
  let t = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < dims; k++) s += (points[i * dims + k]! - points[j * dims + k]!) ** 2;
      out[t++] = Math.sqrt(s);
    }
  }
  return out;
}

/** The slow reference: the full eigen-decomposition of the n × n double-centred matrix. */
function reference(condensed: Float64Array, n: number): { b: Float64Array; eig: EigenPairs } {
  const b = doubleCentre(condensedToSquare(condensed, n), n);
  return { b, eig: topEigenFull(b, n, n) };
}

/** max_i |(B v − λ v)_i| for a unit vector v. */
function residual(b: Float64Array, n: number, lambda: number, v: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += b[i * n + j]! * v[j]!;
    worst = Math.max(worst, Math.abs(s - lambda * v[i]!));
  }
  return worst;
}

const dotOf = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i]!, 0);

/**
 * The native top-k against the reference: the same eigenvalues, unit orthogonal
 * vectors that are eigenvectors of B (so any basis of a repeated eigenvalue passes).
 */
async function checkAgainstReference(condensed: Float64Array, n: number, k: number, label: string): Promise<void> {
  const { b, eig } = reference(condensed, n);
  const r = await mdsTopEigen(condensed, n, { k });
  const scale = Math.max(1e-300, ...eig.values.map(Math.abs));
  for (let t = 0; t < k; t++) {
    assert.ok(Math.abs(r.values[t]! - eig.values[t]!) <= 1e-9 * scale, `${label}: eigenvalue ${t} ${r.values[t]} vs ${eig.values[t]}`);
    const v = r.vectors.subarray(t * n, (t + 1) * n);
    assert.ok(Math.abs(dotOf(v, v) - 1) < 1e-9, `${label}: vector ${t} is not a unit vector`);
    assert.ok(residual(b, n, r.values[t]!, v) <= 1e-8 * scale, `${label}: vector ${t} is not an eigenvector (residual ${residual(b, n, r.values[t]!, v)})`);
    for (let u = 0; u < t; u++) assert.ok(Math.abs(dotOf(v, r.vectors.subarray(u * n, (u + 1) * n))) < 1e-8, `${label}: vectors ${u} and ${t} are not orthogonal`);
  }
}

for (const n of [2, 3, 4, 10, 60, 250]) {
  test(`native MDS eigenpairs equal the full decomposition's (random points in 3-D, n = ${n})`, async () => {
    const rng = new TestRng(100 + n);
    const pts = Float64Array.from({ length: n * 3 }, (_, i) => rng.normal() * [4, 2, 1][i % 3]!);
    await checkAgainstReference(condensedOf(pts, n, 3), n, Math.min(2, n), `n = ${n}`);
  });
}

test('native MDS: ties and degenerate inputs (equal distances, duplicated points, all zero, rank 1)', async () => {
  // a regular simplex: every distance 1, so the top eigenvalue is repeated n − 1 times
  await checkAgainstReference(new Float64Array((7 * 6) / 2).fill(1), 7, 2, 'simplex');
  await checkAgainstReference(new Float64Array((40 * 39) / 2).fill(2.5), 40, 3, 'simplex, k = 3');
  // three clusters of identical points: many zero distances, rank 2
  const n = 30;
  const centres = [[0, 0], [3, 0], [0, 5]];
  const pts = Float64Array.from({ length: n * 2 }, (_, i) => centres[Math.floor(i / 2) % 3]![i % 2]!);
  await checkAgainstReference(condensedOf(pts, n, 2), n, 2, 'clusters');
  // all on a line: the second eigenvalue is 0
  const line = Float64Array.from({ length: 25 }, (_, i) => i * i);
  await checkAgainstReference(condensedOf(line, 25, 1), 25, 2, 'line');
  // all distances 0
  const zero = await mdsTopEigen(new Float64Array((12 * 11) / 2), 12, { k: 2 });
  assert.deepEqual(Array.from(zero.values), [0, 0]);
  // n = 2: one positive eigenvalue, d²/2
  const two = await mdsTopEigen(Float64Array.of(3), 2, { k: 2 });
  assert.ok(Math.abs(two.values[0]! - 4.5) < 1e-12 && Math.abs(two.values[1]!) < 1e-12, String(two.values));
});

test('native MDS: undefined distances count as the mean finite squared distance, as the JavaScript double-centring', async () => {
  const n = 40;
  const rng = new TestRng(7);
  const pts = Float64Array.from({ length: n * 2 }, () => rng.normal());
  const c = condensedOf(pts, n, 2);
  for (const t of [3, 50, 51, 400]) c[t] = NaN;
  c[10] = Infinity;
  await checkAgainstReference(c, n, 2, 'NaN');
});

test('native MDS: the same coordinates as the JavaScript path at n = 1,000, and the same bits on 1 and 2 threads', async () => {
  const n = 1000;
  const rng = new TestRng(11);
  const pts = Float64Array.from({ length: n * 6 }, (_, i) => rng.normal() * (6 - (i % 6)));
  const c = condensedOf(pts, n, 6);
  const js = classicalMds(condensedToSquare(c, n), n, 2);
  const engines = nativeEngines();
  const native = await classicalMdsCondensed(c, n, 2, (v, m, k) => engines.mds!.topEigen(v, m, k, 0));
  const scale = Math.sqrt(js.eigenvalues[0]!);
  for (let i = 0; i < js.coords.length; i++) assert.ok(Math.abs(js.coords[i]! - native.coords[i]!) < 1e-8 * scale, `coordinate ${i}`);
  const one = await mdsTopEigen(c, n, { k: 2, threads: 1 });
  const two = await mdsTopEigen(c, n, { k: 2, threads: 2 });
  assert.deepEqual(Array.from(one.vectors), Array.from(two.vectors));
  assert.deepEqual(Array.from(one.values), Array.from(two.values));
});

test('native MDS: bad arguments are RangeErrors naming them', async () => {
  await assert.rejects(mdsTopEigen(new Float64Array(5), 4), /condensed/);
  await assert.rejects(mdsTopEigen(new Float64Array(6), 4, { k: 5 }), /options\.k/);
});
