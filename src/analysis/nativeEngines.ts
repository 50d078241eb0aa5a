/**
 * The engines the product uses: RDMs and comparisons from the native core
 * (src/native), statistics from src/stats.
 * TEMPORARY (until the native RDM and statistics modules are on main): the
 * RDM and statistics parts delegate to the TypeScript reference engines.
 */
import { compareRdms } from '../native/compare.js';
import type { AnalysisEngines, CompareEngine } from './engines.js';
import { referenceEngines } from './referenceEngines.js';

const compare: CompareEngine = {
  compareAll: (vectors, method, threads) => compareRdms(vectors, method, { threads }),
};

export function nativeEngines(): AnalysisEngines {
  const ref = referenceEngines();
  return {
    rdm: ref.rdm,
    compare,
    stats: ref.stats,
    describe: () => ({ rdm_engine: 'TypeScript reference', compare_engine: 'native', stats_engine: 'TypeScript reference' }),
  };
}
