/**
 * The whole native addon as one TypeScript type. Each part lives in
 * types/<area>.ts beside this file; only src/native/ imports the addon.
 */
import type { CoreAddon } from './types/core.js';
import type { StatsAddon } from './types/stats.js';

export type { BuildInfo, ProgressCallback } from './types/core.js';

export type Addon = CoreAddon & StatsAddon;
