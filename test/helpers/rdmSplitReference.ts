/**
 * What the split RDMs (src/native/rdmSplit.ts) are checked against: the
 * direct computation (three computeRdm calls: the activations, their class
 * centroids, and the activations minus their centroids, in the input's
 * precision, as the analysis computed them before) and the float64 reference
 * of the same three matrices; and activations with a class structure.
 */
import { classCentroids, classIndex } from '../../src/analysis/classStructure.js';
import { computeRdm, type NanReason, type RdmMetric } from '../../src/native/rdm.js';
import { condensed, referenceRdm } from './rdmReference.js';
import { TestRng } from './random.js';

export interface SplitPart {
  rdm: Float64Array;
  nanStimuli: number[];
  nanReasons: NanReason[];
}

export interface SplitParts {
  full: SplitPart;
  centroids: SplitPart;
  removed: SplitPart;
  classes: number[];
}

/**
 * Activations with a class structure: row i is a row offset (3 + rowOffsetScale · N(0, 1) + offset,
 * rowOffsetScale 1 unless given) plus centroidScale times its class's random pattern plus N(0, 1) noise.
 */
export function classActs(n: number, d: number, labels: Int32Array,
  opts: { f32: boolean; seed: number; centroidScale: number; offset?: number; rowOffsetScale?: number }): Float32Array | Float64Array {
  const rng = new TestRng(opts.seed);
  const patterns = new Map<number, Float64Array>();
  for (const l of labels) if (!patterns.has(l)) patterns.set(l, rng.normals(d));
  const x = opts.f32 ? new Float32Array(n * d) : new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const off = 3 + (opts.rowOffsetScale ?? 1) * rng.normal() + (opts.offset ?? 0);
    const p = patterns.get(labels[i]!)!;
    for (let k = 0; k < d; k++) x[i * d + k] = off + opts.centroidScale * p[k]! + rng.normal();
  }
  return x;
}

/** Class centroids in the input's precision (float64 sums times 1/count) and X minus them, the same way. */
export function centroidsAndRemoved(x: Float32Array | Float64Array, n: number, d: number, labels: Int32Array):
  { classes: number[]; centroids: Float32Array | Float64Array; removed: Float32Array | Float64Array; rowOf: Int32Array } {
  const idx = classIndex(labels);
  let centroids: Float32Array | Float64Array;
  if (x instanceof Float32Array) {
    centroids = classCentroids(x, n, d, labels, idx);
  } else {
    const c = idx.present.length;
    centroids = new Float64Array(c * d);
    for (let i = 0; i < n; i++) {
      const r = idx.rowOf[labels[i]!]!;
      for (let k = 0; k < d; k++) centroids[r * d + k]! += x[i * d + k]!;
    }
    for (let r = 0; r < c; r++) {
      const inv = 1 / idx.counts[idx.present[r]!]!;
      for (let k = 0; k < d; k++) centroids[r * d + k] = centroids[r * d + k]! * inv;
    }
  }
  const removed = x.slice();
  for (let i = 0; i < n; i++) {
    const r = idx.rowOf[labels[i]!]!;
    for (let k = 0; k < d; k++) removed[i * d + k] = removed[i * d + k]! - centroids[r * d + k]!;
  }
  return { classes: idx.present, centroids, removed, rowOf: idx.rowOf };
}

/** The three RDMs as three computeRdm calls (condensed, float64 out). */
export async function directSplit(x: Float32Array | Float64Array, n: number, d: number, labels: Int32Array,
  metric: RdmMetric, perFeature = false): Promise<SplitParts> {
  const { classes, centroids, removed } = centroidsAndRemoved(x, n, d, labels);
  const one = async (a: Float32Array | Float64Array, rows: number): Promise<SplitPart> => {
    const r = await computeRdm(a, rows, d, { metric, perFeature, condensed: true, outDtype: 'float64' });
    return { rdm: r.rdm as Float64Array, nanStimuli: r.nanStimuli, nanReasons: r.nanReasons };
  };
  return { full: await one(x, n), centroids: await one(centroids, classes.length), removed: await one(removed, n), classes };
}

/** The float64 reference of the same three matrices (X − centroids taken exactly in float64). */
export function referenceSplit(x: Float32Array | Float64Array, n: number, d: number, labels: Int32Array,
  metric: RdmMetric, perFeature = false): { full: Float64Array; centroids: Float64Array; removed: Float64Array } {
  const { classes, centroids, rowOf } = centroidsAndRemoved(x, n, d, labels);
  const removed = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = rowOf[labels[i]!]!;
    for (let k = 0; k < d; k++) removed[i * d + k] = x[i * d + k]! - centroids[r * d + k]!;
  }
  const c = classes.length;
  return {
    full: condensed(referenceRdm(x, n, d, metric, perFeature), n),
    centroids: condensed(referenceRdm(centroids, c, d, metric, perFeature), c),
    removed: condensed(referenceRdm(removed, n, d, metric, perFeature), n),
  };
}
