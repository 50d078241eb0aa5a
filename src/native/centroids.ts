/**
 * Typed wrapper of the native class centroids (the same arithmetic as
 * src/analysis/classStructure.ts, on all cores, for activations of
 * thousands of features per stimulus).
 */
import { loadAddon, withJsStack } from './addon.js';

export function nativeClassCentroids(data: Float32Array, n: number, d: number, rowOf: Int32Array, invCount: Float64Array,
  options: { subtract?: boolean; threads?: number } = {}): Promise<Float32Array> {
  return withJsStack(() => loadAddon().classCentroids(data, n, d, rowOf, invCount, options));
}
