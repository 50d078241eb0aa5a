/**
 * The whole native addon as one TypeScript type. Each part lives in
 * types/<area>.ts beside this file; only src/native/ imports the addon.
 */
import type { CoreAddon } from './types/core.js';
import type { CompareAddon } from './types/compare.js';
import type { RdmAddon } from './types/rdm.js';
import type { StatsAddon } from './types/stats.js';
import type { BootstrapPearsonAddon } from './types/bootstrapPearson.js';
import type { CentroidsAddon } from './types/centroids.js';
import type { RdmSplitAddon } from './types/rdmSplit.js';
import type { GramAddon } from './types/gram.js';
import type { MemoryProbeAddon } from './types/memoryProbe.js';
import type { MdsAddon } from './types/mds.js';
import type { RdmFileAddon } from './types/rdmFile.js';
import type { RdmHeatmapAddon } from './types/rdmHeatmap.js';

export type { BuildInfo, ProgressCallback } from './types/core.js';
export type { RdmMetric, RdmNativeOptions, RdmNativeResult, NanReason, PeakNativeResult } from './types/rdm.js';
export type { RdmSplitNativeOptions, RdmSplitNativeResult, RdmSplitPart } from './types/rdmSplit.js';

export type Addon = CoreAddon & RdmAddon & CompareAddon & StatsAddon & BootstrapPearsonAddon & CentroidsAddon
  & RdmSplitAddon & GramAddon & MemoryProbeAddon & MdsAddon & RdmFileAddon & RdmHeatmapAddon;
