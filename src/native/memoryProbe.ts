/**
 * memoryProbe: the machine's memory speed (streaming triad, permuted gather),
 * the memory-bound companion of peakFlops, for benchmarks that report their
 * figures relative to the machine that ran them.
 */
import { loadAddon, withJsStack } from './addon.js';
import type { MemoryProbeNativeOptions, MemoryProbeNativeResult } from './types/memoryProbe.js';

export type { MemoryProbeNativeOptions as MemoryProbeOptions, MemoryProbeNativeResult as MemoryProbeResult } from './types/memoryProbe.js';

export function memoryProbe(seconds = 0.5, options: MemoryProbeNativeOptions = {}): Promise<MemoryProbeNativeResult> {
  return withJsStack(() => loadAddon().memoryProbe(seconds, options));
}
