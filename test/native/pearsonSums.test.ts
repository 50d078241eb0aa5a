// The one-pass Pearson route (native/core/pearson_sums.h) for K ≤ 16 RDMs: at
// sizes that span many blocks and chunks, against the two-pass TS reference,
// against the tiled Gram route that K > 16 takes, across thread counts, and on
// its edge cases (a large offset, constant vectors, NaN in the last block).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gather, withinBetweenIndices } from '../../src/analysis/classStructure.js';
import { compareRdms, pearsonWithinBetween } from '../../src/native/compare.js';
import { TestRng } from '../helpers/random.js';
import { pearsonRef } from '../helpers/compareReference.js';

/** K related vectors of m entries: a shared part, noise, and an offset far above the spread. */
function related(k: number, m: number, seed: number, offset = 1000): Float64Array[] {
  const rng = new TestRng(seed);
  const shared = rng.normals(m);
  return Array.from({ length: k }, (_, p) => shared.map((v) => offset + v + (0.3 + 0.2 * p) * rng.normal()));
}

function assertClose(actual: number, expected: number, tol: number, what: string): void {
  if (Number.isNaN(expected)) {
    assert.ok(Number.isNaN(actual), `${what}: expected NaN but received ${actual}`);
    return;
  }
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected} but received ${actual}`);
}

// 200,003 entries: 196 blocks of 1,024 over 64 chunks, and a short last block
const M = 200_003;

test('pearson and r2 of K ≤ 16 long RDMs match the two-pass reference and do not depend on threads', async () => {
  const rdms = related(5, M, 1);
  rdms.push(rdms[0]!.map((v) => Math.round(v * 4) / 4)); // ties
  const k = rdms.length;
  const r1 = await compareRdms(rdms, 'pearson', { threads: 1 });
  assert.deepEqual(await compareRdms(rdms, 'pearson', { threads: 2 }), r1);
  assert.deepEqual(await compareRdms(rdms, 'pearson', { threads: 5 }), r1);
  const r2 = await compareRdms(rdms, 'r2', { threads: 2 });
  for (let p = 0; p < k; p++) {
    for (let q = 0; q < k; q++) {
      const expected = p === q ? 1 : pearsonRef(rdms[p]!, rdms[q]!);
      assertClose(r1[p * k + q]!, expected, 1e-12, `pearson [${p}, ${q}]`);
      assertClose(r2[p * k + q]!, expected * expected, 2e-12, `r2 [${p}, ${q}]`);
    }
  }
});

test('the one-pass route (K ≤ 16) and the tiled Gram route (K = 17) agree', async () => {
  const rdms = related(17, 70_001, 2, 5);
  const all = await compareRdms(rdms, 'pearson');
  const few = await compareRdms(rdms.slice(0, 16), 'pearson');
  for (let p = 0; p < 16; p++) {
    for (let q = 0; q < 16; q++) assertClose(few[p * 16 + q]!, all[p * 17 + q]!, 1e-12, `[${p}, ${q}]`);
  }
});

test('one pass: a constant RDM is NaN, one differing only in its last entry is not, NaN falls back to dropping pairwise', async () => {
  const [a, b] = related(2, M, 3);
  const constant = new Float64Array(M).fill(0.75);
  const lastDiffers = constant.slice();
  lastDiffers[M - 1] = 0.8;
  const m = await compareRdms([a!, b!, constant, lastDiffers], 'pearson');
  for (const [p, q] of [[0, 2], [2, 2], [2, 3], [1, 2]]) assert.ok(Number.isNaN(m[p! * 4 + q!]!), `[${p}, ${q}] is NaN`);
  assert.equal(m[3 * 4 + 3], 1);
  assertClose(m[0 * 4 + 3]!, pearsonRef(a!, lastDiffers), 1e-12, 'lastDiffers vs a');
  const withNaN = b!.slice();
  withNaN[M - 2] = NaN;
  const n2 = await compareRdms([a!, withNaN], 'pearson');
  assertClose(n2[1]!, pearsonRef(a!, withNaN), 1e-12, 'NaN dropped pairwise');
});

test('pearsonWithinBetween on long RDMs: both routes equal compareRdms of the gathered subsets', async () => {
  const n = 700; // 244,650 entries
  const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % 10);
  const split = withinBetweenIndices(labels);
  for (const k of [4, 17]) {
    const rdms = related(k, (n * (n - 1)) / 2, 10 + k, 2);
    const r = await pearsonWithinBetween(rdms, split.within, { threads: 2 });
    assert.ok(r);
    assert.deepEqual(await pearsonWithinBetween(rdms, split.within, { threads: 1 }), r);
    const parts = [
      [r.full, await compareRdms(rdms, 'pearson')],
      [r.within, await compareRdms(rdms.map((v) => gather(v, split.within)), 'pearson')],
      [r.between, await compareRdms(rdms.map((v) => gather(v, split.between)), 'pearson')],
    ] as const;
    for (const [i, [got, want]] of parts.entries()) {
      for (let j = 0; j < k * k; j++) assertClose(got[j]!, want[j]!, 1e-12, `K=${k} part ${i} [${j}]`);
    }
  }
});
