/**
 * Typed wrapper of the native classical-MDS eigensolver (native/core/mds.h):
 * the top eigenpairs of −½·J·D²·J straight from a condensed RDM, without the
 * two n × n matrices the JavaScript path builds.
 */
import { loadAddon, withJsStack } from './addon.js';
import type { MdsTopEigenNativeResult } from './types/mds.js';

export type { MdsTopEigenNativeResult as MdsTopEigenResult } from './types/mds.js';

export function mdsTopEigen(condensed: Float64Array, n: number, options: { k?: number; maxSteps?: number; threads?: number } = {}): Promise<MdsTopEigenNativeResult> {
  return withJsStack(() => loadAddon().mdsTopEigen(condensed, n, options));
}
