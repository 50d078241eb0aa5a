import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ISA_ORDER, isaHelperOutput } from '../helpers/isa.js';
import { mantelTest } from '../../src/native/stats.js';
import { maxStatistic, pFromCount } from '../../src/stats/corrections.js';
import { permtestFamily } from '../../src/stats/permtest.js';
import { TestRng } from '../helpers/random.js';
import { enginePermutation, permuteCondensed, randomCondensed, refStatistic } from '../helpers/statsReference.js';

for (const isa of ISA_ORDER) {
  test(`early stops change no count and no null maximum that matters (${isa} kernels)`, async (t) => {
    const out = await isaHelperOutput<{ kernel: string; mismatches: string[]; bounded: number; counted: number }>(t, 'mantelEarlyCheck', isa);
    if (!out) return;
    assert.equal(out.kernel, isa);
    assert.deepEqual(out.mismatches, []);
    // the cases exercise both sides: permutations stopped early, and permutations that count
    assert.ok(out.bounded > 0, 'no permutation was stopped early');
    assert.ok(out.counted > 0, 'no permutation reached an observed statistic');
  });
}

test('a family with early stops gives the p-values of the full computation', async () => {
  const rng = new TestRng(77);
  const n = 90;
  const base = randomCondensed(() => rng.normal(), n);
  // layer 0 strongly related, layer 1 weakly: the floor comes from layer 1
  const layers = [[2, 2.5, 3], [0.3, 0.2, 0.25]].map((ws, i) => ({ name: `l${i}`, n, rdms: ws.map((w) => base.map((v) => w * v + rng.normal())) }));
  const fam = await permtestFamily(layers, { method: 'pearson', permutations: 400, seed: 11 });
  const full: Awaited<ReturnType<typeof mantelTest>>[] = [];
  for (const l of layers) full.push(await mantelTest(l.rdms, n, { method: 'pearson', permutations: 400, seed: 11, allPairs: true, keepNullMax: true }));
  const nullMax = new Float64Array(400).map((_, p) => Math.max(...full.map((r) => r.nullMax![p]!)));
  full.forEach((r, li) => {
    const adjusted = maxStatistic(Array.from(r.statistic), nullMax, r.exact);
    for (let a = 0; a < 3; a++) {
      for (let b = a + 1; b < 3; b++) {
        assert.equal(fam.layers[li]!.p[a * 3 + b], pFromCount(r.count[a * 3 + b]!, r.permutations, r.exact));
        assert.equal(fam.layers[li]!.pMaxstat[a * 3 + b], adjusted[a * 3 + b]);
      }
    }
  });
});

test('RDMs with strong row effects: every null statistic matches the reference', async () => {
  const rng = new TestRng(78);
  const n = 70;
  const effect = Array.from({ length: n }, () => 3 * rng.normal());
  const withEffects = (scale: number): Float64Array => {
    const v = randomCondensed(() => rng.normal(), n);
    for (let i = 0, t = 0; i < n; i++) for (let j = i + 1; j < n; j++, t++) v[t] = v[t]! + scale * (effect[i]! + effect[j]!);
    return v;
  };
  const a = withEffects(1);
  const b = withEffects(0.5);
  for (const method of ['pearson', 'spearman', 'cosine', 'rho-a'] as const) {
    const r = await mantelTest([a, b], n, { method, permutations: 8, seed: 4, keepNullMax: true });
    assert.ok(Math.abs(r.statistic[1]! - refStatistic(method, a, b)) < 1e-12, `${method} observed`);
    for (let p = 0; p < 8; p++) {
      const expected = refStatistic(method, a, permuteCondensed(b, n, enginePermutation(4, p, n)));
      assert.ok(Math.abs(r.nullMax![p]! - expected) < 1e-6, `${method} permutation ${p}: ${r.nullMax![p]} vs ${expected}`);
    }
  }
});

test('early stops give identical results for 1 and 2 threads', async () => {
  const rng = new TestRng(79);
  const n = 120;
  const base = randomCondensed(() => rng.normal(), n);
  const rdms = [1.5, 1, 0.2].map((w) => base.map((v) => w * v + rng.normal()));
  for (const opts of [{}, { keepNullMax: true, nullFloor: 0.3 }]) {
    const run = (threads: number) => mantelTest(rdms, n, { method: 'spearman', permutations: 700, seed: 5, threads, allPairs: true, ...opts });
    const one = await run(1);
    const two = await run(2);
    assert.deepEqual(Array.from(two.count), Array.from(one.count));
    assert.deepEqual(Array.from(two.statistic), Array.from(one.statistic));
    if (one.nullMax) assert.deepEqual(Array.from(two.nullMax!), Array.from(one.nullMax));
  }
});
