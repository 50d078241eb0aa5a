/**
 * The out-of-core RDM (native/core/rdm_out_of_core.h): rows read from a raw
 * float32 file in segments, the Gram by pairs of segments. A Gram entry
 * depends only on its two rows and D, so the RDM must equal computeRdm of the
 * same rows bit for bit, for every metric and any segment size (1 row, N
 * rows, uneven); the centroid variants must equal computeRdm of the class
 * centroids and of the rows minus their centroid (the direct route), and be
 * within float32 accuracy of the one-product split.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadAddon } from '../../src/native/addon.js';
import { nativeClassCentroids } from '../../src/native/centroids.js';
import { computeRdm, RDM_METRICS } from '../../src/native/rdm.js';
import { computeRdmFromFile } from '../../src/native/rdmFile.js';
import { computeRdmSplit } from '../../src/native/rdmSplit.js';
import { TestRng } from '../helpers/random.js';
import { condensed, maxAbs, maxAbsDiff, referenceRdm } from '../helpers/rdmReference.js';
import { withTempDir } from '../helpers/tmp.js';

/** Random rows with ties (values on a grid of quarters), and the special rows asked for. */
function rows(n: number, d: number, seed: number, special: { constant?: number; zero?: number; nan?: number; inf?: number } = {}): Float32Array {
  const rng = new TestRng(seed);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const offset = 2 + rng.normal();
    for (let k = 0; k < d; k++) x[i * d + k] = offset + Math.round(rng.normal() * 4) / 4;
  }
  if (special.constant !== undefined) x.fill(1.5, special.constant * d, (special.constant + 1) * d);
  if (special.zero !== undefined) x.fill(0, special.zero * d, (special.zero + 1) * d);
  if (special.nan !== undefined) x[special.nan * d + Math.floor(d / 2)] = NaN;
  if (special.inf !== undefined) x[special.inf * d] = Infinity;
  return x;
}

function save(dir: string, x: Float32Array, name = 'acts.f32'): string {
  const file = join(dir, name);
  writeFileSync(file, new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  return file;
}

/** Same values, NaN where NaN, compared as bits (Object.is). */
function assertIdentical(got: Float64Array, want: Float64Array, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}: entry ${i} is ${got[i]} but in-core ${want[i]}`);
  }
}

const segmentsFor = (n: number): number[] => [...new Set([1, 2, Math.max(1, Math.floor(n / 3) + 1), n - 1, n].filter((s) => s >= 1 && s <= n))];

test('every metric: out of core equals computeRdm bit for bit, for segments of 1 row, N rows and uneven ones', () => withTempDir(async (dir) => {
  // D around the Gram's 512-column blocks; special rows: constant (correlation NaN), zero (cosine NaN), NaN, Inf
  const cases = [
    { n: 2, d: 1 }, { n: 3, d: 5 }, { n: 3, d: 700 }, { n: 29, d: 515, special: { constant: 3, zero: 11, nan: 17, inf: 28 } },
    { n: 41, d: 1100, special: { constant: 0, nan: 40 } }, { n: 17, d: 33 },
  ];
  for (const [ci, c] of cases.entries()) {
    const x = rows(c.n, c.d, 100 + ci, c.special);
    const file = save(dir, x);
    for (const metric of RDM_METRICS) {
      for (const perFeature of metric === 'euclidean' || metric === 'sqeuclidean' ? [false, true] : [false]) {
        const want = await computeRdm(x, c.n, c.d, { metric, perFeature, condensed: true, outDtype: 'float64' });
        for (const segmentRows of segmentsFor(c.n)) {
          const got = await computeRdmFromFile(file, c.n, c.d, { metric, perFeature, segmentRows, threads: 2 });
          const what = `${metric}${perFeature ? ' per feature' : ''} n=${c.n} d=${c.d} S=${segmentRows}`;
          assertIdentical(got.full.rdm, want.rdm as Float64Array, what);
          assert.deepEqual(got.full.nanStimuli, want.nanStimuli, what);
          assert.deepEqual(got.full.nanReasons, want.nanReasons, what);
          assert.equal(got.segmentRows, segmentRows);
          assert.equal(got.centroids, undefined);
        }
      }
    }
  }
}));

test('out of core matches the slow float64 reference, and a memory budget chooses the segments', () => withTempDir(async (dir) => {
  const n = 45, d = 600;
  const x = rows(n, d, 7);
  const file = save(dir, x);
  for (const metric of RDM_METRICS) {
    const ref = condensed(referenceRdm(x, n, d, metric), n);
    // 200 KB: a few rows per segment; 1 GiB: all rows in one
    for (const memory of [200_000, 1024 ** 3]) {
      const r = await computeRdmFromFile(file, n, d, { metric, memory });
      if (memory < 1e6) assert.ok(r.segmentRows > 1 && r.segmentRows < n / 2, `segments of ${r.segmentRows} rows`);
      else assert.equal(r.segmentRows, n);
      const scale = metric === 'correlation' || metric === 'cosine' ? 1 : 1 + maxAbs(ref);
      assert.ok(maxAbsDiff(r.full.rdm, ref) <= 1e-5 * scale, `${metric}: ${maxAbsDiff(r.full.rdm, ref)}`);
    }
  }
}));

test('centroid variants: the direct route exactly (centroids, rows minus centroids), within 1e-5 of the one-product split', () => withTempDir(async (dir) => {
  const n = 38, d = 530;
  const x = rows(n, d, 11, { constant: 5 });
  // classes 2, 4, 7 (uneven counts, out of order); one class holds a single stimulus (its removed row is all zeros)
  const labels = Int32Array.from({ length: n }, (_, i) => (i === 20 ? 9 : [4, 2, 7][i % 3]!));
  const present = [2, 4, 7, 9];
  const file = save(dir, x);
  const rowOf = Int32Array.from(labels, (l) => present.indexOf(l));
  const counts = present.map((c) => labels.filter((l) => l === c).length);
  const removedRows = Float32Array.from(x);
  const centroids = await nativeClassCentroids(removedRows, n, d, rowOf, Float64Array.from(counts, (c) => 1 / c), { subtract: true });
  for (const metric of RDM_METRICS) {
    const full = await computeRdm(x, n, d, { metric, condensed: true });
    const cent = await computeRdm(centroids, present.length, d, { metric, condensed: true });
    const removed = await computeRdm(removedRows, n, d, { metric, condensed: true });
    const split = await computeRdmSplit(x, n, d, labels, { metric });
    for (const segmentRows of [1, 6, 13, n]) {
      const r = await computeRdmFromFile(file, n, d, { metric, labels, segmentRows });
      const what = `${metric} S=${segmentRows}`;
      assert.deepEqual(r.classes, present);
      assertIdentical(r.full.rdm, full.rdm as Float64Array, `${what} full`);
      assertIdentical(r.centroids!.rdm, cent.rdm as Float64Array, `${what} centroids`);
      assertIdentical(r.removed!.rdm, removed.rdm as Float64Array, `${what} removed`);
      assert.deepEqual(r.removed!.nanStimuli, removed.nanStimuli, what);
      assert.deepEqual(r.centroids!.nanStimuli, cent.nanStimuli, what);
      const scale = metric === 'correlation' || metric === 'cosine' ? 1 : 1 + maxAbs(split.removed.rdm);
      assert.ok(maxAbsDiff(r.removed!.rdm, split.removed.rdm) <= 1e-5 * scale, `${what}: removed vs split ${maxAbsDiff(r.removed!.rdm, split.removed.rdm)}`);
    }
  }
}));

test('bad arguments and files: one-line errors naming the argument or file, no crash', () => withTempDir(async (dir) => {
  const n = 6, d = 4;
  const x = rows(n, d, 3);
  const file = save(dir, x);
  const short = save(dir, x.subarray(0, n * d - 1), 'short.f32');
  const call = (...args: unknown[]): Promise<unknown> => (loadAddon().computeRdmFromFile as (...a: unknown[]) => Promise<unknown>)(...args);
  const oneLine = (re: RegExp) => (e: unknown): boolean => e instanceof Error && re.test(e.message) && !e.message.includes('\n');
  await assert.rejects(async () => call(short, n, d, {}), oneLine(/short\.f32.*shorter than expected/));
  await assert.rejects(async () => call(file, n + 1, d, {}), oneLine(/Expected 112 bytes/));
  await assert.rejects(async () => call(join(dir, 'missing.f32'), n, d, {}), oneLine(/missing\.f32: cannot read/));
  await assert.rejects(async () => call(dir, n, d, {}), oneLine(/regular file/));
  await assert.rejects(async () => call('', n, d, {}), oneLine(/for path/));
  await assert.rejects(async () => call(file, 1, d, {}), oneLine(/for n/));
  await assert.rejects(async () => call(file, n, d, { segmentRows: 0 }), oneLine(/options\.segmentRows/));
  await assert.rejects(async () => call(file, n, d, { segmentRows: n + 1 }), oneLine(/options\.segmentRows/));
  await assert.rejects(async () => call(file, n, d, { labels: new Int32Array(n - 1) }), oneLine(/options\.labels/));
  await assert.rejects(async () => call(file, n, d, { labels: new Int32Array(n) }), oneLine(/at least 2 distinct classes/));
  await assert.rejects(async () => call(file, n, d, { labels: Int32Array.from({ length: n }, (_, i) => (i === 2 ? -1 : i % 2)) }), oneLine(/options\.labels/));
  await assert.rejects(async () => call(file, n, d, { labels: [0, 1, 0, 1, 0, 1] }), oneLine(/Int32Array/));
  await assert.rejects(async () => call(file, n, d, { metric: 'manhattan' }), oneLine(/options\.metric/));
  await assert.rejects(async () => call(file, n, d, { memory: -1 }), oneLine(/options\.memory/));
  // still usable afterwards
  const ok = await computeRdmFromFile(file, n, d, {});
  assert.equal(ok.full.rdm.length, (n * (n - 1)) / 2);
}));

test('cancelAll stops an out-of-core RDM: the promise rejects with ECANCELLED', () => withTempDir(async (dir) => {
  const n = 400, d = 20000;
  const x = rows(n, d, 5);
  const file = save(dir, x);
  const pending = computeRdmFromFile(file, n, d, { segmentRows: 10, threads: 1 });
  await new Promise((r) => setTimeout(r, 100));
  loadAddon().cancelAll();
  await assert.rejects(pending, (e: unknown) => (e as { code?: string }).code === 'ECANCELLED');
}));

