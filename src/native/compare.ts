/**
 * Typed wrappers for RDM comparisons and linear CKA. Analysis code calls these,
 * never the addon directly.
 *
 * Conventions (docs/definitions.md, "RDM comparisons"): inputs are condensed
 * RDM vectors (upper triangle, row-major, i < j); entries that are NaN in
 * either vector are dropped; a result that is undefined (fewer than 2 kept
 * entries, a constant vector, a zero vector for cosine) is NaN.
 */
import { loadAddon, withJsStack } from './addon.js';
import { markFloat32Valued, scaledForComparison } from './scaleRdms.js';
import { centredColumns } from './centreColumns.js';
import type { ProgressCallback } from './types/core.js';
import type { CompareMethod } from './types/compare.js';

/** Every comparison method, in the order help texts list them: the one list of them in TypeScript. */
export { compareMethods, type CompareMethod } from './types/compare.js';

export interface CompareRunOptions {
  /** 0 or absent: all cores */
  threads?: number;
  onProgress?: ProgressCallback;
}

/** float64, scaled where its magnitude would overflow or underflow the kernels' sums (scaleRdms.ts) */
function asFloat64(v: Float32Array | Float64Array): Float64Array {
  return scaledForComparison(v instanceof Float64Array ? v : markFloat32Valued(Float64Array.from(v)));
}

/**
 * Compares every pair of K condensed RDMs (all of one length). Resolves to the
 * K × K matrix, row-major and symmetric: entry p·K + q compares RDM p with RDM
 * q; the diagonal compares an RDM with itself (1 where defined, except rho-a
 * and tau-a with ties, which are below 1). Ranks, means and norms are computed
 * once per RDM, so this is much faster than calling compareTwoRdms per pair.
 * 'r2' is the square of 'pearson': when both are wanted, ask for 'pearson'
 * and square it.
 */
export function compareRdms(
  rdms: readonly (Float32Array | Float64Array)[],
  method: CompareMethod,
  opts: CompareRunOptions = {},
): Promise<Float64Array> {
  const vectors = rdms.map(asFloat64);
  const length = vectors[0]?.length ?? 0;
  return withJsStack(() => loadAddon().compareRdms(vectors, length, { method, ...opts }));
}

/**
 * The K × K Pearson matrices of K condensed RDMs over all entries, over the
 * positions `within` (ascending) and over the others, as compareRdms of the
 * vectors and of their two gathered subsets would give them (to rounding), in
 * one pass and without the gathered copies. Null when an entry is NaN (then
 * compare the subsets with compareRdms, which drops NaN pairwise).
 */
export function pearsonWithinBetween(rdms: readonly Float64Array[], within: Uint32Array, opts: Pick<CompareRunOptions, 'threads'> = {}):
  Promise<{ full: Float64Array; within: Float64Array; between: Float64Array } | null> {
  const length = rdms[0]?.length ?? 0;
  return withJsStack(() => loadAddon().pearsonWithinBetween(rdms.map(scaledForComparison), length, within, opts));
}

/** Compares two condensed RDMs of equal length. */
export function compareTwoRdms(
  a: Float32Array | Float64Array,
  b: Float32Array | Float64Array,
  method: CompareMethod,
  opts: Pick<CompareRunOptions, 'threads'> = {},
): Promise<number> {
  return withJsStack(() => loadAddon().compareTwo(asFloat64(a), asFloat64(b), { method, ...opts }));
}

/** Row p of a K × K matrix from compareRdms, as plain arrays (e.g. for JSON). */
export function matrixRows(matrix: Float64Array, k: number): number[][] {
  const rows: number[][] = [];
  for (let p = 0; p < k; p++) rows.push(Array.from(matrix.subarray(p * k, (p + 1) * k)));
  return rows;
}

export interface LinearCkaRunOptions extends CompareRunOptions {
  /** the unbiased HSIC estimator (Song et al. 2012, Nguyen et al. 2021); NaN for n < 4 */
  unbiased?: boolean;
}

/**
 * Linear CKA (Kornblith et al. 2019) of two representations of the same n
 * stimuli: x is n × dx and y is n × dy, row-major (any per-stimulus shape,
 * flattened). The biased form equals the cosine of the double-centred
 * sqeuclidean RDMs. NaN when a representation does not vary across stimuli.
 */
export function linearCka(
  x: Float32Array | Float64Array,
  y: Float32Array | Float64Array,
  n: number,
  opts: LinearCkaRunOptions = {},
): Promise<number> {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Expected a positive integer for n but received ${n}`);
  if (x.length % n !== 0 || x.length === 0) throw new RangeError(`Expected a multiple of n = ${n} elements for x but received ${x.length}`);
  if (y.length % n !== 0 || y.length === 0) throw new RangeError(`Expected a multiple of n = ${n} elements for y but received ${y.length}`);
    // centred in float64 before the native Gram products (centreColumns.ts); CKA does not change
  const xc = centredColumns(x, n);
  const yc = centredColumns(y, n);
  return withJsStack(() => loadAddon().linearCka(xc, n, xc.length / n, yc, yc.length / n, opts));
}
