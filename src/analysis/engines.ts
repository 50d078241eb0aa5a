/**
 * What the analysis needs from the native core and the statistics engine,
 * as small interfaces. The analysis is written against these, so it can be
 * tested on tiny inputs and knows nothing of how the work is done.
 * `nativeEngines()` (nativeEngines.ts) binds them to src/native and src/stats.
 */
import type { CompareMethod } from '../native/compare.js';
import type { RdmMetric as Metric } from '../native/rdm.js';
import type { ClassIndex } from './classStructure.js';

export type { CompareMethod, Metric };
/** The r-valued methods; r² is computed as the square of pearson's r. */
export type BaseMethod = Exclude<CompareMethod, 'r2'>;

/** (done, total) progress of one long operation. */
export type Progress = (done: number, total: number) => void;

export interface RdmRequest {
  /** N × D row-major activations */
  data: Float32Array;
  n: number;
  d: number;
  metric: Metric;
  perFeature?: boolean;
  threads: number;
  /** what the RDM is of (e.g. "seed3 conv2"), for warnings */
  label?: string;
}

export interface RdmWithCentroidsRequest extends RdmRequest {
  /** class of each stimulus, all ≥ 0, at least two distinct classes */
  labels: Int32Array;
}

/** The three condensed float64 RDMs of one layer that the centroid/exemplar analysis needs. */
export interface RdmWithCentroids {
  /** the RDM of the activations (what `rdm` gives) */
  full: Float64Array;
  /** the RDM of the class centroids, classes present in ascending id (C(C−1)/2 entries) */
  centroids: Float64Array;
  /** the RDM of each stimulus minus its class centroid */
  removed: Float64Array;
  /** the class ids present, ascending: the rows of `centroids` */
  classes: number[];
  /** per RDM, the rows whose entries are NaN (for `centroids`: positions in `classes`) */
  nanStimuli: { full: number[]; centroids: number[]; removed: number[] };
}

export interface RdmFileRequest {
  /** raw file of N × D float32 rows (row-major, N·D·4 bytes, no header) */
  file: string;
  n: number;
  d: number;
  metric: Metric;
  perFeature?: boolean;
  threads: number;
  /** class of each stimulus (all ≥ 0, at least two classes): the centroid variants too */
  labels?: Int32Array;
  /** bytes the rows and Gram of one pair of row segments may take */
  memory: number;
  label?: string;
}

/** The RDMs of a spilled layer: `full`, and with labels `centroids` and `removed` (as RdmWithCentroids). */
export interface RdmFromFile {
  full: Float64Array;
  centroids?: Float64Array;
  removed?: Float64Array;
}

export interface RdmEngine {
  /** Condensed RDM (upper triangle, i < j, row-major), float64. */
  rdm(req: RdmRequest): Promise<Float64Array>;
  /**
   * Optional, for speed: the full RDM, the class-centroid RDM and the centroid-removed RDM
   * of one layer from one product of the activations (instead of `rdm` of the data, of its
   * centroids and of the data with them removed). The same values within 1e-5; `data` is left
   * unchanged.
   */
  rdmWithCentroids?(req: RdmWithCentroidsRequest): Promise<RdmWithCentroids>;
  /**
   * Optional, for speed: classCentroids of src/analysis/classStructure.ts followed by
   * subtractCentroidsInPlace, with identical results. Returns the centroids; `data` is
   * left with each stimulus's centroid removed.
   */
  splitCentroids?(req: CentroidRequest): Promise<Float32Array>;
  /**
   * Optional, for layers too large to hold: the RDMs of activations spilled to a file, read in
   * segments of rows. `full` equals `rdm` of the same data exactly; with labels, `centroids` and
   * `removed` equal `rdm` of the class centroids and of the data with them removed (the direct
   * route: within 1e-6 of rdmWithCentroids).
   */
  rdmFromFile?(req: RdmFileRequest): Promise<RdmFromFile>;
}

export interface CentroidRequest {
  /** N × D activations, changed in place */
  data: Float32Array;
  n: number;
  d: number;
  /** class of each stimulus, all ≥ 0 */
  labels: Int32Array;
  idx: ClassIndex;
  threads: number;
}

export interface CompareEngine {
  /**
   * K × K matrix (row-major) of `method` between every two of the vectors
   * (all the same length; entries NaN in either are dropped). The vectors are
   * condensed RDMs or equal-length subsets of them. Diagonal: the method's
   * value of a vector with itself.
   */
  compareAll(vectors: readonly Float64Array[], method: BaseMethod, threads: number): Promise<Float64Array>;
  /**
   * Optional, for streaming: adds Σ_k (data[i][k] − shift[i])(data[j][k] − shift[j]) to
   * gram[i][j] (rows × rows, both triangles) and Σ_k (data[i][k] − shift[i]) to rowSums[i],
   * for data of rows × cols (row-major, float64 throughout). Products too large to hold
   * are summed over blocks of columns this way.
   */
  gramAccumulate?(data: Float64Array, rows: number, cols: number, shift: Float64Array, gram: Float64Array,
    rowSums: Float64Array, threads: number): Promise<void>;
  /**
   * Optional, for speed: compareAll with 'pearson' of the vectors, of their entries at
   * `within` (ascending positions) and of the other entries, in one pass without gathering
   * the subsets; the same values to rounding. Null where it does not apply (NaN entries):
   * the caller then compares the subsets with compareAll.
   */
  pearsonWithinBetween?(vectors: readonly Float64Array[], within: Uint32Array, threads: number):
    Promise<{ full: Float64Array; within: Float64Array; between: Float64Array } | null>;
}

/** Per layer, the K condensed RDMs, read when asked for (one layer in memory at a time). */
export interface LayerRdms {
  count: number;
  load(layer: number): Promise<Float64Array[]>;
}

export interface MantelFamilyRequest {
  /** per layer, the K condensed RDMs (same N and K for every layer) */
  layers: LayerRdms;
  /** per layer, the K × K statistics of `method` if already computed (compareAll's result), so they are not computed again */
  observed?: readonly Float64Array[];
  n: number;
  method: BaseMethod;
  permutations: number;
  seed: number;
  threads: number;
  onProgress?: Progress;
  /** at most this many RDMs in memory at once (pairs are then tested in blocks; the p-values do not change) */
  maxRdms?: number;
}

export interface MantelFamilyResult {
  /** per layer, K × K row-major: observed statistic, raw p, and p corrected over pairs × layers (max statistic) */
  statistic: Float64Array[];
  p: Float64Array[];
  pCorrected: Float64Array[];
  permutations: number;
  exact: boolean;
}

export interface BootstrapRequest {
  /** the K condensed RDMs of one layer */
  rdms: readonly Float64Array[];
  n: number;
  method: CompareMethod;
  samples: number;
  seed: number;
  threads: number;
  onProgress?: Progress;
}

export interface BootstrapResult {
  /** 95 % interval (two-factor: stimuli and instances) */
  lo: number;
  hi: number;
  interval: 'percentile' | 'bca';
  /** what was resampled */
  over: 'both' | 'stimuli' | 'instances';
}

export interface ZooDifferenceRequest {
  /** per layer, the K_a and K_b condensed RDMs of the two zoos (the same count of layers) */
  a: LayerRdms;
  b: LayerRdms;
  n: number;
  method: CompareMethod;
  permutations: number;
  seed: number;
  threads: number;
  onProgress?: Progress;
}

export interface ZooDifferenceResult {
  /** per layer: mean consistency of a minus that of b, raw p (two-sided) and max-statistic corrected over layers */
  difference: number[];
  p: number[];
  pCorrected: number[];
  permutations: number;
}

export interface StatsEngine {
  mantelFamily(req: MantelFamilyRequest): Promise<MantelFamilyResult>;
  bootstrapMean(req: BootstrapRequest): Promise<BootstrapResult>;
  zooDifference(req: ZooDifferenceRequest): Promise<ZooDifferenceResult>;
}

export interface MdsEngine {
  /**
   * The k largest eigenvalues (descending) of classical MDS's −½·J·D²·J and their unit
   * eigenvectors, from a condensed distance vector (NaN/±inf distances count as the mean
   * finite squared distance, as mds.ts's doubleCentre).
   */
  topEigen(condensed: Float64Array, n: number, k: number, threads: number): Promise<{ values: number[]; vectors: Float64Array[] }>;
}

export interface AnalysisEngines {
  rdm: RdmEngine;
  compare: CompareEngine;
  stats: StatsEngine;
  /** Optional, for speed: MDS of single RDMs (stimulus maps) without n × n matrices in JavaScript. */
  mds?: MdsEngine;
  /** names and versions of what does the work, for results.json */
  describe(): Record<string, string>;
}
