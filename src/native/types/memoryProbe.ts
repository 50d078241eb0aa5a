/** The memory-speed probe of the native addon (native/binding/memory_probe_binding.cc). */

export interface MemoryProbeNativeOptions {
  /** 0 = all cores */
  threads?: number;
  /** bytes of each of the triad's three float64 arrays (default 48 MiB: far beyond the caches) */
  triadArrayBytes?: number;
  /** side of the gathered n × n float32 matrices (default 1000: a Mantel test at N = 1,000) */
  gatherN?: number;
}

export interface MemoryProbeNativeResult {
  /** a[i] = b[i] + s·c[i]: bytes moved (24 per element) / s / 1e9, all threads */
  triadGbPerSecond: number;
  /** Σ a[i][t]·m[π(i)][π(t)]: elements gathered / s / 1e9, all threads */
  gatherGPerSecond: number;
  triadArrayBytes: number;
  gatherN: number;
  threads: number;
}

export interface MemoryProbeAddon {
  /** The triad for about seconds / 2, then the gather for about seconds / 2. */
  memoryProbe(seconds: number, options?: MemoryProbeNativeOptions): Promise<MemoryProbeNativeResult>;
}
