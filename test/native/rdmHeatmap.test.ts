import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rdmPercentileBlocks } from '../../src/native/rdmHeatmap.js';
import { colourAt } from '../../src/report/colormap.js';
import { rdmPixels } from '../../src/report/rdmHeatmap.js';

/** Reference percentile of every entry: its first and last position among the sorted non-NaN entries (ties share the mean). */
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

/** Reference blocks: every cell of the display-ordered n × n matrix, its percentile summed into its block, then the block's mean / 100. */
function naiveBlocks(condensed: Float64Array, n: number, order: Int32Array, size: number): Float64Array {
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
  return sum.map((s, c) => (count[c]! > 0 ? s / count[c]! / 100 : NaN));
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** Whether a change of t within rounding could move channel ch of its colour to the next step. */
const nearStep = (t: number, ch: number): boolean => colourAt(t - 1e-9)[ch] !== colourAt(t + 1e-9)[ch];

test('rdmPercentileBlocks and rdmPixels match the per-cell reference: N = 1, 2, 3, ties, ±0, ±∞, NaN, blocks', async () => {
  const rnd = lcg(5);
  const kinds = ['plain', 'ties', 'zeros', 'infinite', 'nan', 'one-entry', 'all-nan'] as const;
  for (const n of [1, 2, 3, 4, 9, 40, 101]) {
    for (const kind of kinds) {
      const m = (n * (n - 1)) / 2;
      const v64 = Float64Array.from({ length: m }, (_, i) => {
        const r = rnd();
        switch (kind) {
          case 'ties': return Math.floor(r * 4);
          case 'zeros': return r < 0.3 ? -0 : r < 0.6 ? 0 : r - 0.8;
          case 'infinite': return r < 0.1 ? Infinity : r < 0.2 ? -Infinity : r;
          case 'nan': return r < 0.2 ? NaN : r;
          case 'one-entry': return i === m - 1 ? r : NaN;
          case 'all-nan': return NaN;
          default: return r;
        }
      });
      const order = Int32Array.from({ length: n }, (_, i) => i).sort(() => rnd() - 0.5);
      // float32-exact values (every cached RDM) take the kernel's 32-bit-key path, others the general one
      for (const v of [v64, v64.map((x) => Math.fround(x))]) for (const size of new Set([n, Math.max(1, Math.floor(n / 3))])) {
        const what = `n ${n} ${kind} ${v === v64 ? 'float64' : 'float32'} size ${size}`;
        const want = naiveBlocks(v, n, order, size);
        const got = await rdmPercentileBlocks(v, n, order, size);
        assert.equal(got.length, size * size, what);
        want.forEach((w, c) => {
          if (Number.isNaN(w)) assert.ok(Number.isNaN(got[c]!), `${what} block ${c}: ${got[c]} for NaN`);
          else assert.ok(Math.abs(got[c]! - w) <= 1e-12, `${what} block ${c}: ${got[c]} vs ${w}`);
        });
        // the colours: equal, or 1 apart where the reference's mean lies within rounding of a step
        const px = await rdmPixels(v, n, order, size);
        want.forEach((w, c) => colourAt(w).forEach((ch, k) => {
          const d = Math.abs(px[3 * c + k]! - ch);
          assert.ok(d === 0 || (d === 1 && nearStep(w, k)), `${what} pixel ${c}: ${px[3 * c + k]} vs ${ch}`);
        }));
      }
    }
  }
});

test('rdmPercentileBlocks checks its arguments', async () => {
  const c = new Float64Array(3);
  const order = Int32Array.from([2, 0, 1]);
  await assert.rejects(() => rdmPercentileBlocks(new Float64Array(4), 3, order, 3), RangeError);
  await assert.rejects(() => rdmPercentileBlocks(new Float32Array(3) as unknown as Float64Array, 3, order, 3), TypeError);
  await assert.rejects(() => rdmPercentileBlocks(c, 3, Int32Array.from([0, 1]), 3), RangeError);
  await assert.rejects(() => rdmPercentileBlocks(c, 3, Int32Array.from([0, 1, 1]), 3), /permutation/);
  await assert.rejects(() => rdmPercentileBlocks(c, 3, Int32Array.from([0, 1, 3]), 3), /permutation/);
  await assert.rejects(() => rdmPercentileBlocks(c, 3, order, 4), RangeError);
  await assert.rejects(() => rdmPercentileBlocks(c, 3, order, 0), RangeError);
  await assert.rejects(() => rdmPercentileBlocks(c, 65537, order, 3), RangeError);
});
