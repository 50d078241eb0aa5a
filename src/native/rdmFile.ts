/**
 * Typed wrapper of the out-of-core RDM: the RDM (and with labels the
 * class-centroid and centroid-removed RDMs) of activations spilled to a raw
 * float32 file, read in segments of rows (native/core/rdm_out_of_core.h).
 */
import { loadAddon, withJsStack } from './addon.js';
import type { RdmFileNativeOptions, RdmFileNativeResult } from './types/rdmFile.js';

export type { RdmFileNativeOptions as RdmFileOptions, RdmFileNativeResult as RdmFileResult } from './types/rdmFile.js';

/**
 * Condensed float64 RDMs of the n × d float32 rows in `path`. `full` equals computeRdm of the
 * same rows bit for bit; `centroids`/`removed` equal computeRdm of the class centroids and of
 * the rows minus their centroid (the direct route; computeRdmSplit is within 1e-6 of it).
 */
export function computeRdmFromFile(path: string, n: number, d: number, options: RdmFileNativeOptions = {}): Promise<RdmFileNativeResult> {
  return withJsStack(() => loadAddon().computeRdmFromFile(path, n, d, options));
}
