/** The addon's RDM comparison and CKA functions (native/binding/compare_binding.cc). */
import type { ProgressCallback } from './core.js';

/** How two condensed RDM vectors are compared (docs/definitions.md, "RDM comparisons"); the one list of them. */
export const compareMethods = ['pearson', 'r2', 'spearman', 'rho-a', 'tau-a', 'cosine'] as const;
export type CompareMethod = (typeof compareMethods)[number];

export interface CompareOptions {
  method: CompareMethod;
  /** 0 or absent: all cores */
  threads?: number;
  onProgress?: ProgressCallback;
}

export interface LinearCkaOptions {
  /** the unbiased HSIC estimator (Song et al. 2012); needs n ≥ 4 */
  unbiased?: boolean;
  threads?: number;
  onProgress?: ProgressCallback;
}

export interface CompareAddon {
  /**
   * All pairs of K condensed vectors of `length` entries, given as K arrays or
   * one packed K × length array. Resolves to the K × K matrix (row-major,
   * symmetric). Entries NaN in either vector are dropped; undefined results are NaN.
   */
  compareRdms(vectors: Float64Array[] | Float64Array, length: number, options: CompareOptions): Promise<Float64Array>;
  /**
   * Pearson r of every pair of K vectors over all their entries, over the `within`
   * positions (ascending) and over the rest, from one pass (native/core/pearson_split.h);
   * null when an entry is NaN.
   */
  pearsonWithinBetween(vectors: Float64Array[], length: number, within: Uint32Array, options: { threads?: number }):
    Promise<{ full: Float64Array; within: Float64Array; between: Float64Array } | null>;
  /** One pair of vectors of equal length. */
  compareTwo(a: Float64Array, b: Float64Array, options: CompareOptions): Promise<number>;
  /** Linear CKA of x (n × dx) and y (n × dy), row-major. */
  linearCka(
    x: Float32Array | Float64Array, n: number, dx: number,
    y: Float32Array | Float64Array, dy: number,
    options?: LinearCkaOptions,
  ): Promise<number>;
}
