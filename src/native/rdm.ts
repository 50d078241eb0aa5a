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
export async function computeRdm(acts: Float32Array | Float64Array, n: number, d: number,
  options: RdmNativeOptions = {}): Promise<RdmNativeResult> {
  const metric = options.metric ?? 'correlation';
  // correlation and cosine distances do not change when a row is multiplied by
  // a positive number: features so large (or small) that their squares leave
  // float64's range are scaled by a power of two first (exactly)
  const input = metric === 'correlation' || metric === 'cosine' ? scaledRows(acts, n, d) : acts;
  const r = await withJsStack(() => loadAddon().computeRdm(input, n, d, options));
  // the native test flags a row whose squared norm is not finite; with finite
  // features that is an overflow (euclidean metrics), not a non-finite value
  r.nanReasons = r.nanReasons.map((reason, k) =>
    reason === 'non-finite' && rowIsFinite(acts, r.nanStimuli[k]!, d) ? 'overflow' : reason);
  return r;
}

function rowIsFinite(x: Float32Array | Float64Array, row: number, d: number): boolean {
  for (let k = row * d; k < (row + 1) * d; k++) if (!Number.isFinite(x[k]!)) return false;
  return true;
}

/** Rows whose largest finite magnitude is outside [2^-400, 2^400] scaled by a power of two into [1, 2); `x` itself when none is. */
function scaledRows(x: Float32Array | Float64Array, n: number, d: number): Float32Array | Float64Array {
  let out: Float64Array | undefined;
  for (let i = 0; i < n; i++) {
    let max = 0;
    for (let k = i * d; k < (i + 1) * d; k++) {
      const a = Math.abs(x[k]!);
      if (a > max && a !== Infinity) max = a;
    }
    if (max === 0 || (max >= 2 ** -400 && max <= 2 ** 400)) continue;
    out ??= Float64Array.from(x);
    const e = Math.floor(Math.log2(max));
    const f1 = 2 ** -Math.trunc(e / 2);
    const f2 = 2 ** -(e - Math.trunc(e / 2));
    for (let k = i * d; k < (i + 1) * d; k++) out[k] = (x[k]! * f1) * f2;
  }
  return out ?? x;
}

/** fp32 FMA peak of this machine in GFLOP/s (register-only loop on all threads). */
export function peakFlops(seconds = 0.5, threads = 0): Promise<PeakNativeResult> {
  return withJsStack(() => loadAddon().peakFlops(seconds, threads));
}
