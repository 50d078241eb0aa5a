import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gather, withinBetweenIndices } from '../../src/analysis/classStructure.js';
import { consistencyOf, consistencyWithinBetween } from '../../src/analysis/consistency.js';
import { nativeEngines } from '../../src/analysis/nativeEngines.js';
import { compareRdms, pearsonWithinBetween } from '../../src/native/compare.js';
import { TestRng } from '../helpers/random.js';

/** K consistent condensed RDMs of n stimuli (a shared part, an offset far above the spread, and noise). */
function rdmsOf(k: number, n: number, seed: number): Float64Array[] {
  const rng = new TestRng(seed);
  const m = (n * (n - 1)) / 2;
  const shared = rng.normals(m);
  return Array.from({ length: k }, () => shared.map((v) => 40 + v + 0.7 * rng.normal()));
}

function assertClose(a: Float64Array, b: Float64Array, tol: number, label: string): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i]!)) assert.ok(Number.isNaN(a[i]!), `${label}[${i}]: ${a[i]} but NaN expected`);
    else assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${label}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

test('pearsonWithinBetween equals compareRdms of the vectors and of their gathered within and between entries', async () => {
  for (const [n, classes] of [[60, 4], [200, 10], [9, 3]] as const) {
    const rdms = rdmsOf(6, n, n);
    const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % classes);
    const split = withinBetweenIndices(labels);
    const r = await pearsonWithinBetween(rdms, split.within);
    assert.ok(r);
    assertClose(r.full, await compareRdms(rdms, 'pearson'), 1e-12, `full n=${n}`);
    assertClose(r.within, await compareRdms(rdms.map((v) => gather(v, split.within)), 'pearson'), 1e-12, `within n=${n}`);
    assertClose(r.between, await compareRdms(rdms.map((v) => gather(v, split.between)), 'pearson'), 1e-12, `between n=${n}`);
  }
});

test('pearsonWithinBetween: a vector constant over one subset is NaN there only, exactly as compareRdms', async () => {
  const n = 40;
  const rdms = rdmsOf(4, n, 3);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 5);
  const split = withinBetweenIndices(labels);
  for (const t of split.within) rdms[1]![t] = 2.5; // constant within categories
  for (const t of split.between) rdms[2]![t] = -1; // constant between them
  const r = (await pearsonWithinBetween(rdms, split.within))!;
  const within = await compareRdms(rdms.map((v) => gather(v, split.within)), 'pearson');
  const between = await compareRdms(rdms.map((v) => gather(v, split.between)), 'pearson');
  assert.ok(Number.isNaN(within[1 * 4 + 0]!) && Number.isNaN(between[2 * 4 + 3]!));
  assertClose(r.within, within, 1e-12, 'within');
  assertClose(r.between, between, 1e-12, 'between');
  assertClose(r.full, await compareRdms(rdms, 'pearson'), 1e-12, 'full');
});

test('pearsonWithinBetween: NaN entries give null, and consistencyWithinBetween then gathers (NaN dropped pairwise)', async () => {
  const n = 30;
  const rdms = rdmsOf(3, n, 4);
  rdms[0]![17] = NaN;
  const split = withinBetweenIndices(Int32Array.from({ length: n }, (_, i) => i % 3));
  assert.equal(await pearsonWithinBetween(rdms, split.within), null);
  const engines = nativeEngines();
  const c = await consistencyWithinBetween(rdms, split, 'pearson', 0, engines);
  const between = await c.between(rdms);
  const expected = await consistencyOf(rdms.map((v) => gather(v, split.between)), 'pearson', 0, engines);
  assert.deepEqual(between?.summary, expected?.summary);
});

test('consistencyWithinBetween: the one-pass path and the gathering path give the same summaries', async () => {
  const n = 120;
  const rdms = rdmsOf(5, n, 9);
  const split = withinBetweenIndices(Int32Array.from({ length: n }, (_, i) => i % 6));
  const native = nativeEngines();
  const gathering = { ...native, compare: { compareAll: native.compare.compareAll } };
  const a = await consistencyWithinBetween(rdms, split, 'pearson', 0, native);
  const b = await consistencyWithinBetween(rdms, split, 'pearson', 0, gathering);
  for (const [x, y] of [[a.all, b.all], [a.within, b.within], [await a.between(rdms), await b.between(rdms)]] as const) {
    assert.ok(x && y);
    assert.ok(Math.abs(x.summary.mean_r - y.summary.mean_r) < 1e-12 && Math.abs(x.summary.mean_r2 - y.summary.mean_r2) < 1e-12);
    assert.equal(x.summary.entries, y.summary.entries);
  }
});

test('pearsonWithinBetween: bad positions are RangeErrors naming them', async () => {
  const rdms = rdmsOf(2, 5, 1);
  await assert.rejects(pearsonWithinBetween(rdms, Uint32Array.of(3, 2)), /within/);
  await assert.rejects(pearsonWithinBetween(rdms, Uint32Array.of(10)), /within/);
});
