import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mantelTest } from '../../src/native/stats.js';
import { permtestFamily, permtestPair } from '../../src/stats/permtest.js';
import { TestRng } from '../helpers/random.js';
import {
  type Method, enginePermutation, exactP, exactPFast, permuteCondensed, randomCondensed, refStatistic,
} from '../helpers/statsReference.js';

const METHODS: Method[] = ['pearson', 'r2', 'spearman', 'rho-a', 'tau-a', 'cosine'];

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);
}

test('exact enumeration equals the brute-force reference for every method (N = 6, continuous, tied and NaN data)', async () => {
  const rng = new TestRng(11);
  const n = 6;
  const cases: [string, Float64Array, Float64Array][] = [];
  for (let c = 0; c < 2; c++) {
    const a = randomCondensed(() => rng.next(), n);
    cases.push(['continuous', a, a.map((v) => v + 0.5 * rng.next())]);
  }
  // few distinct values: many ties, and permutations with equal statistics
  cases.push(['ties', randomCondensed(() => rng.int(3), n), randomCondensed(() => rng.int(3), n)]);
  const withNaN = randomCondensed(() => rng.next(), n);
  withNaN[2] = Number.NaN;
  cases.push(['nan', withNaN, randomCondensed(() => rng.next(), n)]);
  for (const method of METHODS) {
    for (const [label, a, b] of cases) {
      const ref = exactP(method, a, b, n);
      const r = await mantelTest([a, b], n, { method, permutations: 720, seed: 3 });
      assert.equal(r.exact, true);
      assert.equal(r.permutations, 720);
      close(r.statistic[1]!, ref.statistic, 1e-12, `${method}/${label} statistic`);
      close(r.count[1]! / 720, ref.p, 1e-12, `${method}/${label} p`);
    }
  }
});

test('exact enumeration at N = 7 (5040 permutations) matches the reference; fewer permutations asked samples instead', async () => {
  const rng = new TestRng(12);
  const n = 7;
  const a = randomCondensed(() => rng.next(), n);
  const b = a.map((v) => v + 2 * rng.next());
  const ref = exactP('pearson', a, b, n);
  const r = await permtestPair(a, b, n, { permutations: 5040 });
  assert.equal(r.exact, true);
  close(r.p, ref.p, 1e-12, 'p');
  const sampled = await permtestPair(a, b, n, { permutations: 5039 });
  assert.equal(sampled.exact, false);
});

test('sampled p converges to the exact p (|Δ| < 0.01 at 100,000 permutations)', async () => {
  const rng = new TestRng(13);
  const n = 9; // 9! = 362,880 > 100,000, so the engine samples
  for (const method of ['pearson', 'spearman'] as const) {
    const a = randomCondensed(() => rng.next(), n);
    const b = a.map((v) => v + 3 * rng.next());
    const ref = exactPFast(method, a, b, n);
    const r = await permtestPair(a, b, n, { method, permutations: 100000, seed: 5 });
    assert.equal(r.exact, false);
    assert.ok(Math.abs(r.p - ref.p) < 0.01, `${method}: sampled ${r.p} vs exact ${ref.p}`);
  }
});

test('each sampled permutation is the documented stream draw; float kernel matches the reference (N = 90)', async () => {
  const rng = new TestRng(14);
  const n = 90;
  const a = randomCondensed(() => rng.normal(), n);
  const b = a.map((v) => v + rng.normal());
  for (const method of ['pearson', 'spearman', 'cosine', 'rho-a', 'tau-a'] as Method[]) {
    const r = await mantelTest([a, b], n, { method, permutations: 6, seed: 42, keepNullMax: true });
    close(r.statistic[1]!, refStatistic(method, a, b), 1e-12, `${method} observed`);
    for (let p = 0; p < 6; p++) {
      const perm = enginePermutation(42, p, n);
      const expected = refStatistic(method, a, permuteCondensed(b, n, perm));
      close(r.nullMax![p]!, expected, 1e-6, `${method} permutation ${p}`);
    }
  }
});

test('NaN entries move with the permutation (generic engine agrees with the reference per permutation)', async () => {
  const rng = new TestRng(15);
  const n = 12;
  const a = randomCondensed(() => rng.normal(), n);
  const b = randomCondensed(() => rng.normal(), n);
  b[3] = Number.NaN;
  b[20] = Number.NaN;
  a[7] = Number.NaN;
  const r = await mantelTest([a, b], n, { method: 'spearman', permutations: 5, seed: 9, keepNullMax: true });
  assert.equal(r.path, 'generic');
  for (let p = 0; p < 5; p++) {
    const expected = refStatistic('spearman', a, permuteCondensed(b, n, enginePermutation(9, p, n)));
    close(r.nullMax![p]!, expected, 1e-12, `permutation ${p}`);
  }
});

test('all pairs: each pair equals its own single-pair test with the same seed', async () => {
  const rng = new TestRng(16);
  const n = 70;
  const base = randomCondensed(() => rng.normal(), n);
  const rdms = [0, 1, 2, 3].map(() => base.map((v) => v + 3 * rng.normal()));
  const all = await mantelTest(rdms, n, { method: 'pearson', permutations: 300, seed: 2, allPairs: true });
  for (let a = 0; a < 4; a++) {
    for (let b = a + 1; b < 4; b++) {
      const one = await mantelTest([rdms[a]!, rdms[b]!], n, { method: 'pearson', permutations: 300, seed: 2 });
      assert.equal(all.count[a * 4 + b], one.count[1]);
      close(all.statistic[a * 4 + b]!, one.statistic[1]!, 1e-12, 'statistic');
    }
  }
});

test('identical results for 1 and 2 threads and across runs; different seeds differ', async () => {
  const rng = new TestRng(17);
  const n = 80;
  const rdms = [0, 1, 2].map(() => randomCondensed(() => rng.normal(), n));
  const run = (threads: number, seed: number) =>
    mantelTest(rdms, n, { method: 'pearson', permutations: 500, seed, threads, allPairs: true, keepNullMax: true });
  const one = await run(1, 7);
  const two = await run(2, 7);
  const again = await run(2, 7);
  const other = await run(2, 8);
  assert.deepEqual(Array.from(two.nullMax!), Array.from(one.nullMax!));
  assert.deepEqual(Array.from(two.count), Array.from(one.count));
  assert.deepEqual(Array.from(again.nullMax!), Array.from(one.nullMax!));
  assert.notDeepEqual(Array.from(other.nullMax!), Array.from(one.nullMax!));
});

function ksUniform(p: number[]): number {
  const s = [...p].sort((x, y) => x - y);
  let d = 0;
  s.forEach((v, i) => { d = Math.max(d, Math.abs(v - i / s.length), Math.abs(v - (i + 1) / s.length)); });
  return d;
}

test('null data gives uniform p-values (Kolmogorov–Smirnov, seeded)', async () => {
  const rng = new TestRng(18);
  const n = 10;
  const ps: number[] = [];
  for (let t = 0; t < 300; t++) {
    const r = await permtestPair(randomCondensed(() => rng.normal(), n), randomCondensed(() => rng.normal(), n), n,
      { permutations: 400, seed: t });
    ps.push(r.p);
  }
  const d = ksUniform(ps);
  assert.ok(d < 1.63 / Math.sqrt(ps.length), `KS distance ${d}`);
});

test('max-statistic correction over pairs × layers controls the family-wise error on null data', async () => {
  const rng = new TestRng(19);
  const n = 9;
  let anyRaw = 0;
  let anyCorrected = 0;
  const families = 80;
  for (let f = 0; f < families; f++) {
    const layers = [0, 1].map((l) => ({ name: `l${l}`, n, rdms: [0, 1, 2, 3].map(() => randomCondensed(() => rng.normal(), n)) }));
    const r = await permtestFamily(layers, { permutations: 300, seed: f });
    const raw = r.layers.flatMap((l) => Array.from(l.p).filter(Number.isFinite));
    const corr = r.layers.flatMap((l) => Array.from(l.pMaxstat).filter(Number.isFinite));
    corr.forEach((c, i) => assert.ok(c >= raw[i]! - 1e-15));
    if (Math.min(...raw) <= 0.05) anyRaw++;
    if (Math.min(...corr) <= 0.05) anyCorrected++;
  }
  assert.ok(anyCorrected / families <= 0.12, `FWER ${anyCorrected / families}`);
  assert.ok(anyRaw > anyCorrected, 'uncorrected tests reject more often');
});

test('a family tested in blocks of instances (bounded memory) gives exactly the p-values of one call', async () => {
  const rng = new TestRng(41);
  const n = 12;
  const shared = randomCondensed(() => rng.normal(), n);
  const layers = [0, 1].map((l) => ({
    name: `l${l}`, n, rdms: Array.from({ length: 7 }, () => shared.map((v) => v + (l + 1) * rng.normal())),
  }));
  for (const method of ['pearson', 'spearman'] as const) {
    const whole = await permtestFamily(layers, { method, permutations: 200, seed: 5 });
    for (const maxRdmsPerCall of [2, 3, 4, 6]) {
      const blocked = await permtestFamily(layers, { method, permutations: 200, seed: 5, maxRdmsPerCall });
      whole.layers.forEach((l, li) => {
        assert.deepEqual(Array.from(blocked.layers[li]!.statistic), Array.from(l.statistic), `${method} statistic, blocks of ${maxRdmsPerCall}`);
        assert.deepEqual(Array.from(blocked.layers[li]!.p), Array.from(l.p), `${method} p, blocks of ${maxRdmsPerCall}`);
        assert.deepEqual(Array.from(blocked.layers[li]!.pMaxstat), Array.from(l.pMaxstat), `${method} corrected p, blocks of ${maxRdmsPerCall}`);
      });
    }
  }
});
