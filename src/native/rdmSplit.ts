/**
 * Typed wrapper of the native split RDMs: from one layer's activations and
 * the stimulus labels, the full RDM, the RDM of the class centroids and the
 * RDM with each stimulus's class centroid removed, from one Gram product
 * (native/core/rdm_split.h).
 */
import { loadAddon, withJsStack } from './addon.js';
import type { RdmSplitNativeOptions, RdmSplitNativeResult } from './types/rdmSplit.js';

export type { RdmSplitNativeOptions as RdmSplitOptions, RdmSplitNativeResult as RdmSplitResult, RdmSplitPart } from './types/rdmSplit.js';

/**
 * The three condensed float64 RDMs (docs/definitions.md, "Centroid and exemplar analysis") of
 * n stimuli × d features: `full`, `centroids` (classes present, ascending id) and `removed`.
 * Metrics and NaN rules as computeRdm's. `acts` is left unchanged.
 */
export function computeRdmSplit(acts: Float32Array | Float64Array, n: number, d: number, labels: Int32Array,
  options: RdmSplitNativeOptions = {}): Promise<RdmSplitNativeResult> {
  return withJsStack(() => loadAddon().computeRdmSplit(acts, n, d, labels, options));
}
