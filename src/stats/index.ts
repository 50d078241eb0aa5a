/**
 * The statistics layer (docs/definitions.md: "Mantel test", "Bootstrap",
 * "Corrections for multiple comparisons", "Zoo difference test"): what
 * `seedscope run` and the commands call. Everything random is keyed by
 * (seed, stream, index), so results do not depend on threads and the seed is
 * echoed in every result.
 *
 * - permtestPair(a, b, n, opts)         one Mantel test (RDM b's stimulus labels permuted)
 * - permtestFamily(layers, opts)        all pairs × layers from one set of permutations,
 *                                       raw p and max-statistic p over the whole family
 * - correctFamily(family, 'holm'|'bh')  Holm / Benjamini–Hochberg over the same family
 * - holm(p), benjaminiHochberg(p)       for any list of p-values
 * - bootstrapConsistency(rdms, n, opts) mean pairwise consistency with a percentile/BCa
 *                                       interval, resampling stimuli, instances or both
 * - compareZoos(layers, opts)           zoo A vs zoo B per layer: difference of mean
 *                                       consistency, two-sided p, max-statistic p over layers
 */
export { permtestPair, permtestFamily, correctFamily } from './permtest.js';
export type { PermtestOptions, PairPermtest, FamilyLayer, FamilyPermtest, LayerPermtest } from './permtest.js';
export { holm, benjaminiHochberg, maxStatistic, pFromCount, TIE_TOLERANCE, CORRECTIONS } from './corrections.js';
export type { Correction } from './corrections.js';
export { bootstrapConsistency, RESAMPLE_OVER } from './bootstrap.js';
export type { BootstrapOptions, BootstrapSummary, ResampleOver } from './bootstrap.js';
export { compareZoos } from './zoo.js';
export type { ZooLayer, ZooOptions, ZooComparison, ZooLayerResult } from './zoo.js';
export { percentileInterval, bcaInterval, jackknifeAcceleration } from './intervals.js';
export type { Interval } from './intervals.js';
