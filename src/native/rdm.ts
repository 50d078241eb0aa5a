/**
 * Typed wrappers for RDMs: computeRdm (activations → RDM, off the event loop)
 * and peakFlops (the machine's fp32 FMA limit, for benchmarks).
 */
import { loadAddon, withJsStack } from './addon.js';
import type { PeakNativeResult, RdmNativeOptions, RdmNativeResult } from './types/rdm.js';

export { RDM_METRICS } from './types/rdm.js';
export type { RdmMetric, RdmNativeOptions as RdmOptions, RdmNativeResult as RdmResult, NanReason } from './types/rdm.js';

/**
 * RDM of n stimuli × d features (row-major). Metrics as docs/definitions.md,
 * "RDM metrics" defines them; stimuli whose distances are undefined (constant
 * rows for correlation, zero rows for cosine, NaN/Inf anywhere) come back in
 * nanStimuli and their entries are NaN. Default output: float64, square.
 */
export function computeRdm(acts: Float32Array | Float64Array, n: number, d: number,
  options: RdmNativeOptions = {}): Promise<RdmNativeResult> {
  return withJsStack(() => loadAddon().computeRdm(acts, n, d, options));
}

/** fp32 FMA peak of this machine in GFLOP/s (register-only loop on all threads). */
export function peakFlops(seconds = 0.5, threads = 0): Promise<PeakNativeResult> {
  return withJsStack(() => loadAddon().peakFlops(seconds, threads));
}
