/**
 * `seedscope bench compare --n 1000 --k 10 --method spearman [--repeat 3] [--threads T] [--json]`:
 * time the K × K comparison of K random condensed RDMs of N stimuli
 * (N(N−1)/2 entries each), all K(K−1)/2 pairs in one call.
 */
import { performance } from 'node:perf_hooks';
import { loadAddon } from '../src/native/addon.js';
import { compareRdms, type CompareMethod } from '../src/native/compare.js';
import { SeededRandom } from './benchRandom.js';

export interface BenchCompareResult {
  op: 'compare';
  n: number;
  k: number;
  method: CompareMethod;
  pairs: number;
  threads: number;
  seconds_min: number;
  seconds_median: number;
}

/** K RDM-like vectors that share a common part, so the pairs are correlated (as a zoo's are). */
function randomRdms(n: number, k: number, seed: number): Float64Array[] {
  const len = (n * (n - 1)) / 2;
  const rng = new SeededRandom(seed);
  const common = new Float64Array(len);
  for (let i = 0; i < len; i++) common[i] = rng.next();
  return Array.from({ length: k }, () => {
    const v = new Float64Array(len);
    for (let i = 0; i < len; i++) v[i] = 1 + 0.3 * common[i]! + 0.2 * rng.next();
    return v;
  });
}

export async function benchCompare(opts: { n: number; k: number; method: CompareMethod; repeat: number; threads: number }): Promise<BenchCompareResult> {
  const rdms = randomRdms(opts.n, opts.k, 12345);
  const times: number[] = [];
  await compareRdms(rdms.slice(0, 2), opts.method, { threads: opts.threads }); // warm-up
  for (let r = 0; r < opts.repeat; r++) {
    const t0 = performance.now();
    await compareRdms(rdms, opts.method, { threads: opts.threads });
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return {
    op: 'compare',
    n: opts.n,
    k: opts.k,
    method: opts.method,
    pairs: (opts.k * (opts.k - 1)) / 2,
    threads: opts.threads > 0 ? opts.threads : loadAddon().buildInfo().threads,
    seconds_min: times[0]!,
    seconds_median: times[Math.floor((times.length - 1) / 2)]!,
  };
}
