/**
 * `seedscope bench permtest`: time of the native Mantel test on random RDMs
 * (one pair, or all pairs of K), without file I/O. Data generation is not timed.
 *   seedscope bench permtest --n 1000 --permutations 10000 --json
 *   seedscope bench permtest --n 1000 --k 10 --all-pairs --permutations 1000 --json
 */
import { loadAddon } from '../src/native/addon.js';
import type { CompareMethod } from '../src/native/compare.js';
import { mantelTest } from '../src/native/stats.js';
import { SeededRandom } from './benchRandom.js';

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
  method: CompareMethod;
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
