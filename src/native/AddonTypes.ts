/**
 * The whole native addon as one TypeScript type. Each part lives in
 * types/<area>.ts beside this file; only src/native/ imports the addon.
 */
import type { CoreAddon } from './types/core.js';
import type { CompareAddon } from './types/compare.js';

export type { BuildInfo, ProgressCallback } from './types/core.js';

export type Addon = CoreAddon & CompareAddon;
