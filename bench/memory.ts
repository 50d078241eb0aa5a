/**
 * `seedscope bench memory`: the machine's memory speed from the native probe
 * (native/core/memory_probe.h): the streaming triad's GB/s, the limit of
 * kernels that stream long vectors, and the permuted-gather rate, the limit
 * of the Mantel and bootstrap engines. The suite normalises its memory-bound
 * figures by these (docs/ci.md).
 */
import { memoryProbe } from '../src/native/memoryProbe.js';

export interface BenchMemoryResult {
  op: 'memory';
  threads: number;
  seconds: number;
  /** a[i] = b[i] + s·c[i] over three float64 arrays of triad_array_bytes each: GB/s moved (24 bytes per element) */
  triad_gb_per_s: number;
  triad_array_bytes: number;
  /** Σ a[i][t]·m[π(i)][π(t)] over two gather_n × gather_n float32 matrices: 1e9 elements gathered per second */
  gather_g_per_s: number;
  gather_n: number;
}

export async function benchMemory(o: { seconds: number; threads: number }): Promise<BenchMemoryResult> {
  const r = await memoryProbe(o.seconds, { threads: o.threads });
  return {
    op: 'memory', threads: r.threads, seconds: o.seconds,
    triad_gb_per_s: r.triadGbPerSecond, triad_array_bytes: r.triadArrayBytes,
    gather_g_per_s: r.gatherGPerSecond, gather_n: r.gatherN,
  };
}
