import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapConsistency as nativeBootstrap } from '../../src/native/stats.js';
import { bootstrapConsistency } from '../../src/stats/bootstrap.js';
import { compareZoos } from '../../src/stats/zoo.js';
import { TestRng } from '../helpers/random.js';
import { DOMAIN, type Method, engineResampleCounts, randomCondensed, refStatistic } from '../helpers/statsReference.js';

function condensedIndex(n: number, i: number, j: number): number {
  return i < j ? i * n - (i * (i + 1)) / 2 + j - i - 1 : condensedIndex(n, j, i);
}

/** The stimulus-resampled condensed RDM by its definition: entries of a stimulus with its own copy dropped. */
function resampledRdm(rdm: Float64Array, n: number, counts: number[]): Float64Array {
  const list = counts.flatMap((c, i) => new Array<number>(c).fill(i));
  const out: number[] = [];
  for (let u = 0; u < list.length; u++) {
    for (let v = u + 1; v < list.length; v++) if (list[u] !== list[v]) out.push(rdm[condensedIndex(n, list[u]!, list[v]!)]!);
  }
  return Float64Array.from(out);
}

/** Mean over pairs of the resampled instance list, pairs of an instance with its own copy dropped. */
function meanOverInstances(pairStat: (a: number, b: number) => number, counts: number[]): number {
  const list = counts.flatMap((c, i) => new Array<number>(c).fill(i));
  let s = 0;
  let k = 0;
  for (let u = 0; u < list.length; u++) {
    for (let v = u + 1; v < list.length; v++) if (list[u] !== list[v]) { s += pairStat(list[u]!, list[v]!); k++; }
  }
  return k ? s / k : Number.NaN;
}

function layer(rng: TestRng, n: number, k: number, noise: number): Float64Array[] {
  const base = randomCondensed(() => rng.normal(), n);
  return Array.from({ length: k }, () => base.map((v) => v + noise * rng.normal()));
}

test('replicates follow the definitions: stimuli, instances and both (every method)', async () => {
  const rng = new TestRng(31);
  const n = 11;
  const k = 4;
  const rdms = layer(rng, n, k, 1);
  for (const method of ['pearson', 'r2', 'spearman', 'rho-a', 'tau-a', 'cosine'] as Method[]) {
    for (const over of ['stimuli', 'instances', 'both'] as const) {
      const r = await nativeBootstrap(rdms, n, { method, over, samples: 3, seed: 6 });
      for (let b = 0; b < 3; b++) {
        const stim = over === 'instances' ? new Array<number>(n).fill(1) : engineResampleCounts(6, DOMAIN.stimuli, b, n);
        const inst = over === 'stimuli' ? new Array<number>(k).fill(1) : engineResampleCounts(6, DOMAIN.instances, b, k);
        const res = rdms.map((x) => resampledRdm(x, n, stim));
        const expected = meanOverInstances((a, c) => refStatistic(method, res[a]!, res[c]!), inst);
        if (Number.isNaN(expected)) assert.ok(Number.isNaN(r.replicates[b]!));
        else assert.ok(Math.abs(r.replicates[b]! - expected) < 1e-10, `${method}/${over}/${b}: ${r.replicates[b]} vs ${expected}`);
      }
      const direct = meanOverInstances((a, c) => refStatistic(method, rdms[a]!, rdms[c]!), new Array<number>(k).fill(1));
      assert.ok(Math.abs(r.estimate - direct) < 1e-12);
    }
  }
});

test('stimulus-bootstrap replicates with tied values match the definition (spearman, rho-a)', async () => {
  const rng = new TestRng(36);
  const n = 9;
  const rdms = [0, 1, 2].map(() => randomCondensed(() => rng.int(4), n));
  for (const method of ['spearman', 'rho-a'] as Method[]) {
    const r = await nativeBootstrap(rdms, n, { method, over: 'stimuli', samples: 4, seed: 8 });
    for (let b = 0; b < 4; b++) {
      const res = rdms.map((x) => resampledRdm(x, n, engineResampleCounts(8, DOMAIN.stimuli, b, n)));
      const expected = meanOverInstances((a, c) => refStatistic(method, res[a]!, res[c]!), [1, 1, 1]);
      assert.ok(Math.abs(r.replicates[b]! - expected) < 1e-10, `${method}/${b}: ${r.replicates[b]} vs ${expected}`);
    }
  }
});

test('bootstrap results do not depend on threads; seeds reproduce and differ', async () => {
  const rng = new TestRng(32);
  const n = 40;
  const rdms = layer(rng, n, 3, 1);
  const one = await nativeBootstrap(rdms, n, { over: 'both', samples: 50, seed: 1, threads: 1, method: 'r2', jackknife: true });
  const two = await nativeBootstrap(rdms, n, { over: 'both', samples: 50, seed: 1, threads: 2, method: 'r2', jackknife: true });
  const other = await nativeBootstrap(rdms, n, { over: 'both', samples: 50, seed: 2, threads: 2, method: 'r2' });
  assert.deepEqual(Array.from(two.replicates), Array.from(one.replicates));
  assert.deepEqual(Array.from(two.jackknifeStimuli), Array.from(one.jackknifeStimuli));
  assert.equal(one.jackknifeInstances.length, 3);
  assert.notDeepEqual(Array.from(other.replicates), Array.from(one.replicates));
});

test('instance-bootstrap intervals cover the true mean consistency at about the nominal rate', async () => {
  // Cosine of condensed vectors u_k = √w_k e_0 + √(1 − w_k) e_k (orthogonal e's)
  // is exactly √(w_a w_b), so with w ~ U(0.2, 0.9) the population mean
  // pairwise consistency is (E √w)² = ((2/3)(0.9^1.5 − 0.2^1.5)/0.7)².
  const truth = (((2 / 3) * (0.9 ** 1.5 - 0.2 ** 1.5)) / 0.7) ** 2;
  const rng = new TestRng(33);
  const k = 14;
  const n = 7; // 21 entries ≥ k + 1 directions
  const sims = 150;
  let covered = 0;
  for (let s = 0; s < sims; s++) {
    const rdms = Array.from({ length: k }, (_, i) => {
      const w = 0.2 + 0.7 * rng.next();
      const v = new Float64Array(21);
      v[0] = Math.sqrt(w);
      v[i + 1] = Math.sqrt(1 - w);
      return v;
    });
    const r = await bootstrapConsistency(rdms, n, { over: 'instances', method: 'cosine', samples: 400, seed: s });
    if (r.ci.lower <= truth && truth <= r.ci.upper) covered++;
  }
  const rate = covered / sims;
  assert.ok(rate >= 0.85 && rate <= 0.99, `coverage ${rate}`);
});

test('zoo comparison: exact enumeration of relabellings equals the brute-force p', async () => {
  const rng = new TestRng(34);
  const n = 20;
  const a = layer(rng, n, 3, 0.5);
  const b = layer(rng, n, 3, 2);
  const r = await compareZoos([{ name: 'x', rdms: { a, b }, n }], { method: 'pearson', permutations: 1000 });
  assert.equal(r.exact, true);
  assert.equal(r.permutations, 20);
  const all = [...a, ...b];
  const c = (i: number, j: number): number => refStatistic('pearson', all[i]!, all[j]!);
  const meanOf = (ids: number[]): number => {
    let s = 0; let m = 0;
    for (let x = 0; x < ids.length; x++) for (let y = x + 1; y < ids.length; y++) { s += c(ids[x]!, ids[y]!); m++; }
    return s / m;
  };
  const obs = meanOf([0, 1, 2]) - meanOf([3, 4, 5]);
  let k = 0;
  for (let m = 0; m < 64; m++) {
    const ids = [0, 1, 2, 3, 4, 5].filter((i) => (m >> i) & 1);
    if (ids.length !== 3) continue;
    const rest = [0, 1, 2, 3, 4, 5].filter((i) => !((m >> i) & 1));
    if (Math.abs(meanOf(ids) - meanOf(rest)) >= Math.abs(obs) - 1e-9) k++;
  }
  assert.ok(Math.abs(r.layers[0]!.difference - obs) < 1e-12);
  assert.ok(Math.abs(r.layers[0]!.p - k / 20) < 1e-12, `${r.layers[0]!.p} vs ${k / 20}`);
});

test('zoo comparison over layers: sampled p, max-statistic p ≥ raw p, and a real difference is found', async () => {
  const rng = new TestRng(35);
  const n = 25;
  const layers = [0, 1, 2].map((l) => ({ name: `l${l}`, n, rdms: { a: layer(rng, n, 6, 0.5), b: layer(rng, n, 6, l === 0 ? 0.5 : 3) } }));
  // C(12, 6) = 924 relabellings > 500 asked: sampled
  const r = await compareZoos(layers, { method: 'r2', permutations: 500, seed: 3 });
  assert.equal(r.exact, false);
  for (const l of r.layers) assert.ok(l.pMaxstat >= l.p);
  assert.ok(r.layers[2]!.p < 0.01);
  assert.ok(r.layers[2]!.difference > 0);
  assert.ok(r.layers[0]!.p > 0.01);
});
