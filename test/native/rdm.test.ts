import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeRdm, RDM_METRICS, type RdmMetric } from '../../src/native/rdm.js';
import { loadAddon } from '../../src/native/addon.js';
import { condensed, maxAbsDiff, randomActs, referenceRdm, tolerance } from '../helpers/rdmReference.js';

async function check(x: Float32Array | Float64Array, n: number, d: number, metric: RdmMetric,
  opts: { outDtype?: 'float32' | 'float64'; condensed?: boolean; perFeature?: boolean; threads?: number } = {},
  reference?: Float64Array): Promise<number[]> {
  const r = await computeRdm(x, n, d, { metric, ...opts });
  const ref = reference ?? referenceRdm(x, n, d, metric, opts.perFeature);
  const want = opts.condensed ? condensed(ref, n) : ref;
  assert.equal(r.rdm.length, want.length);
  assert.ok(opts.outDtype === 'float32' ? r.rdm instanceof Float32Array : r.rdm instanceof Float64Array);
  const tol = tolerance(metric, x instanceof Float32Array, opts.outDtype === 'float32', ref);
  const err = maxAbsDiff(r.rdm, want);
  assert.ok(err <= tol, `${metric} n=${n} d=${d} ${x.constructor.name} ${JSON.stringify(opts)}: error ${err} > ${tol}`);
  return r.nanStimuli;
}

test('every metric matches the float64 reference (float32/float64 in and out, square and condensed)', async () => {
  // N and D chosen around the register blocks (8 × 48), sliver widths (16 / 8),
  // the K sub-block and chunk (512, crossed by D = 515 and 4500) and the
  // triangle tiles (96 to 288 rows: N = 600 uses 288-row tiles).
  const shapes = [[2, 1], [3, 5], [3, 1], [8, 16], [17, 255], [49, 257], [33, 515], [61, 4500], [97, 31], [600, 20]] as const;
  for (const [n, d] of shapes) {
    for (const f32 of [true, false]) {
      const x = randomActs(n, d, 7 * n + d, f32);
      for (const metric of RDM_METRICS) {
        const ref = referenceRdm(x, n, d, metric);
        for (const outDtype of ['float32', 'float64'] as const) {
          for (const cond of [false, true]) await check(x, n, d, metric, { outDtype, condensed: cond }, ref);
        }
      }
    }
  }
});

test('square RDMs are symmetric with a zero diagonal', async () => {
  const n = 23, d = 40;
  const x = randomActs(n, d, 5, true);
  for (const metric of RDM_METRICS) {
    const { rdm } = await computeRdm(x, n, d, { metric });
    for (let i = 0; i < n; i++) {
      assert.equal(rdm[i * n + i], 0);
      for (let j = 0; j < i; j++) assert.equal(rdm[i * n + j], rdm[j * n + i]);
    }
  }
});

test('per-feature divides sqeuclidean by D and euclidean is its square root', async () => {
  const n = 12, d = 37;
  const x = randomActs(n, d, 11, false);
  await check(x, n, d, 'sqeuclidean', { perFeature: true });
  await check(x, n, d, 'euclidean', { perFeature: true });
  const plain = (await computeRdm(x, n, d, { metric: 'sqeuclidean', condensed: true })).rdm;
  const pf = (await computeRdm(x, n, d, { metric: 'sqeuclidean', condensed: true, perFeature: true })).rdm;
  for (let t = 0; t < plain.length; t++) assert.ok(Math.abs(pf[t]! - plain[t]! / d) < 1e-9 * plain[t]!);
});

test('duplicate rows (ties) are at distance 0 in every metric', async () => {
  const n = 10, d = 300;
  for (const f32 of [true, false]) {
    const x = randomActs(n, d, 3, f32);
    x.copyWithin(4 * d, 1 * d, 2 * d); // row 4 = row 1
    x.copyWithin(9 * d, 1 * d, 2 * d); // row 9 = row 1
    for (const metric of RDM_METRICS) {
      const { rdm } = await computeRdm(x, n, d, { metric });
      assert.ok(Math.abs(rdm[1 * n + 4]!) < 1e-12, `${metric}: ${rdm[1 * n + 4]}`);
      assert.ok(Math.abs(rdm[4 * n + 9]!) < 1e-12, `${metric}: ${rdm[4 * n + 9]}`);
      await check(x, n, d, metric);
    }
  }
});

test('constant rows (correlation), zero rows (cosine) and NaN/Inf rows give NaN entries and are reported', async () => {
  const n = 9, d = 33;
  for (const f32 of [true, false]) {
    const x = randomActs(n, d, 17, f32);
    x.fill(2.5, 2 * d, 3 * d); // constant row 2
    x.fill(0, 5 * d, 6 * d); // zero row 5 (constant too)
    x[7 * d + 10] = NaN; // NaN in row 7
    x[8 * d + 3] = Infinity; // Inf in row 8
    const corr = await computeRdm(x, n, d, { metric: 'correlation' });
    assert.deepEqual(corr.nanStimuli, [2, 5, 7, 8]);
    assert.deepEqual(corr.nanReasons, ['zero-variance', 'zero-variance', 'non-finite', 'non-finite']);
    const cos = await computeRdm(x, n, d, { metric: 'cosine' });
    assert.deepEqual(cos.nanStimuli, [5, 7, 8]);
    assert.deepEqual(cos.nanReasons, ['zero-norm', 'non-finite', 'non-finite']);
    for (const metric of ['euclidean', 'sqeuclidean'] as const) {
      const e = await computeRdm(x, n, d, { metric });
      assert.deepEqual(e.nanStimuli, [7, 8]);
    }
    // Entries of reported stimuli are NaN, the others match the reference.
    for (const metric of RDM_METRICS) {
      const got = await check(x, n, d, metric, { condensed: true });
      assert.ok(got.length > 0);
    }
    assert.ok(Number.isNaN(corr.rdm[2 * n + 3]!) && Number.isNaN(corr.rdm[3 * n + 2]!));
    assert.equal(corr.rdm[2 * n + 2], 0);
  }
});

test('a row with a constant offset is still centred exactly (correlation is shift-invariant)', async () => {
  const n = 6, d = 500;
  const x = randomActs(n, d, 23, true);
  const shifted = new Float32Array(x);
  for (let k = 0; k < d; k++) shifted[3 * d + k] = shifted[3 * d + k]! + 1000;
  const a = (await computeRdm(x, n, d, { metric: 'correlation' })).rdm;
  const b = (await computeRdm(shifted, n, d, { metric: 'correlation' })).rdm;
  assert.ok(maxAbsDiff(a, b) < 1e-4, `difference ${maxAbsDiff(a, b)}`);
});

test('thread counts give the same result', async () => {
  const n = 70, d = 700;
  const x = randomActs(n, d, 29, true);
  const one = (await computeRdm(x, n, d, { threads: 1 })).rdm;
  const two = (await computeRdm(x, n, d, { threads: 2 })).rdm;
  const many = (await computeRdm(x, n, d, { threads: 5 })).rdm;
  assert.deepEqual(two, one);
  assert.deepEqual(many, one);
});

test('many K chunks on many threads (jobs wait on each other, no barrier) give the same result as one thread', async () => {
  const n = 150, d = 5000;  // 10 chunks of 512 columns, 3 tiles
  const x = randomActs(n, d, 31, true);
  const one = (await computeRdm(x, n, d, { threads: 1, condensed: true })).rdm;
  for (const threads of [2, 3, 7]) {
    const r = (await computeRdm(x, n, d, { threads, condensed: true })).rdm;
    assert.deepEqual(r, one, `threads=${threads}`);
  }
  const ref = referenceRdm(x, n, d, 'correlation');
  assert.ok(maxAbsDiff(one, condensed(ref, n)) <= tolerance('correlation', true, false, ref));
});

test('a large RDM runs off the event loop: a timer fires while it works', async () => {
  const n = 500, d = 20000;
  const x = new Float32Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = (i * 2654435761) % 1000 / 1000;
  let timerFiredAt = 0;
  const timer = setTimeout(() => { timerFiredAt = performance.now(); }, 1);
  let progressCalls = 0;
  const r = await computeRdm(x, n, d, { onProgress: () => { progressCalls++; } });
  const doneAt = performance.now();
  clearTimeout(timer);
  assert.ok(timerFiredAt > 0 && timerFiredAt < doneAt, 'the timer fired before the RDM resolved');
  assert.equal(r.rdm.length, n * n);
  assert.ok(progressCalls >= 1);
});

test('the addon rejects bad arguments with TypeError/RangeError naming them, and never crashes', async () => {
  const addon = loadAddon();
  const ok = new Float32Array(6);
  const cases: [() => unknown, ErrorConstructor, RegExp][] = [
    [() => addon.computeRdm(new Int32Array(6) as unknown as Float32Array, 2, 3), TypeError, /acts/],
    [() => addon.computeRdm([1, 2, 3, 4] as unknown as Float32Array, 2, 2), TypeError, /acts/],
    [() => addon.computeRdm(ok, 2, 4), RangeError, /acts/],
    [() => addon.computeRdm(ok, 0, 3), RangeError, /\bn\b/],
    [() => addon.computeRdm(ok, 1, 6), RangeError, /\bn\b/],
    [() => addon.computeRdm(ok, NaN, 3), TypeError, /\bn\b/],
    [() => addon.computeRdm(ok, 2.5, 3), TypeError, /\bn\b/],
    [() => addon.computeRdm(ok, 2, 0), RangeError, /\bd\b/],
    [() => addon.computeRdm(ok, 2, '3' as unknown as number), TypeError, /\bd\b/],
    [() => addon.computeRdm(ok, 2, 3, { metric: 'manhattan' as never }), TypeError, /options\.metric/],
    [() => addon.computeRdm(ok, 2, 3, { outDtype: 'int8' as never }), TypeError, /options\.outDtype/],
    [() => addon.computeRdm(ok, 2, 3, { threads: -1 }), RangeError, /options\.threads/],
    [() => addon.computeRdm(ok, 2, 3, { condensed: 'yes' as never }), TypeError, /options\.condensed/],
    [() => addon.computeRdm(ok, 2, 3, { onProgress: 5 as never }), TypeError, /onProgress/],
    [() => addon.computeRdm(ok, 2, 3, 'x' as never), TypeError, /options/],
    [() => addon.peakFlops(-1), RangeError, /seconds/],
    [() => addon.peakFlops(NaN), TypeError, /seconds/],
  ];
  for (const [call, type, pattern] of cases) {
    assert.throws(call, (e: unknown) => e instanceof type && pattern.test((e as Error).message), String(call));
  }
  // Still alive and correct afterwards.
  const r = await computeRdm(new Float64Array([1, 2, 3, 3, 2, 1]), 2, 3, { metric: 'correlation' });
  assert.ok(Math.abs(r.rdm[1]! - 2) < 1e-12);
});

test('peakFlops measures a positive FMA rate', async () => {
  const p = await loadAddon().peakFlops(0.05, 1);
  assert.ok(p.gflops > 0);
  assert.equal(p.threads, 1);
  assert.match(p.isa, /^(avx512|avx2|portable)$/);
});

test('cancelAll stops a running RDM: the promise rejects with code ECANCELLED', async () => {
  const n = 600, d = 30000;
  const x = new Float32Array(n * d).fill(1);
  for (let i = 0; i < x.length; i += 7) x[i] = 2;
  const pending = computeRdm(x, n, d);
  await new Promise((resolve) => setTimeout(resolve, 5));
  loadAddon().cancelAll();
  await assert.rejects(pending, (e: unknown) => (e as { code?: string }).code === 'ECANCELLED');
  // New work after the cancellation runs normally.
  const r = await computeRdm(new Float64Array([1, 2, 3, 3, 2, 1]), 2, 3);
  assert.ok(Math.abs(r.rdm[1]! - 2) < 1e-12);
});
