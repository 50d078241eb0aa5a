import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentiles, rdmPixels } from '../../src/report/rdmHeatmap.js';
import { colourAt } from '../../src/report/colormap.js';
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
  // float32-exact values take the two-pass path of 32-bit keys; one value that is not sends the same data down the 64-bit path
  const single = cases.map((c) => c.map((v) => Math.fround(v)));
  cases.push(...single, ...single.filter((c) => c.length > 0).map((c) => [...c, 0.1]));
  for (const c of cases) {
    const v = Float64Array.from(c);
    assert.deepEqual(Array.from(percentiles(v)), Array.from(naivePercentiles(v)));
  }
});

/** Reference pixels: every cell of the display-ordered matrix, its percentile summed into its block, then the block's mean. */
function naivePixels(condensed: Float64Array, n: number, order: Int32Array, size: number): { t: Float64Array; px: Uint8Array } {
  const pct = naivePercentiles(condensed);
  const at = (i: number, j: number): number => (i === j ? 0 : pct[i < j ? i * n - (i * (i + 1)) / 2 + j - i - 1 : j * n - (j * (j + 1)) / 2 + i - j - 1]!);
  const sum = new Float64Array(size * size);
  const count = new Float64Array(size * size);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const v = at(order[a]!, order[b]!);
      if (Number.isNaN(v)) continue;
      const c = Math.floor((a * size) / n) * size + Math.floor((b * size) / n);
      sum[c]! += v;
      count[c]! += 1;
    }
  }
  const t = sum.map((s, c) => (count[c]! > 0 ? s / count[c]! / 100 : NaN));
  return { t, px: Uint8Array.from(Array.from(t).flatMap((x) => colourAt(x))) };
}

test('rdmPixels matches the per-cell reference: N = 2, 3, ties, NaN, blocks of several stimuli', () => {
  const rnd = lcg(5);
  for (const n of [2, 3, 4, 9, 40, 101]) {
    for (const kind of ['float32', 'float64', 'ties', 'nan', 'all-nan-but-one']) {
      const m = (n * (n - 1)) / 2;
      const v = Float64Array.from({ length: m }, (_, i) => {
        const r = rnd();
        if (kind === 'ties') return Math.floor(r * 4);
        if (kind === 'nan') return r < 0.2 ? NaN : r;
        if (kind === 'all-nan-but-one') return i === m - 1 ? r : NaN;
        return kind === 'float32' ? Math.fround(r) : r;
      });
      const order = Int32Array.from({ length: n }, (_, i) => i).sort(() => rnd() - 0.5);
      for (const size of [n, Math.max(1, Math.floor(n / 3))]) {
        const got = rdmPixels(v, n, order, size);
        const want = naivePixels(v, n, order, size);
        // the same mean percentiles up to rounding (summed in another order), so a channel can differ by 1 at most,
        // and only where the reference's mean lies within rounding of a colour step
        for (let c = 0; c < size * size; c++) {
          for (let ch = 0; ch < 3; ch++) {
            const d = Math.abs(got[3 * c + ch]! - want.px[3 * c + ch]!);
            assert.ok(d === 0 || (d === 1 && near(want.t[c]!, ch)), `n ${n} ${kind} size ${size} pixel ${c}: ${got[3 * c + ch]} vs ${want.px[3 * c + ch]}`);
          }
        }
      }
    }
  }
});

/** Whether a tiny change of t could move channel ch of its colour across a rounding step. */
function near(t: number, ch: number): boolean {
  const eps = 1e-9;
  return colourAt(t - eps)[ch] !== colourAt(t + eps)[ch];
}

test('ascendingOrder sorts the non-NaN entries and leaves NaN out', () => {
  const v = Float64Array.from([2.5, NaN, -1, 0, 1e300, -1e-300, 2.5]);
  const order = Array.from(ascendingOrder(v));
  assert.deepEqual(order.map((i) => v[i]), [-1, -1e-300, 0, 2.5, 2.5, 1e300]);
  assert.equal(new Set(order).size, 6);
});
