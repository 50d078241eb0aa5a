/**
 * Confidence intervals for a layer's mean pairwise consistency by bootstrap
 * over stimuli, instances, or both (see docs/definitions.md, "Bootstrap"). The
 * resampling runs natively; the interval (percentile or BCa) is computed here.
 *
 *   const r = await bootstrapConsistency(rdms, n, { over: 'both', samples: 1000, ci: 'bca', method: 'r2', seed: 0 });
 *   r.estimate, r.ci.lower, r.ci.upper
 */
import { UserError } from '../errors.js';
import { checkMemory } from '../resources.js';
import { bootstrapConsistency as nativeBootstrap } from '../native/stats.js';
import type { CompareMethod } from '../native/compare.js';
import type { ProgressCallback } from '../native/AddonTypes.js';
import { bcaInterval, jackknifeAcceleration, percentileInterval, type Interval } from './intervals.js';
import { checkComparable, checkResampling } from './validate.js';

export type ResampleOver = 'stimuli' | 'instances' | 'both';
export const RESAMPLE_OVER: readonly ResampleOver[] = ['stimuli', 'instances', 'both'];

export interface BootstrapOptions {
  over: ResampleOver;
  /** default 'r2' (the paper's consistency) */
  method?: CompareMethod;
  samples?: number;
  ci?: 'percentile' | 'bca';
  /** coverage of the interval, default 0.95 */
  level?: number;
  seed?: number;
  threads?: number;
  /** groups of the delete-a-group stimulus jackknife for BCa (default 50) */
  jackknifeGroups?: number;
  onProgress?: ProgressCallback;
  /** names of the RDMs for error messages */
  labels?: string[];
}

export interface BootstrapSummary {
  method: CompareMethod;
  over: ResampleOver;
  /** mean pairwise consistency on the data */
  estimate: number;
  ci: Interval;
  /** standard deviation of the finite replicates */
  standardError: number;
  samples: number;
  /** replicates that were defined (e.g. an instance resample needs two distinct instances) */
  validSamples: number;
  seed: number;
  instances: number;
  stimuli: number;
}

export async function bootstrapConsistency(rdms: Float64Array[], n: number, opts: BootstrapOptions): Promise<BootstrapSummary & { replicates: Float64Array }> {
  const method = opts.method ?? 'r2';
  const samples = opts.samples ?? 1000;
  const seed = opts.seed ?? 0;
  const level = opts.level ?? 0.95;
  const ciMethod = opts.ci ?? 'percentile';
  checkResampling('samples', samples, seed);
  if (!(level > 0 && level < 1)) throw new UserError(`level: expected a number in (0, 1) but received ${level}`, 2);
  if (rdms.length < 2) throw new UserError(`expected at least 2 RDMs but received ${rdms.length}`);
  if (opts.over !== 'stimuli' && rdms.length < 3) {
    throw new UserError(`resampling instances needs at least 3 RDMs but received ${rdms.length}`);
  }
  checkComparable(rdms.map((values, i) => ({ values, name: opts.labels?.[i] ?? `RDM ${i}` })));
  // each replicate is held about six times over (native, typed array, plain arrays, the sorted copy of the interval)
  checkMemory(48 * samples, `${samples} bootstrap samples`);
  const r = await nativeBootstrap(rdms, n, {
    method, over: opts.over, samples, seed, threads: opts.threads, jackknife: ciMethod === 'bca',
    jackknifeGroups: opts.jackknifeGroups, onProgress: opts.onProgress,
  });
  const finite = Array.from(r.replicates).filter((v) => Number.isFinite(v));
  const mean = finite.reduce((s, v) => s + v, 0) / Math.max(finite.length, 1);
  const sd = Math.sqrt(finite.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(finite.length - 1, 1));
  const ci = ciMethod === 'bca'
    ? bcaInterval(r.replicates, r.estimate, jackknifeAcceleration([r.jackknifeStimuli, r.jackknifeInstances]), level)
    : percentileInterval(r.replicates, level);
  return {
    method, over: opts.over, estimate: r.estimate, ci, standardError: sd, samples, validSamples: finite.length, seed,
    instances: rdms.length, stimuli: n, replicates: r.replicates,
  };
}
