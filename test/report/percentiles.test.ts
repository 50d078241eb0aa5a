import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentiles } from '../../src/report/rdmHeatmap.js';
import { ascendingOrder } from '../../src/report/radixOrder.js';

/** Reference: percentile from the first and last position of each value in a comparison sort. */
function naivePercentiles(values: Float64Array): Float64Array {
  const sorted = Array.from(values).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const m = sorted.length;
  return values.map((v) => {
    if (Number.isNaN(v)) return NaN;
    const first = sorted.findIndex((s) => s === v);
    let last = first;
    while (last + 1 < m && sorted[last + 1] === v) last++;
    return m > 1 ? (100 * (first + last)) / 2 / (m - 1) : 50;
  });
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

test('percentiles match a comparison-sort reference, with ties, ±0, infinities and NaN', () => {
  const rnd = lcg(11);
  const cases: number[][] = [[], [NaN], [3], [0, -0, 0, -0, 1, -1], [Infinity, -Infinity, NaN, 0, 5, 5, 5, -3e-300, 3e-300, -Infinity]];
  for (let t = 0; t < 40; t++) {
    const n = Math.floor(rnd() * 400);
    cases.push(Array.from({ length: n }, () => {
      const r = rnd();
      if (r < 0.05) return NaN;
      if (r < 0.1) return -0;
      if (r < 0.3) return Math.floor(rnd() * 10) - 5;
      return (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20);
    }));
  }
  for (const c of cases) {
    const v = Float64Array.from(c);
    assert.deepEqual(Array.from(percentiles(v)), Array.from(naivePercentiles(v)));
  }
});

test('ascendingOrder sorts the non-NaN entries and leaves NaN out', () => {
  const v = Float64Array.from([2.5, NaN, -1, 0, 1e300, -1e-300, 2.5]);
  const order = Array.from(ascendingOrder(v));
  assert.deepEqual(order.map((i) => v[i]), [-1, -1e-300, 0, 2.5, 2.5, 1e300]);
  assert.equal(new Set(order).size, 6);
});
