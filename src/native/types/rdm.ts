/** The RDM and peak-FLOPS part of the native addon (native/binding/rdm_binding.cc). */
import type { ProgressCallback } from './core.js';

export type RdmMetric = 'correlation' | 'cosine' | 'euclidean' | 'sqeuclidean';
export const RDM_METRICS: readonly RdmMetric[] = ['correlation', 'cosine', 'euclidean', 'sqeuclidean'];

/**
 * Why a stimulus's distances are NaN: 'non-finite' (a NaN or ±Inf feature),
 * 'overflow' (finite features whose squares overflow float64, |x| ≳ 1e154,
 * for the euclidean metrics), 'zero-variance' (correlation), 'zero-norm' (cosine).
 */
export type NanReason = 'non-finite' | 'overflow' | 'zero-variance' | 'zero-norm';

export interface RdmNativeOptions {
  /** default 'correlation' */
  metric?: RdmMetric;
  /** sqeuclidean / D (euclidean: its square root); ignored by correlation and cosine */
  perFeature?: boolean;
  /** default 'float64' */
  outDtype?: 'float32' | 'float64';
  /** upper triangle row-major (i < j), length n(n−1)/2; default N × N */
  condensed?: boolean;
  /** 0 or undefined = all cores */
  threads?: number;
  onProgress?: ProgressCallback;
}

export interface RdmNativeResult {
  /** N × N row-major (zero diagonal, symmetric) or condensed */
  rdm: Float32Array | Float64Array;
  /** stimuli (0-based, ascending) whose distances are NaN */
  nanStimuli: number[];
  /** why, for each entry of nanStimuli */
  nanReasons: NanReason[];
  /** micro-kernel set used: 'avx512' | 'avx2' | 'portable' */
  kernel: string;
}

export interface PeakNativeResult {
  /** fp32 GFLOP/s over all threads (an FMA counts 2 flops) */
  gflops: number;
  /** GFLOP per second of CPU time one thread got: the per-core limit, robust to a shared machine */
  gflopsPerCpuSecond: number;
  threads: number;
  isa: string;
}

export interface RdmAddon {
  /** acts: n × d row-major activations (n ≥ 2, d ≥ 1). */
  computeRdm(acts: Float32Array | Float64Array, n: number, d: number, options?: RdmNativeOptions): Promise<RdmNativeResult>;
  /** Register-only FMA loop on `threads` threads (0 = all) for about `seconds`. */
  peakFlops(seconds: number, threads?: number): Promise<PeakNativeResult>;
}
