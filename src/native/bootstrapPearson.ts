/**
 * Typed wrapper of the fast two-factor bootstrap for Pearson r / r²: the same
 * resamples as stats' bootstrapConsistency (same counter-based streams), with
 * the weighted sums of all samples computed as one blocked product instead of
 * one resampled copy of every RDM per sample.
 */
import { loadAddon, withJsStack } from './addon.js';
import { scaledForComparison } from './scaleRdms.js';
import type { BootstrapPearsonNativeOptions } from './types/bootstrapPearson.js';

export type { BootstrapPearsonNativeOptions } from './types/bootstrapPearson.js';

export function bootstrapPearson(rdms: readonly Float64Array[], n: number, options: BootstrapPearsonNativeOptions): Promise<Float64Array> {
  return withJsStack(() => loadAddon().bootstrapPearson(rdms.map(scaledForComparison), n, options));
}
