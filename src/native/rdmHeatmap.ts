/**
 * Typed wrapper of the native heatmap kernel (native/core/rdm_heatmap.h): the
 * ranking of an RDM's half a million entries and their block means run on a
 * worker thread, so the report's other figures are built meanwhile.
 */
import { loadAddon, withJsStack } from './addon.js';

export function rdmPercentileBlocks(condensed: Float64Array, n: number, order: Int32Array, size: number): Promise<Float64Array> {
  return withJsStack(() => loadAddon().rdmPercentileBlocks(condensed, n, order, size));
}
