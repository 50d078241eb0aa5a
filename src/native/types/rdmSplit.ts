/** The full / class-centroid / centroid-removed RDMs of one layer (native/binding/rdm_split_binding.cc). */
import type { ProgressCallback } from './core.js';
import type { NanReason, RdmMetric } from './rdm.js';

export interface RdmSplitNativeOptions {
  /** default 'correlation' */
  metric?: RdmMetric;
  /** sqeuclidean / D (euclidean: its square root); ignored by correlation and cosine */
  perFeature?: boolean;
  /** 0 or undefined = all cores */
  threads?: number;
  onProgress?: ProgressCallback;
}

/** One condensed float64 RDM and the rows whose distances are NaN. */
export interface RdmSplitPart {
  /** condensed: upper triangle row-major (i < j) */
  rdm: Float64Array;
  /** rows (0-based, ascending) whose distances are NaN: stimuli, or for the centroid RDM positions in `classes` */
  nanStimuli: number[];
  /** why, for each entry of nanStimuli */
  nanReasons: NanReason[];
}

export interface RdmSplitNativeResult {
  /** the RDM of the activations: n(n−1)/2 entries */
  full: RdmSplitPart;
  /** the RDM of the class centroids, in the order of `classes`: C(C−1)/2 entries */
  centroids: RdmSplitPart;
  /** the RDM of each stimulus minus its class centroid: n(n−1)/2 entries */
  removed: RdmSplitPart;
  /** the class ids present among the labels, ascending (C ≥ 2) */
  classes: number[];
  /** micro-kernel set used: 'avx512' | 'avx2' | 'portable' */
  kernel: string;
}

export interface RdmSplitAddon {
  /**
   * acts: n × d row-major activations (n ≥ 2, d ≥ 1), only read; labels: n class ids ≥ 0 with at
   * least two distinct values. One Gram product of acts gives all three RDMs.
   */
  computeRdmSplit(acts: Float32Array | Float64Array, n: number, d: number, labels: Int32Array,
    options?: RdmSplitNativeOptions): Promise<RdmSplitNativeResult>;
}
