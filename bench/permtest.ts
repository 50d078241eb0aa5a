/**
 * `seedscope bench permtest`: time of the native Mantel test on random RDMs
 * (one pair, or all pairs of K), without file I/O. Data generation is not timed.
 *   seedscope bench permtest --n 1000 --permutations 10000 --json
 *   seedscope bench permtest --n 1000 --k 10 --all-pairs --permutations 1000 --json
 */
import type { Command } from 'commander';
import { UserError } from '../src/errors.js';
import { loadAddon } from '../src/native/addon.js';
import { mantelTest, type PairMethod } from '../src/native/stats.js';
import { printJson } from '../src/cli/output.js';
import { parseIntArg, parseMethod } from '../src/cli/statsOptions.js';
import { SeededRandom } from './benchRandom.js';

interface BenchPermtestOptions {
  n?: string;
  k?: string;
  permutations?: string;
  method?: string;
  threads?: string;
  allPairs?: boolean;
  json?: boolean;
}

/** Condensed RDMs with a shared component, so the statistics are not all ≈ 0. */
function randomRdms(n: number, k: number, seed: number): Float64Array[] {
  const rng = new SeededRandom(seed);
  const m = (n * (n - 1)) / 2;
  const shared = new Float64Array(m).map(() => rng.next());
  return Array.from({ length: k }, () => shared.map((v) => v + rng.next()));
}

export interface BenchPermtestParams {
  n: number;
  k: number;
  permutations: number;
  method: PairMethod;
  threads: number;
  allPairs: boolean;
}

/** Times one Mantel test (or all pairs of K) on random RDMs; also used by the whole-suite `seedscope bench`. */
export async function benchPermtest(p: BenchPermtestParams): Promise<Record<string, unknown>> {
  const rdms = randomRdms(p.n, p.k, 1);
  const started = process.hrtime.bigint();
  const r = await mantelTest(rdms, p.n, { method: p.method, permutations: p.permutations, seed: 0, threads: p.threads, allPairs: p.allPairs });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const info = loadAddon().buildInfo();
  return {
    op: 'permtest', n: p.n, k: p.k, pairs: (p.k * (p.k - 1)) / 2, method: p.method, permutations: r.permutations, exact: r.exact,
    engine: r.path, screened: r.screened, threads: p.threads || info.threads, isa: info.isa, seconds,
    permutations_per_second: r.permutations / seconds,
  };
}

export function registerBenchPermtest(bench: Command): void {
  bench
    .command('permtest')
    .description('Mantel permutation test on random RDMs: one pair, or all pairs of K with --all-pairs')
    .option('--n <N>', 'stimuli (default 1000)')
    .option('--k <K>', 'RDMs with --all-pairs (default 10)')
    .option('--permutations <P>', 'permutations (default 10000)')
    .option('--method <name>', 'pearson|r2|spearman|rho-a|tau-a|cosine (default pearson)')
    .option('--threads <T>', 'threads (0 = all cores)')
    .option('--all-pairs', 'all pairs of K RDMs')
    .option('--json', 'print one JSON document')
    .action(async (opts: BenchPermtestOptions) => {
      const n = parseIntArg('--n', opts.n, 1000, 3, 20000);
      const k = opts.allPairs ? parseIntArg('--k', opts.k, 10, 2, 1000) : 2;
      if (!opts.allPairs && opts.k !== undefined) throw new UserError('--k needs --all-pairs', 2);
      const permutations = parseIntArg('--permutations', opts.permutations, 10000, 1, 1e9);
      const method = parseMethod(opts.method, 'pearson');
      const threads = parseIntArg('--threads', opts.threads, 0, 0, 1024);
      const result = await benchPermtest({ n, k, permutations, method, threads, allPairs: Boolean(opts.allPairs) });
      if (opts.json) printJson(result);
      else process.stdout.write(`permtest n=${n} k=${k} ${method}: ${String(result.permutations)} permutations in ${(result.seconds as number).toFixed(3)} s (${String(result.engine)}, ${String(result.isa)}, ${String(result.threads)} threads)\n`);
    });
}
