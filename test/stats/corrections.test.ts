import { test } from 'node:test';
import assert from 'node:assert/strict';
import { benjaminiHochberg, holm, maxStatistic, pFromCount } from '../../src/stats/corrections.js';
import {
  bcaInterval, jackknifeAcceleration, normalCdf, normalQuantile, percentileInterval, quantileSorted,
} from '../../src/stats/intervals.js';
import { TestRng } from '../helpers/random.js';

function near(a: number[], b: number[], tol = 1e-12): void {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= tol, `[${i}] ${v} vs ${b[i]}`));
}

test('Holm against a hand-computed example', () => {
  // sorted: 0.01·4 = 0.04, 0.02·3 = 0.06, 0.03·2 = 0.06, 0.04·1 = 0.04 → running max 0.04, 0.06, 0.06, 0.06
  near(holm([0.03, 0.01, 0.04, 0.02]), [0.06, 0.04, 0.06, 0.06]);
  near(holm([0.5, 0.9]), [1, 1]);
  const withNaN = holm([0.01, Number.NaN, 0.02]);
  near([withNaN[0]!, withNaN[2]!], [0.02, 0.02]);
  assert.ok(Number.isNaN(withNaN[1]!));
});

test('Benjamini–Hochberg against a hand-computed example', () => {
  // m = 5, sorted p: 0.005, 0.01, 0.03, 0.04, 0.2 → p·m/rank: 0.025, 0.025, 0.05, 0.05, 0.2 (step-up min from the top)
  near(benjaminiHochberg([0.04, 0.005, 0.2, 0.01, 0.03]), [0.05, 0.025, 0.2, 0.025, 0.05]);
  near(benjaminiHochberg([0.9, 0.8]), [0.9, 0.9]);
});

test('max-statistic p counts permutations whose family maximum reaches the observed value', () => {
  const nullMax = [0.1, 0.5, 0.3, 0.9, Number.NaN];
  // sampled: (k + 1)/(P + 1) with P = 5 (NaN maxima never count)
  near(maxStatistic([0.5, 0.95, 0.05], nullMax, false), [3 / 6, 1 / 6, 5 / 6]);
  // exact: k / P, the identity is among the permutations
  near(maxStatistic([0.5], [0.5, 0.2, 0.7, 0.1], true), [2 / 4]);
  assert.equal(pFromCount(0, 99, false), 0.01);
});

test('normal quantile and CDF', () => {
  near([normalQuantile(0.975), normalQuantile(0.5), normalQuantile(0.001)], [1.959963984540054, 0, -3.090232306167813], 1e-6);
  near([normalCdf(1.959963984540054), normalCdf(0)], [0.975, 0.5], 2e-7);
});

test('percentile interval; BCa with no bias and no acceleration equals it', () => {
  const reps = Float64Array.from({ length: 101 }, (_, i) => i);
  const p = percentileInterval(reps, 0.9);
  near([p.lower, p.upper], [5, 95], 1e-9);
  const b = bcaInterval(reps, 50, 0, 0.9);
  assert.ok(Math.abs(b.lower - 5) < 1e-4 && Math.abs(b.upper - 95) < 1e-4, `${b.lower} ${b.upper}`);
  assert.equal(quantileSorted([1, 2], 0.5), 1.5);
});

test('BCa on a known skewed case: the mean of exponential samples', () => {
  // Skewness 2 gives acceleration ≈ 2 / (6 √n); BCa shifts the interval up
  // relative to the percentile interval and covers the true mean (1) at about 95 %.
  const rng = new TestRng(21);
  const n = 25;
  const sims = 300;
  const B = 400;
  let coverBca = 0;
  let coverPct = 0;
  let accSum = 0;
  for (let s = 0; s < sims; s++) {
    const x = Array.from({ length: n }, () => -Math.log(1 - rng.next()));
    const mean = x.reduce((a, v) => a + v, 0) / n;
    const reps = new Float64Array(B);
    for (let b = 0; b < B; b++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += x[rng.int(n)]!;
      reps[b] = sum / n;
    }
    const jack = x.map((_, i) => (mean * n - x[i]!) / (n - 1));
    const a = jackknifeAcceleration([jack]);
    accSum += a;
    const bca = bcaInterval(reps, mean, a, 0.95);
    const pct = percentileInterval(reps, 0.95);
    if (bca.lower <= 1 && 1 <= bca.upper) coverBca++;
    if (pct.lower <= 1 && 1 <= pct.upper) coverPct++;
  }
  const meanAcc = accSum / sims;
  const expected = 2 / (6 * Math.sqrt(n));
  assert.ok(Math.abs(meanAcc - expected) < 0.03, `acceleration ${meanAcc} vs ≈ ${expected}`);
  assert.ok(coverBca / sims >= 0.88 && coverBca / sims <= 0.99, `BCa coverage ${coverBca / sims}`);
  assert.ok(coverBca >= coverPct - 3, `BCa ${coverBca} vs percentile ${coverPct}`);
});
