/**
 * `seedscope bench peak`: the machine's fp32 FMA peak from a register-only
 * loop on all threads with the instruction set the kernels use. A symmetric
 * product needs N·N·D flops (N²/2·D FMAs), so `bench rdm`'s gflops divided by
 * this peak is the fraction of the machine's limit it reaches.
 */
import { peakFlops } from '../src/native/rdm.js';

export interface BenchPeakResult {
  op: 'peak';
  threads: number;
  isa: string;
  seconds: number;
  gflops: number;
  /** per second of CPU time one core got: robust when other processes share the cores */
  gflops_per_cpu_second: number;
  /** N·N·D-equivalent: the N·N·D a symmetric RDM product could do per second at peak (× 1e9) */
  nnd_per_second_1e9: number;
}

export async function benchPeak(o: { seconds: number; threads: number }): Promise<BenchPeakResult> {
  const p = await peakFlops(o.seconds, o.threads);
  return {
    op: 'peak', threads: p.threads, isa: p.isa, seconds: o.seconds, gflops: p.gflops,
    gflops_per_cpu_second: p.gflopsPerCpuSecond, nnd_per_second_1e9: p.gflops,
  };
}
