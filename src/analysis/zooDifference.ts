/**
 * Two zoos (e.g. without and with dropout): per shared layer, the difference
 * in mean pairwise consistency and its instance-permutation p, corrected
 * over layers by the max statistic.
 */
import type { AnalysisEngines } from './engines.js';
import { PhaseTimer } from './phases.js';
import { readLayer, type RdmSet } from './rdmSet.js';
import type { AnalysisOptions, ZooAnalysis, ZooDifferenceLayer } from './types.js';

export interface ZooDifference {
  zoos: [string, string];
  method: string;
  permutations: number;
  correction: string;
  layers: ZooDifferenceLayer[];
  /** layers present in only one of the zoos */
  unmatched: string[];
}

export async function analyseZooDifference(a: { result: ZooAnalysis; rdmSet: RdmSet }, b: { result: ZooAnalysis; rdmSet: RdmSet },
  opts: AnalysisOptions, engines: AnalysisEngines): Promise<ZooDifference | null> {
  const namesA = a.rdmSet.layers.map((l) => l.name);
  const namesB = b.rdmSet.layers.map((l) => l.name);
  const shared = namesA.filter((l) => namesB.includes(l));
  const unmatched = [...namesA, ...namesB].filter((l) => !shared.includes(l));
  if (shared.length === 0 || a.rdmSet.instances.length < 2 || b.rdmSet.instances.length < 2 || opts.permutations <= 0) return null;
  const method = opts.compare === 'pearson' ? 'r2' : opts.compare;
  const timer = opts.timer ?? new PhaseTimer();
  const res = await engines.stats.zooDifference({
    a: { count: shared.length, load: (i) => readLayer(a.rdmSet, namesA.indexOf(shared[i]!)) },
    b: { count: shared.length, load: (i) => readLayer(b.rdmSet, namesB.indexOf(shared[i]!)) },
    n: a.rdmSet.n,
    method,
    permutations: opts.permutations,
    seed: opts.seed,
    threads: opts.threads,
    onProgress: timer.reporter('zoo_difference'),
  });
  timer.finish('zoo_difference');
  const meanOf = (z: ZooAnalysis, name: string): number => z.layers.find((l) => l.name === name)?.consistency.mean_r2 ?? NaN;
  return {
    zoos: [a.result.name, b.result.name],
    method: `mean ${method}, instances permuted between the zoos`,
    permutations: res.permutations,
    correction: 'max-statistic over layers',
    layers: shared.map((name, i) => ({
      name,
      mean_r2_a: meanOf(a.result, name),
      mean_r2_b: meanOf(b.result, name),
      difference: res.difference[i]!,
      p: res.p[i]!,
      p_corrected: res.pCorrected[i]!,
    })),
    unmatched,
  };
}
