import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareMethods, compareRdms, compareTwoRdms, type CompareMethod } from '../../src/native/compare.js';
import { TestRng } from '../helpers/random.js';
import { averageRanks, compareRef, pearsonRef, spearmanRef } from '../helpers/compareReference.js';

function close(actual: number, expected: number, tol: number, what: string): void {
  if (Number.isNaN(expected)) {
    assert.ok(Number.isNaN(actual), `${what}: expected NaN but received ${actual}`);
    return;
  }
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: expected ${expected} but received ${actual}`);
}

/** Random vector; `round` > 0 rounds to that many steps per unit (ties), `nanRate` puts NaN in. */
function vec(rng: TestRng, n: number, opts: { round?: number; nanRate?: number; base?: Float64Array } = {}): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = (opts.base ? 0.7 * opts.base[i]! : 0) + rng.normal();
    if (opts.round) x = Math.round(x * opts.round) / opts.round;
    v[i] = rng.next() < (opts.nanRate ?? 0) ? NaN : x;
  }
  return v;
}

test('each method matches the TS reference on random data with ties and NaN', async () => {
  const rng = new TestRng(1);
  for (const n of [1, 2, 3, 10, 45, 300]) {
    for (const variant of [{}, { round: 2 }, { round: 1, nanRate: 0.1 }, { nanRate: 0.2 }]) {
      const a = vec(rng, n, variant);
      const b = vec(rng, n, { ...variant, base: a.map((x) => (Number.isNaN(x) ? 0 : x)) });
      for (const m of compareMethods) {
        close(await compareTwoRdms(a, b, m), compareRef[m](a, b), 1e-12, `${m} n=${n} ${JSON.stringify(variant)}`);
      }
    }
  }
});

test('tau-a is exact on a larger input with many ties (O(n²) reference)', async () => {
  const rng = new TestRng(2);
  const a = vec(rng, 3000, { round: 3, nanRate: 0.05 });
  const b = vec(rng, 3000, { round: 3, nanRate: 0.05, base: a.map((x) => (Number.isNaN(x) ? 0 : x)) });
  close(await compareTwoRdms(a, b, 'tau-a'), compareRef['tau-a'](a, b), 1e-14, 'tau-a');
  const m = await compareRdms([a, b], 'tau-a'); // NaN patterns differ: pair by pair
  close(m[1]!, compareRef['tau-a'](a, b), 1e-14, 'tau-a matrix');
  // no NaN: the prepared path (dense ranks, radix inversion count)
  const c = vec(rng, 3000, { round: 20 });
  const d = vec(rng, 3000, { round: 20, base: c });
  const e = Float64Array.from(c, (x, i) => (i % 7 === 0 ? -x : x));
  const m3 = await compareRdms([c, d, e], 'tau-a');
  close(m3[1]!, compareRef['tau-a'](c, d), 1e-14, 'tau-a prepared (c, d)');
  close(m3[2]!, compareRef['tau-a'](c, e), 1e-14, 'tau-a prepared (c, e)');
  close(m3[5]!, compareRef['tau-a'](d, e), 1e-14, 'tau-a prepared (d, e)');
});

test('tau-a hand examples (scipy kendalltau docs data)', async () => {
  // x1, x2 from scipy.stats.kendalltau's docs: C = 2, D = 6, two pairs tied in x1
  // (one of them also in x2): tau-a = (2 − 6)/10; scipy's tau-b is −0.4714.
  const x1 = Float64Array.from([12, 2, 1, 12, 2]);
  const x2 = Float64Array.from([1, 4, 7, 1, 0]);
  close(await compareTwoRdms(x1, x2, 'tau-a'), -0.4, 1e-15, 'scipy docs example');
  close(await compareTwoRdms(Float64Array.from([1, 2, 3, 4, 5]), Float64Array.from([2, 1, 4, 3, 5]), 'tau-a'), 0.6, 1e-15, 'two swaps');
  close(await compareTwoRdms(Float64Array.from([1, 2, 3, 4]), Float64Array.from([4, 3, 2, 1]), 'tau-a'), -1, 0, 'reversed');
  // NaN dropped pairwise: the last entry goes, leaving a perfect order
  close(await compareTwoRdms(Float64Array.from([1, 2, 3, NaN]), Float64Array.from([1, 2, 3, 0]), 'tau-a'), 1, 0, 'NaN dropped');
});

test('undefined results are NaN: constant vectors, fewer than 2 kept entries, zero vectors for cosine', async () => {
  const c = Float64Array.from([0.5, 0.5, 0.5, 0.5]);
  const v = Float64Array.from([0.1, 0.4, 0.2, 0.3]);
  for (const m of compareMethods) {
    if (m !== 'cosine') assert.ok(Number.isNaN(await compareTwoRdms(c, v, m)), `${m} of a constant vector`);
    if (m !== 'cosine') assert.ok(Number.isNaN(await compareTwoRdms(Float64Array.from([1]), Float64Array.from([2]), m)), `${m} of n = 1`);
    assert.ok(Number.isNaN(await compareTwoRdms(Float64Array.from([NaN, 1]), Float64Array.from([2, NaN]), m)), `${m} with nothing kept`);
  }
  assert.ok(Number.isNaN(await compareTwoRdms(new Float64Array(4), v, 'cosine')));
  assert.equal(await compareTwoRdms(c, v, 'cosine'), compareRef.cosine(c, v));
  // constant over the kept entries only
  assert.ok(Number.isNaN(await compareTwoRdms(Float64Array.from([1, 1, 5]), Float64Array.from([1, 2, NaN]), 'pearson')));
  // 1e-17 offsets leave the mean inexact: still exactly "constant"
  assert.ok(Number.isNaN(await compareTwoRdms(new Float64Array(7).fill(0.1), Float64Array.from([1, 2, 3, 4, 5, 6, 7]), 'pearson')));
});

test('Spearman is Pearson of average ranks; rho-a equals Spearman without ties and differs with them', async () => {
  const rng = new TestRng(3);
  const a = vec(rng, 200);
  const b = vec(rng, 200, { base: a });
  const ra = Float64Array.from(averageRanks(Array.from(a)));
  const rb = Float64Array.from(averageRanks(Array.from(b)));
  close(await compareTwoRdms(a, b, 'spearman'), await compareTwoRdms(ra, rb, 'pearson'), 1e-13, 'spearman = pearson of ranks');
  close(await compareTwoRdms(a, b, 'rho-a'), await compareTwoRdms(a, b, 'spearman'), 1e-13, 'rho-a = spearman (no ties)');
  const ta = vec(rng, 200, { round: 1 });
  const tb = vec(rng, 200, { round: 1, base: ta });
  const rho = await compareTwoRdms(ta, tb, 'rho-a');
  const sp = await compareTwoRdms(ta, tb, 'spearman');
  assert.ok(Math.abs(rho) < Math.abs(sp), `with ties |rho-a| ${rho} < |spearman| ${sp}`);
  close(sp, spearmanRef(ta, tb), 1e-13, 'spearman with ties');
});

test('the K × K matrix equals the pairwise results, is symmetric, and has the right diagonal', async () => {
  const rng = new TestRng(4);
  const n = 190; // N = 20
  const base = vec(rng, n);
  const shared = vec(rng, n, { nanRate: 0.1 }).map((x) => (Number.isNaN(x) ? NaN : 0));
  const rdms = [
    vec(rng, n, { base }),
    vec(rng, n, { base, round: 2 }),
    vec(rng, n, { base }).map((x, i) => x + shared[i]!), // same NaN pattern as the next
    vec(rng, n, { base, round: 3 }).map((x, i) => x + shared[i]!),
    vec(rng, n, { base, nanRate: 0.05 }), // its own pattern
    new Float64Array(n).fill(2), // constant: NaN row
  ];
  const k = rdms.length;
  for (const m of compareMethods) {
    const mat = await compareRdms(rdms, m, { threads: 2 });
    assert.equal(mat.length, k * k);
    for (let p = 0; p < k; p++) {
      for (let q = 0; q < k; q++) {
        const expected = p === q && m !== 'rho-a' && m !== 'tau-a' && p !== k - 1
          ? 1
          : compareRef[m](rdms[p]!, rdms[q]!);
        close(mat[p * k + q]!, expected, 1e-12, `${m} [${p}, ${q}]`);
        assert.ok(Object.is(mat[p * k + q], mat[q * k + p]), `${m} symmetric at [${p}, ${q}]`);
      }
    }
    // the same numbers from one packed array, and from pair calls
    const packed = new Float64Array(k * n);
    rdms.forEach((r, p) => packed.set(r, p * n));
    const { loadAddon } = await import('../../src/native/addon.js');
    assert.deepEqual(await loadAddon().compareRdms(packed, n, { method: m, threads: 1 }), mat);
    close(mat[1]!, await compareTwoRdms(rdms[0]!, rdms[1]!, m), 1e-13, `${m} pair`);
  }
});

test('tiny RDMs: N = 2 (one entry) and N = 3 (three entries)', async () => {
  const one = [Float64Array.from([0.3]), Float64Array.from([0.7])];
  const m1 = await compareRdms(one, 'pearson');
  assert.ok(m1.every((x) => Number.isNaN(x)));
  assert.deepEqual(Array.from(await compareRdms(one, 'cosine')), [1, 1, 1, 1]);
  const three = [Float64Array.from([1, 2, 3]), Float64Array.from([1, 3, 2]), Float64Array.from([3, 2, 1])];
  for (const m of compareMethods) {
    const mat = await compareRdms(three, m);
    for (let p = 0; p < 3; p++) for (let q = 0; q < 3; q++) close(mat[p * 3 + q]!, p === q && m !== 'rho-a' && m !== 'tau-a' ? 1 : compareRef[m](three[p]!, three[q]!), 1e-13, `${m} [${p}, ${q}]`);
  }
  close((await compareRdms(three, 'tau-a'))[1]!, 1 / 3, 1e-15, 'tau-a (1 2 3) vs (1 3 2)');
});

test('float32 inputs give the results of their float64 values', async () => {
  const rng = new TestRng(5);
  const a = Float32Array.from(vec(rng, 100));
  const b = Float32Array.from(vec(rng, 100, { base: Float64Array.from(a) }));
  for (const m of compareMethods) {
    close(await compareTwoRdms(a, b, m), compareRef[m](a, b), 1e-12, `${m} float32`);
  }
  const mat = await compareRdms([a, b], 'spearman');
  close(mat[1]!, spearmanRef(a, b), 1e-12, 'matrix float32');
});

test('results do not depend on the thread count', async () => {
  const rng = new TestRng(6);
  const base = vec(rng, 500);
  const rdms = Array.from({ length: 5 }, () => vec(rng, 500, { base, round: 4 }));
  for (const m of ['spearman', 'tau-a', 'pearson'] as CompareMethod[]) {
    assert.deepEqual(await compareRdms(rdms, m, { threads: 1 }), await compareRdms(rdms, m, { threads: 3 }));
  }
  close(pearsonRef(rdms[0]!, rdms[1]!), (await compareRdms(rdms, 'pearson'))[1]!, 1e-12, 'pearson');
});

test('ranking is exact for neighbouring doubles, signed zeros, infinities and many ties', async () => {
  const rng = new TestRng(7);
  const n = 500;
  // values one ulp apart (keys differ in their last bits only), -0 tied with 0, ±Infinity
  const a = new Float64Array(n);
  const buf = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < n; i++) {
    buf.setFloat64(0, 1);
    buf.setBigUint64(0, buf.getBigUint64(0) + BigInt(rng.int(3)));
    a[i] = buf.getFloat64(0);
  }
  a[0] = -0;
  a[1] = 0;
  a[2] = Infinity;
  a[3] = -Infinity;
  const b = vec(rng, n, { round: 1 });
  for (const m of ['spearman', 'rho-a', 'tau-a'] as CompareMethod[]) {
    close(await compareTwoRdms(a, b, m), compareRef[m](a, b), 1e-12, m);
    close((await compareRdms([a, b], m))[1]!, compareRef[m](a, b), 1e-12, `${m} matrix`);
  }
});
