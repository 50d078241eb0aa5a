/**
 * Typed wrapper of the native block Gram accumulation (gram_upper_shifted of
 * native/core/gram.h in float64), for products whose columns are streamed.
 */
import { loadAddon, withJsStack } from './addon.js';

export function gramAccumulate(data: Float64Array, rows: number, cols: number, shift: Float64Array, gram: Float64Array,
  rowSums: Float64Array, options: { threads?: number } = {}): Promise<void> {
  return withJsStack(() => loadAddon().gramAccumulate(data, rows, cols, shift, gram, rowSums, options));
}
