import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseBehaviour, confusionMatrix, errorConsistency, predictedLabels } from '../../src/analysis/behaviour.js';
import { classCentroids, classIndex, subtractCentroidsInPlace, withinBetweenIndices } from '../../src/analysis/classStructure.js';
import { classicalMds } from '../../src/analysis/mds.js';
import { analyseZooActivations } from '../../src/analysis/analyseZoo.js';
import { analyseZooDifference } from '../../src/analysis/zooDifference.js';
import { referenceEngines } from '../helpers/referenceEngines.js';
import type { AnalysisOptions, InstanceActivations } from '../../src/analysis/types.js';
import { TestRng } from '../helpers/random.js';

const bits = (s: string): Int32Array => Int32Array.from(s, (ch) => Number(ch));

test('error consistency equals Cohen\'s kappa computed by hand', () => {
  // labels all 1: a prediction of 1 is correct, 0 is wrong
  const labels = new Int32Array(10).fill(1);
  const a = bits('1111111100'); // 8 correct
  const b = bits('1111110010'); // 7 correct; same correctness at 7 of 10
  // c_obs = 0.7, c_exp = 0.8·0.7 + 0.2·0.3 = 0.62, κ = 0.08 / 0.38
  assert.ok(Math.abs(errorConsistency(a, b, labels) - 0.08 / 0.38) < 1e-12);
  assert.equal(errorConsistency(a, a, labels), 1);
  // both perfect: c_exp = 1, they agree everywhere
  assert.equal(errorConsistency(labels, labels, labels), 1);
});

test('behaviour: argmax, accuracy, agreement and confusion counts', () => {
  const logits = Float32Array.from([0, 2, 1, /**/ 5, 1, 1, /**/ 0, 0, 3, /**/ 1, 1, 0]);
  const pred = predictedLabels(logits, 4, 3);
  assert.deepEqual(Array.from(pred), [1, 0, 2, 0]); // ties: first index
  const labels = Int32Array.from([1, 0, 1, 1]);
  assert.deepEqual(confusionMatrix(pred, labels, 3), [[1, 0, 0], [1, 1, 1], [0, 0, 0]]);
  const other = Int32Array.from([1, 0, 2, 1]);
  const r = analyseBehaviour([pred, other], labels, 3);
  assert.deepEqual(r.accuracy, [0.5, 0.75]);
  assert.equal(r.agreement[0]![1], 0.75);
  assert.equal(r.mean_agreement, 0.75);
});

test('within/between indices partition the condensed vector', () => {
  const labels = Int32Array.from([0, 1, 0, 2, 1]);
  const { within, between } = withinBetweenIndices(labels);
  // within pairs: (0,2) → 1, (1,4) → 4+2 = 6
  assert.deepEqual(Array.from(within), [1, 6]);
  assert.equal(within.length + between.length, 10);
  assert.ok(!Array.from(between).some((i) => within.includes(i)));
});

test('class centroids and their removal', () => {
  const labels = Int32Array.from([0, 0, 2, 2]);
  const x = Float32Array.from([1, 2, 3, 4, 10, 0, 20, 0]);
  const idx = classIndex(labels);
  assert.deepEqual(idx.present, [0, 2]);
  const c = classCentroids(x, 4, 2, labels, idx);
  assert.deepEqual(Array.from(c), [2, 3, 15, 0]);
  subtractCentroidsInPlace(x, 4, 2, labels, idx, c);
  assert.deepEqual(Array.from(x), [-1, -1, 1, 1, -5, 0, 5, 0]);
});

function distancesOf(points: Float64Array, n: number, dims: number): Float64Array {
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < dims; k++) s += (points[i * dims + k]! - points[j * dims + k]!) ** 2;
      d[i * n + j] = Math.sqrt(s);
    }
  }
  return d;
}

for (const n of [25, 400]) {
  test(`classical MDS of 2-D points recovers their distances (n = ${n}, ${n > 200 ? 'Lanczos' : 'full eigen-decomposition'})`, () => {
    const rng = new TestRng(n);
    const pts = Float64Array.from({ length: n * 2 }, (_, i) => rng.normal() * (i % 2 === 0 ? 3 : 1));
    const dist = distancesOf(pts, n, 2);
    const mds = classicalMds(dist, n, 2);
    const back = distancesOf(mds.coords, n, 2);
    let worst = 0;
    for (let i = 0; i < n * n; i++) worst = Math.max(worst, Math.abs(back[i]! - dist[i]!));
    assert.ok(worst < 1e-6, `max distance error ${worst}`);
    assert.ok(mds.eigenvalues[0]! >= mds.eigenvalues[1]!);
  });
}

/** A synthetic zoo: shared class centroids, and per instance its own exemplar noise. */
function syntheticZoo(k: number, classes: number, perClass: number, d: number, noise: number, seed: number, sharedNoise = false, logitsAsLayer = false) {
  const rng = new TestRng(seed);
  const n = classes * perClass;
  const labels = Int32Array.from({ length: n }, (_, i) => Math.floor(i / perClass));
  // centroids of equal norm, so no class's block of within-category distances is shared by all instances
  const centroids = Array.from({ length: classes }, () => {
    const c = rng.normals(d);
    const norm = Math.hypot(...c);
    return c.map((v) => (v * 5 * Math.sqrt(d)) / norm);
  });
  const shared = rng.normals(n * d);
  async function* gen(): AsyncGenerator<InstanceActivations> {
    for (let inst = 0; inst < k; inst++) {
      const own = sharedNoise ? shared : rng.normals(n * d);
      const x = new Float32Array(n * d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = centroids[labels[i]!]![j]! + noise * own[i * d + j]!;
      const logits = new Float32Array(n * classes);
      for (let i = 0; i < n; i++) logits[i * classes + ((i + inst) % perClass === 0 ? (labels[i]! + 1) % classes : labels[i]!)] = 1;
      const layers = [{ name: 'L1', n, d, data: x }, { name: 'L2', n, d, data: Float32Array.from(x, (v) => Math.max(0, v)) }];
      // as with real zoos, the logits may also be a layer: the very same array (scaled per
      // row, so removing class centroids in place would change their argmaxes)
      if (logitsAsLayer) {
        for (let i = 0; i < n; i++) {
          logits[i * classes + 0] = logits[i * classes + 0]! + 0.5;
          for (let j = 0; j < classes; j++) logits[i * classes + j] = logits[i * classes + j]! * (1 + (i % 3));
        }
        layers.push({ name: 'logits', n, d: classes, data: logits });
      }
      yield { instance: `i${inst}`, index: inst, layers, logits, logitsWidth: classes };
    }
  }
  return { n, labels, gen };
}

const options: AnalysisOptions = { metric: 'correlation', compare: 'r2', permutations: 19, bootstrap: 20, seed: 3, threads: 1 };

test('centroid/exemplar analysis: shared centroids with own exemplar noise agree between, not within, categories', async () => {
  const z = syntheticZoo(3, 5, 4, 24, 1.5, 11);
  const { result, rdmSet } = await analyseZooActivations({ name: 'syn', activations: z.gen() }, { n: z.n, labels: z.labels }, options, referenceEngines());
  assert.equal(result.layers.length, 2);
  const l1 = result.layers[0]!;
  assert.ok(l1.centroid!.mean_r2 > 0.8, `centroid r² ${l1.centroid!.mean_r2}`);
  assert.ok(l1.between_category!.mean_r2 > 0.5, `between r² ${l1.between_category!.mean_r2}`);
  assert.ok(l1.within_category!.mean_r2 < 0.2, `within r² ${l1.within_category!.mean_r2}`);
  assert.ok(l1.centroid_removed!.mean_r2 < 0.2, `removed r² ${l1.centroid_removed!.mean_r2}`);
  assert.equal(l1.consistency.pairs.length, 3);
  for (const p of l1.consistency.pairs) {
    assert.ok(Math.abs(p.r2 - p.r * p.r) < 1e-12);
    assert.ok(p.p !== null && p.p > 0 && p.p <= 1 && p.p_corrected! >= p.p);
  }
  assert.ok(l1.consistency.ci95![0] <= l1.consistency.ci95![1]);
  assert.equal(result.second_order!.mds.length, 6);
  assert.equal(result.behaviour!.accuracy.length, 3);
  assert.equal(result.behaviour!.accuracy[0], 0.75);
  assert.equal(rdmSet.instances.length, 3);
});

test('identical instances: every consistency is 1 and κ is 1', async () => {
  const z = syntheticZoo(2, 4, 5, 16, 1, 5, true);
  const { result } = await analyseZooActivations({ name: 'same', activations: z.gen() }, { n: z.n, labels: z.labels }, { ...options, permutations: 0, bootstrap: 0 }, referenceEngines());
  const l = result.layers[0]!;
  for (const s of [l.consistency, l.centroid!, l.within_category!, l.between_category!, l.centroid_removed!]) {
    assert.ok(Math.abs(s.mean_r2 - 1) < 1e-9, JSON.stringify(s.mean_r2));
  }
  assert.ok(result.skipped.some((s) => s.includes('--permutations 0')));
});

test('one instance and no labels: what makes sense is done and the rest is named as skipped', async () => {
  const z = syntheticZoo(1, 3, 4, 8, 1, 2);
  const { result } = await analyseZooActivations({ name: 'solo', activations: z.gen() }, { n: z.n }, options, referenceEngines());
  assert.equal(result.layers.length, 2);
  assert.equal(result.layers[0]!.consistency.pairs.length, 0);
  assert.equal(result.layers[0]!.centroid, null);
  assert.equal(result.behaviour, null);
  assert.ok(result.second_order !== null); // two layers of one instance still make a second-order map
  assert.ok(result.skipped.some((s) => s.includes('1 instance')));
  assert.ok(result.skipped.some((s) => s.includes('no labels')));
});

test('two zoos: per-layer difference with p corrected over layers', async () => {
  const a = syntheticZoo(3, 4, 4, 12, 0.3, 21);
  const b = syntheticZoo(3, 4, 4, 12, 3, 22);
  const ra = await analyseZooActivations({ name: 'a', activations: a.gen() }, { n: a.n, labels: a.labels }, { ...options, bootstrap: 0 }, referenceEngines());
  const rb = await analyseZooActivations({ name: 'b', activations: b.gen() }, { n: b.n, labels: b.labels }, { ...options, bootstrap: 0 }, referenceEngines());
  const diff = await analyseZooDifference(ra, rb, options, referenceEngines());
  assert.ok(diff);
  assert.equal(diff.layers.length, 2);
  for (const l of diff.layers) {
    assert.ok(l.difference > 0);
    assert.ok(l.p_corrected >= l.p);
  }
});

test('the native engines give the reference engines\' consistency, centroid/exemplar and second-order values', async () => {
  const { nativeEngines } = await import('../../src/analysis/nativeEngines.js');
  const opts = { ...options, permutations: 99, bootstrap: 50 };
  const z1 = syntheticZoo(4, 5, 4, 24, 1.5, 31);
  const z2 = syntheticZoo(4, 5, 4, 24, 1.5, 31);
  const ref = await analyseZooActivations({ name: 'r', activations: z1.gen() }, { n: z1.n, labels: z1.labels }, opts, referenceEngines());
  const nat = await analyseZooActivations({ name: 'n', activations: z2.gen() }, { n: z2.n, labels: z2.labels }, opts, nativeEngines());
  const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} vs ${b}`);
  for (const [li, l] of ref.result.layers.entries()) {
    const m = nat.result.layers[li]!;
    close(l.consistency.mean_r2, m.consistency.mean_r2, 'mean r²');
    close(l.consistency.mean_r, m.consistency.mean_r, 'mean r');
    for (const k of ['centroid', 'within_category', 'between_category', 'centroid_removed'] as const) close(l[k]!.mean_r2, m[k]!.mean_r2, k);
    for (const p of m.consistency.pairs) assert.ok(p.p! >= 0.01 && p.p! <= 1 && p.p_corrected! >= p.p!);
    assert.ok(m.consistency.ci95![0] <= m.consistency.mean_r2 + 0.2 && m.consistency.ci95![1] >= m.consistency.mean_r2 - 0.2);
  }
  for (const [i, row] of ref.result.second_order!.matrix.entries()) row.forEach((v, j) => close(v, nat.result.second_order!.matrix[i]![j]!, 'second order'));
});

test('logits that are also a layer (one array) still give the behaviour of the unmodified logits', async () => {
  const z = syntheticZoo(3, 5, 4, 24, 1.5, 11, false, true);
  const { result } = await analyseZooActivations({ name: 'syn', activations: z.gen() }, { n: z.n, labels: z.labels }, { ...options, permutations: 0, bootstrap: 0 }, referenceEngines());
  assert.equal(result.layers.length, 3);
  assert.deepEqual(result.behaviour!.accuracy, [0.75, 0.75, 0.75]);
});
