/** Typed wrappers of the native statistics engine. */
import { loadAddon, withJsStack } from './addon.js';
import { scaledForComparison } from './scaleRdms.js';
import type {
  BootstrapNativeOptions, BootstrapNativeResult, MantelNativeOptions, MantelNativeResult, ZooNativeResult,
} from './types/stats.js';
import type { CompareMethod } from './types/compare.js';
import type { ProgressCallback } from './types/core.js';

export type {
  BootstrapNativeOptions, BootstrapNativeResult, MantelNativeOptions, MantelNativeResult, ZooNativeResult,
} from './types/stats.js';

export function mantelTest(rdms: Float64Array[], n: number, options: MantelNativeOptions): Promise<MantelNativeResult> {
  return withJsStack(() => loadAddon().mantelTest(rdms.map(scaledForComparison), n, options));
}

export function bootstrapConsistency(rdms: Float64Array[], n: number, options: BootstrapNativeOptions): Promise<BootstrapNativeResult> {
  return withJsStack(() => loadAddon().bootstrapConsistency(rdms.map(scaledForComparison), n, options));
}

/** K×K matrix (row-major, NaN diagonal) of the statistic between every pair of RDMs. */
export function pairwiseConsistency(rdms: Float64Array[], n: number,
  options: { method?: CompareMethod; threads?: number; onProgress?: ProgressCallback } = {}): Promise<Float64Array> {
  return withJsStack(() => loadAddon().pairwiseConsistency(rdms.map(scaledForComparison), n, options));
}

export function zooPermutationTest(pairwise: Float64Array[], ka: number, kb: number,
  options: { permutations: number; seed?: number; onProgress?: ProgressCallback }): Promise<ZooNativeResult> {
  return withJsStack(() => loadAddon().zooPermutationTest(pairwise, ka, kb, options));
}
