/** The statistics engine of the addon (native/binding/mantel_binding.cc, bootstrap_binding.cc). */
import type { ProgressCallback } from './core.js';

/** RDM comparison statistics (docs/definitions.md, "RDM comparisons"); cka is not a condensed-vector statistic. */
export type PairMethod = 'pearson' | 'r2' | 'spearman' | 'rho-a' | 'tau-a' | 'cosine';

export interface MantelNativeOptions {
  method?: PairMethod;
  permutations: number;
  /** integer in [0, 2^53 − 1] */
  seed?: number;
  /** 0 or absent: all cores */
  threads?: number;
  /** all pairs of the K RDMs; otherwise exactly 2 RDMs */
  allPairs?: boolean;
  /** return the per-permutation maximum over the tested pairs */
  keepNullMax?: boolean;
  /**
   * With keepNullMax: maxima below this floor need not be exact (a family passes its
   * smallest observed statistic); such a permutation may stop early and report an upper
   * bound below min(floor, observed) − 1e-9 instead. Absent: every maximum is exact.
   */
  nullFloor?: number;
  onProgress?: ProgressCallback;
}

export interface MantelNativeResult {
  /** K×K, symmetric; NaN on the diagonal and for untested pairs */
  statistic: Float64Array;
  /** K×K: permutations whose statistic is ≥ observed − 1e-9 */
  count: Float64Array;
  /** P, or N! when exact */
  permutations: number;
  exact: boolean;
  /** which engine ran: 'dot' | 'tau-a' | 'generic' */
  path: string;
  /** permutations the dot engine's byte screen proved below the threshold (the rest ran exactly) */
  screened: number;
  nullMax?: Float64Array;
}

export interface BootstrapNativeOptions {
  method?: PairMethod;
  over: 'stimuli' | 'instances' | 'both';
  samples: number;
  seed?: number;
  threads?: number;
  /** compute jackknife values (for BCa) */
  jackknife?: boolean;
  /** groups of the delete-a-group stimulus jackknife (default 50) */
  jackknifeGroups?: number;
  onProgress?: ProgressCallback;
}

export interface BootstrapNativeResult {
  estimate: number;
  pairwise: Float64Array;
  replicates: Float64Array;
  jackknifeStimuli: Float64Array;
  jackknifeInstances: Float64Array;
}

export interface ZooNativeResult {
  difference: Float64Array;
  count: Float64Array;
  countMax: Float64Array;
  permutations: number;
  exact: boolean;
}

export interface StatsAddon {
  mantelTest(rdms: Float64Array[], n: number, options: MantelNativeOptions): Promise<MantelNativeResult>;
  /**
   * For tests: the one-pair Mantel screen alone on condensed float32 residuals a (fixed) and
   * b (permuted), for P permutations back to back; bounds[p] is its upper bound of
   * Σ_{i<j} a(i,j)·b(π i, π j), returned early once below `stop` (−Infinity: never).
   */
  mantelScreenCheck(a: Float32Array, b: Float32Array, n: number, perms: Int32Array, stop: number):
    Promise<{ available: boolean; bounds: Float64Array }>;
  bootstrapConsistency(rdms: Float64Array[], n: number, options: BootstrapNativeOptions): Promise<BootstrapNativeResult>;
  pairwiseConsistency(rdms: Float64Array[], n: number,
    options: { method?: PairMethod; threads?: number; onProgress?: ProgressCallback }): Promise<Float64Array>;
  zooPermutationTest(pairwise: Float64Array[], ka: number, kb: number,
    options: { permutations: number; seed?: number; onProgress?: ProgressCallback }): Promise<ZooNativeResult>;
}
