import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeRdm, RDM_METRICS, type RdmMetric } from '../../src/native/rdm.js';
import { computeRdmSplit, type RdmSplitResult } from '../../src/native/rdmSplit.js';
import { loadAddon } from '../../src/native/addon.js';
import { nativeEngines } from '../../src/analysis/nativeEngines.js';
import { ISA_ORDER, isaHelperOutput } from '../helpers/isa.js';
import { maxAbsDiff, tolerance } from '../helpers/rdmReference.js';
import { classActs, directSplit, referenceSplit } from '../helpers/rdmSplitReference.js';

type Part = 'full' | 'centroids' | 'removed';
const PARTS: readonly Part[] = ['full', 'centroids', 'removed'];

/** Largest difference seen per metric and part, against the direct computation and the float64 reference. */
const seen: Record<string, number> = {};
function record(key: string, err: number): void {
  seen[key] = Math.max(seen[key] ?? 0, err);
}

/**
 * Runs the split and checks every part against the direct computation (three computeRdm calls on
 * float32/float64 X, its centroids and X − centroids) and against the float64 reference: same NaN
 * stimuli and reasons as the direct one, values within the RDM tolerance of both. Returns the result.
 */
async function check(x: Float32Array | Float64Array, n: number, d: number, labels: Int32Array, metric: RdmMetric,
  opts: { perFeature?: boolean; threads?: number; vsDirect?: boolean; tag?: string } = {}): Promise<RdmSplitResult> {
  const before = x.slice();
  const got = await computeRdmSplit(x, n, d, labels, { metric, perFeature: opts.perFeature, threads: opts.threads });
  assert.deepEqual(x, before, 'the activations are left unchanged');
  const f32 = x instanceof Float32Array;
  const what = `${metric}${opts.perFeature ? ' per-feature' : ''} n=${n} d=${d} ${f32 ? 'f32' : 'f64'} ${opts.tag ?? ''}`;
  const direct = await directSplit(x, n, d, labels, metric, opts.perFeature);
  const ref = referenceSplit(x, n, d, labels, metric, opts.perFeature);
  assert.deepEqual(got.classes, direct.classes, what);
  for (const part of PARTS) {
    const rows = part === 'centroids' ? direct.classes.length : n;
    assert.equal(got[part].rdm.length, (rows * (rows - 1)) / 2, `${what} ${part} length`);
    assert.deepEqual(got[part].nanStimuli, direct[part].nanStimuli, `${what} ${part} NaN stimuli`);
    assert.deepEqual(got[part].nanReasons, direct[part].nanReasons, `${what} ${part} NaN reasons`);
    const tol = tolerance(metric, true, false, ref[part]);
    const errRef = maxAbsDiff(got[part].rdm, ref[part]);
    assert.ok(errRef <= tol, `${what} ${part}: ${errRef} from the reference > ${tol}`);
    record(`${metric} ${part} vs reference${opts.tag ? ` (${opts.tag})` : ''}`, errRef / (tol / 1e-5));
    if (opts.vsDirect !== false) {
      const errDirect = maxAbsDiff(got[part].rdm, direct[part].rdm);
      assert.ok(errDirect <= tol, `${what} ${part}: ${errDirect} from the direct computation > ${tol}`);
      record(`${metric} ${part} vs direct${opts.tag ? ` (${opts.tag})` : ''}`, errDirect / (tol / 1e-5));
    }
  }
  return got;
}

/** n labels over `classes` class ids spaced 3 apart (so ids 0, 2, 5, … stay unused), every class used. */
function spreadLabels(n: number, classes: number, seed: number): Int32Array {
  let s = seed;
  const labels = Int32Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) >>> 0;
    return 3 * (i < classes ? i : s % classes) + 1;
  });
  return labels;
}

test('random activations: all three RDMs match the direct computation and the reference (every metric, per-feature, f32/f64, N = 2 … 200)', async () => {
  const shapes = [[2, 1, 2], [2, 5, 2], [3, 4, 2], [3, 7, 3], [7, 17, 3], [7, 40, 2], [53, 1100, 4], [200, 300, 10]] as const;
  for (const [n, d, classes] of shapes) {
    for (const f32 of [true, false]) {
      const labels = spreadLabels(n, classes, n * 31 + d);
      const x = classActs(n, d, labels, { f32, seed: 7 * n + d, centroidScale: 1 });
      for (const metric of RDM_METRICS) {
        await check(x, n, d, labels, metric);
        if (metric === 'euclidean' || metric === 'sqeuclidean') await check(x, n, d, labels, metric, { perFeature: true });
      }
    }
  }
});

test('activations dominated by their class centroids or by a common offset stay as accurate as the direct products', async () => {
  const n = 200, d = 700;
  const labels = spreadLabels(n, 8, 3);
  // centroids 30× the spread around them; a common offset 100× it; rows that barely vary around their
  // centroid; stimuli offset from each other by 100× the spread (X − μ then has a mean far above its spread)
  const cases = [
    { tag: 'centroids 30x', centroidScale: 30 },
    { tag: 'offset 100x', centroidScale: 0.3, offset: 100 },
    { tag: 'centroids 1000x', centroidScale: 1000 },
    // (for correlation and cosine only: Euclidean distances between stimuli this far apart lose precision in
    // any fp32 product, and computeRdm's more than the split's: 0.30 and 0.17 against a tolerance of 0.14)
    { tag: 'row offsets 100x', centroidScale: 1, rowOffsetScale: 100, metrics: ['correlation', 'cosine'] as const },
  ];
  for (const c of cases) {
    const x = classActs(n, d, labels, { f32: true, seed: 11, centroidScale: c.centroidScale, offset: c.offset, rowOffsetScale: c.rowOffsetScale });
    for (const metric of c.metrics ?? RDM_METRICS) {
      // The Euclidean RDMs of the direct computation are themselves less accurate here (the full product
      // packs rows far longer than their distances): the split is checked against the reference only.
      const euclidean = metric === 'euclidean' || metric === 'sqeuclidean';
      await check(x, n, d, labels, metric, { vsDirect: !euclidean, tag: c.tag });
    }
  }
});

test('ties: duplicate stimuli are at distance 0 in the full RDM and, within a class, in the centroid-removed one', async () => {
  const n = 12, d = 300;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  for (const f32 of [true, false]) {
    const x = classActs(n, d, labels, { f32, seed: 5, centroidScale: 2 });
    x.copyWithin(3 * d, 0, d); // stimulus 3 = stimulus 0 (both class 0)
    x.copyWithin(4 * d, 0, d); // stimulus 4 (class 1) = stimulus 0
    x.copyWithin(9 * d, 6 * d, 7 * d); // stimulus 9 = stimulus 6 (class 0)
    for (const metric of RDM_METRICS) {
      const r = await check(x, n, d, labels, metric);
      const at = (i: number, j: number): number => i * n - (i * (i + 1)) / 2 + (j - i - 1);
      for (const [i, j] of [[0, 3], [0, 4], [3, 4], [6, 9]] as const) assert.ok(Math.abs(r.full.rdm[at(i, j)]!) < 1e-6, `${metric} full (${i}, ${j})`);
      for (const [i, j] of [[0, 3], [6, 9]] as const) assert.ok(Math.abs(r.removed.rdm[at(i, j)]!) < 1e-6, `${metric} removed (${i}, ${j})`);
    }
  }
});

test('many all-zero stimuli across classes (a sparse layer): Euclidean distances among them are 0', async () => {
  const n = 300, d = 2000;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 5);
  const x = classActs(n, d, labels, { f32: true, seed: 41, centroidScale: 2 }) as Float32Array;
  for (let i = 0; i < n; i += 2) x.fill(0, i * d, (i + 1) * d);  // every other stimulus silent
  for (const metric of ['euclidean', 'sqeuclidean'] as const) {
    const r = await check(x, n, d, labels, metric);
    const at = (i: number, j: number): number => i * n - (i * (i + 1)) / 2 + (j - i - 1);
    for (let i = 0; i < n; i += 2) for (let j = i + 2; j < n; j += 2) assert.equal(r.full.rdm[at(i, j)], 0, `${metric} (${i}, ${j})`);
  }
});

test('constant, zero, NaN and Inf rows, a class of one stimulus and unused class ids: the same NaN entries and reasons as the direct computation', async () => {
  const n = 14, d = 33;
  // classes 2, 5, 9, 12 (ids between unused); class 12 holds stimulus 13 alone
  const labels = Int32Array.from([2, 5, 9, 2, 5, 9, 2, 5, 9, 2, 5, 9, 2, 12]);
  for (const f32 of [true, false]) {
    const x = classActs(n, d, labels, { f32, seed: 17, centroidScale: 1 });
    x.fill(2.5, 2 * d, 3 * d); // constant stimulus 2 (class 9)
    x.fill(0, 4 * d, 5 * d); // zero stimulus 4 (class 5)
    x[7 * d + 10] = NaN; // NaN in stimulus 7: class 5's centroid and its removed rows are NaN there
    x[12 * d + 3] = Infinity; // Inf in stimulus 12: the same for class 2
    for (const metric of RDM_METRICS) {
      const r = await check(x, n, d, labels, metric);
      assert.deepEqual(r.classes, [2, 5, 9, 12]);
      assert.ok(r.full.nanStimuli.includes(7) && r.full.nanStimuli.includes(12), metric);
      assert.deepEqual(r.centroids.nanStimuli.slice(0, 2), [0, 1], `${metric}: classes 2 and 5 have non-finite centroids`);
      // every stimulus of classes 2 and 5 has a non-finite removed row
      for (let i = 0; i < n; i++) {
        if (labels[i] === 2 || labels[i] === 5) assert.ok(r.removed.nanStimuli.includes(i), `${metric} removed ${i}`);
      }
      // the stimulus alone in class 12 is its centroid: a zero removed row
      if (metric === 'correlation' || metric === 'cosine') assert.ok(r.removed.nanStimuli.includes(13), metric);
    }
  }
});

test('two stimuli of two classes: centroid-removed rows are zeros', async () => {
  const x = new Float32Array([1, 2, 4, 3, 1, 0]);
  const labels = Int32Array.from([7, 3]);
  for (const metric of RDM_METRICS) {
    const r = await check(x, 2, 3, labels, metric);
    assert.deepEqual(r.classes, [3, 7]);
    if (metric === 'correlation' || metric === 'cosine') assert.deepEqual(r.removed.nanStimuli, [0, 1]);
    else assert.equal(r.removed.rdm[0], 0);
  }
});

test('thread counts give the same result', async () => {
  const n = 150, d = 1300;
  const labels = spreadLabels(n, 6, 9);
  const x = classActs(n, d, labels, { f32: true, seed: 29, centroidScale: 3 });
  for (const metric of RDM_METRICS) {
    const one = await computeRdmSplit(x, n, d, labels, { metric, threads: 1 });
    for (const threads of [2, 5]) {
      const r = await computeRdmSplit(x, n, d, labels, { metric, threads });
      for (const part of PARTS) assert.deepEqual(r[part].rdm, one[part].rdm, `${metric} ${part} threads=${threads}`);
    }
  }
});

for (const isa of ISA_ORDER) {
  test(`the split on the ${isa} kernels matches the reference and the direct computation`, async (t) => {
    const out = await isaHelperOutput<{ kernel: string; results: { case: string; ratio: number }[] }>(t, 'rdmSplitIsaCheck', isa);
    if (!out) return;
    assert.equal(out.kernel, isa);
    const failed = out.results.filter((c) => !(c.ratio <= 1));
    assert.deepEqual(failed, [], `cases beyond tolerance on ${isa}`);
  });
}

test('the engine returns the three RDMs and warns about undefined distances as three rdm calls would', async () => {
  const n = 9, d = 20;
  const labels = Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2]);
  const x = classActs(n, d, labels, { f32: true, seed: 3, centroidScale: 1 }) as Float32Array;
  x.fill(1, 4 * d, 5 * d); // constant stimulus 4
  const warnings: string[] = [];
  const engine = nativeEngines({ warn: (m) => warnings.push(m) }).rdm;
  const r = await engine.rdmWithCentroids!({ data: x, n, d, metric: 'correlation', threads: 1, label: 'seed1 conv', labels });
  const direct = await computeRdmSplit(x, n, d, labels, { metric: 'correlation', threads: 1 });
  assert.deepEqual(r.full, direct.full.rdm);
  assert.deepEqual(r.centroids, direct.centroids.rdm);
  assert.deepEqual(r.removed, direct.removed.rdm);
  assert.deepEqual(r.classes, [0, 1, 2]);
  assert.deepEqual(r.nanStimuli, { full: [4], centroids: [], removed: [] });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^seed1 conv: 1 stimuli have undefined distances \(zero-variance\): 4;/);
  const full = await engine.rdm({ data: x, n, d, metric: 'correlation', threads: 1 });
  assert.ok(maxAbsDiff(full, r.full) < 1e-6);
});

test('the addon rejects bad arguments with TypeError/RangeError naming them, and never crashes', async () => {
  const addon = loadAddon();
  const ok = new Float32Array(6);
  const lab = Int32Array.from([0, 1]);
  const cases: [() => unknown, ErrorConstructor, RegExp][] = [
    [() => addon.computeRdmSplit(new Int32Array(6) as unknown as Float32Array, 2, 3, lab), TypeError, /acts/],
    [() => addon.computeRdmSplit(ok, 2, 4, lab), RangeError, /acts/],
    [() => addon.computeRdmSplit(ok, 1, 6, Int32Array.from([0])), RangeError, /\bn\b/],
    [() => addon.computeRdmSplit(ok, 2.5, 3, lab), TypeError, /\bn\b/],
    [() => addon.computeRdmSplit(ok, 2, 0, lab), RangeError, /\bd\b/],
    [() => addon.computeRdmSplit(ok, 2, 3, Uint32Array.from([0, 1]) as unknown as Int32Array), TypeError, /labels/],
    [() => addon.computeRdmSplit(ok, 2, 3, [0, 1] as unknown as Int32Array), TypeError, /labels/],
    [() => addon.computeRdmSplit(ok, 2, 3, Int32Array.from([0, 1, 1])), RangeError, /labels/],
    [() => addon.computeRdmSplit(ok, 2, 3, Int32Array.from([0, -1])), RangeError, /labels/],
    [() => addon.computeRdmSplit(ok, 2, 3, Int32Array.from([4, 4])), RangeError, /at least 2 distinct classes for labels/],
    [() => addon.computeRdmSplit(ok, 2, 3, lab, { metric: 'manhattan' as never }), TypeError, /options\.metric/],
    [() => addon.computeRdmSplit(ok, 2, 3, lab, { perFeature: 1 as never }), TypeError, /options\.perFeature/],
    [() => addon.computeRdmSplit(ok, 2, 3, lab, { threads: -1 }), RangeError, /options\.threads/],
    [() => addon.computeRdmSplit(ok, 2, 3, lab, { onProgress: 5 as never }), TypeError, /onProgress/],
    [() => addon.computeRdmSplit(ok, 2, 3, lab, 'x' as never), TypeError, /options/],
  ];
  for (const [call, type, pattern] of cases) {
    assert.throws(call, (e: unknown) => e instanceof type && pattern.test((e as Error).message), String(call));
  }
  // Still alive and correct afterwards.
  const r = await computeRdmSplit(new Float64Array([1, 2, 3, 3, 2, 1]), 2, 3, lab);
  assert.ok(Math.abs(r.full.rdm[0]! - 2) < 1e-12);
});

test('cancelAll stops a running split: the promise rejects with code ECANCELLED, and later work runs', async () => {
  const n = 600, d = 30000;
  const x = new Float32Array(n * d).fill(1);
  for (let i = 0; i < x.length; i += 7) x[i] = 2;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
  const pending = computeRdmSplit(x, n, d, labels);
  await new Promise((resolve) => setTimeout(resolve, 5));
  loadAddon().cancelAll();
  await assert.rejects(pending, (e: unknown) => (e as { code?: string }).code === 'ECANCELLED');
  const r = await computeRdmSplit(new Float64Array([1, 2, 3, 3, 2, 1]), 2, 3, Int32Array.from([0, 1]));
  assert.ok(Math.abs(r.full.rdm[0]! - 2) < 1e-12);
});

test('largest differences seen', (t) => {
  // Absolute for correlation and cosine; for the Euclidean metrics relative to 1 + max |d| (the
  // tolerance's scale). The assertions above hold every one to 1e-5.
  assert.ok(Object.keys(seen).length > 0);
  for (const key of Object.keys(seen).sort()) t.diagnostic(`${key}: ${seen[key]!.toExponential(2)}`);
});
