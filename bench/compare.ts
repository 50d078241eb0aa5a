/**
 * `seedscope bench compare --n 1000 --k 10 --method spearman [--repeat 3] [--threads T] [--json]`:
 * time the K × K comparison of K random condensed RDMs of N stimuli
 * (N(N−1)/2 entries each), all K(K−1)/2 pairs in one call.
 */
import type { Command } from 'commander';
import { performance } from 'node:perf_hooks';
import { loadAddon } from '../src/native/addon.js';
import { compareMethods, compareRdms, type CompareMethod } from '../src/native/compare.js';
import { printJson } from '../src/cli/output.js';
import { choiceOption, intOption, threadsOption } from '../src/cli/parsers.js';
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

export function registerBenchCompare(bench: Command): void {
  bench
    .command('compare')
    .description('K × K comparison of K random condensed RDMs of N stimuli (all pairs)')
    .option('--n <N>', 'stimuli per RDM', intOption(2, 100_000), 1000)
    .option('--k <K>', 'number of RDMs', intOption(2, 10_000), 10)
    .option('--method <M>', `comparison: ${compareMethods.join('|')}`, choiceOption(compareMethods), 'spearman')
    .option('--repeat <R>', 'timed repetitions', intOption(1, 1000), 3)
    .option('--threads <T>', 'threads (0 = all cores)', threadsOption, 0)
    .option('--json', 'print one JSON document')
    .action(async (o: { n: number; k: number; method: CompareMethod; repeat: number; threads: number; json?: boolean }) => {
      const r = await benchCompare(o);
      if (o.json) printJson(r);
      else {
        process.stdout.write(`compare ${r.method}: K = ${r.k} RDMs of N = ${r.n} (${r.pairs} pairs, ${r.threads} threads): ` +
          `min ${r.seconds_min.toFixed(3)} s, median ${r.seconds_median.toFixed(3)} s\n`);
      }
    });
}
