/**
 * The engines the product uses: RDMs and comparisons from the native core
 * (src/native), statistics from src/stats.
 * TEMPORARY (until the native RDM, comparison and statistics modules are on
 * main): delegates to the TypeScript reference engines.
 */
import type { AnalysisEngines } from './engines.js';
import { referenceEngines } from './referenceEngines.js';

export function nativeEngines(): AnalysisEngines {
  return referenceEngines();
}
