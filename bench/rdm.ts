/**
 * `seedscope bench rdm`: time computeRdm on random activations (generated
 * before timing) and report gflops = N·N·D / seconds_min / 1e9 — the flops a
 * symmetric product needs (N²/2·D FMAs of 2 flops) — beside the machine's own
 * fp32 FMA peak measured in the same run, so fraction_of_peak reads directly.
 */
import { loadAddon } from '../src/native/addon.js';
import { computeRdm, peakFlops, type RdmMetric } from '../src/native/rdm.js';

export interface BenchRdmResult {
  op: 'rdm';
  n: number;
  d: number;
  metric: RdmMetric;
  dtype: 'float32' | 'float64';
  threads: number;
  isa: string;
  repeat: number;
  seconds_min: number;
  seconds_median: number;
  /** CPU seconds of the process for the fastest-CPU run (user + system, all threads) */
  cpu_seconds_min: number;
  gflops: number;
  peak_gflops: number | null;
  fraction_of_peak: number | null;
  /** N·N·D / cpu_seconds_min / 1e9: the rate per second of CPU time the process got */
  gflops_per_cpu_second: number;
  /** the FMA peak per second of CPU time of one core */
  peak_gflops_per_cpu_second: number | null;
  /** gflops_per_cpu_second / peak_gflops_per_cpu_second: efficiency that other processes on a shared machine do not distort */
  cpu_fraction_of_peak: number | null;
}

/** Deterministic pseudo-random activations in [-1, 1) plus a per-row offset (xorshift32). */
export function randomActivations(n: number, d: number, dtype: 'float32' | 'float64', seed = 12345): Float32Array | Float64Array {
  const a = dtype === 'float32' ? new Float32Array(n * d) : new Float64Array(n * d);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    const offset = (i % 7) * 0.1;
    const base = i * d;
    for (let k = 0; k < d; k++) {
      s ^= s << 13; s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5; s >>>= 0;
      a[base + k] = s / 2147483648 - 1 + offset;
    }
  }
  return a;
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function benchRdm(opts: { n: number; d: number; metric: RdmMetric; dtype: 'float32' | 'float64'; repeat: number; threads: number; warmup: number; peakSeconds: number }): Promise<BenchRdmResult> {
  const acts = randomActivations(opts.n, opts.d, opts.dtype);
  // The peak is measured before and after the runs and the larger kept, so a
  // moment of contention on a shared machine does not understate it.
  const peaks = [];
  if (opts.peakSeconds > 0) peaks.push(await peakFlops(opts.peakSeconds / 2, opts.threads));
  const run = () => computeRdm(acts, opts.n, opts.d, { metric: opts.metric, threads: opts.threads });
  for (let i = 0; i < opts.warmup; i++) await run();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < opts.repeat; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    times.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  const info = loadAddon().buildInfo();
  const threads = opts.threads > 0 ? opts.threads : info.threads;
  const secondsMin = Math.min(...times);
  const gflops = (opts.n * opts.n * opts.d) / secondsMin / 1e9;
  if (opts.peakSeconds > 0) peaks.push(await peakFlops(opts.peakSeconds / 2, opts.threads));
  const peak = peaks.length ? Math.max(...peaks.map((p) => p.gflops)) : null;
  const peakCpu = peaks.length ? Math.max(...peaks.map((p) => p.gflopsPerCpuSecond)) : null;
  const cpuMin = Math.min(...cpu);
  const perCpu = (opts.n * opts.n * opts.d) / cpuMin / 1e9;
  return {
    op: 'rdm', n: opts.n, d: opts.d, metric: opts.metric, dtype: opts.dtype, threads, isa: info.isa,
    repeat: opts.repeat, seconds_min: secondsMin, seconds_median: median(times),
    cpu_seconds_min: cpuMin, gflops,
    peak_gflops: peak, fraction_of_peak: peak ? gflops / peak : null,
    gflops_per_cpu_second: perCpu, peak_gflops_per_cpu_second: peakCpu,
    cpu_fraction_of_peak: peakCpu ? perCpu / peakCpu : null,
  };
}
