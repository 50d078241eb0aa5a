/** RDMs of activations held in a raw float32 file, out of core (native/binding/rdm_file_binding.cc). */
import type { ProgressCallback } from './core.js';
import type { RdmMetric } from './rdm.js';
import type { RdmSplitPart } from './rdmSplit.js';

export interface RdmFileNativeOptions {
  /** default 'correlation' */
  metric?: RdmMetric;
  /** sqeuclidean / D (euclidean: its square root); ignored by correlation and cosine */
  perFeature?: boolean;
  /** class id per stimulus (all ≥ 0, at least two distinct): the class-centroid and centroid-removed RDMs too */
  labels?: Int32Array;
  /** rows read and multiplied at a time (1..n); default: from `memory` */
  segmentRows?: number;
  /** bytes the segments of one pair and their Gram may take (default 1 GiB); ignored with segmentRows */
  memory?: number;
  /** 0 or undefined = all cores */
  threads?: number;
  onProgress?: ProgressCallback;
}

export interface RdmFileNativeResult {
  /** the RDM of the rows: n(n−1)/2 entries, bit for bit computeRdm's (condensed, float64) */
  full: RdmSplitPart;
  /** with labels: the RDM of the class centroids, in the order of `classes` */
  centroids?: RdmSplitPart;
  /** with labels: the RDM of each row minus its class centroid */
  removed?: RdmSplitPart;
  /** with labels: the class ids present, ascending */
  classes?: number[];
  /** rows per segment used */
  segmentRows: number;
  kernel: string;
}

export interface RdmFileAddon {
  /**
   * path: a raw file of exactly n·d·4 bytes, n × d float32 row-major in the machine's byte
   * order (n ≥ 2, d ≥ 1). Read in segments; never held whole.
   */
  computeRdmFromFile(path: string, n: number, d: number, options?: RdmFileNativeOptions): Promise<RdmFileNativeResult>;
}
