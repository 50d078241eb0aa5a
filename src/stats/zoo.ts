/**
 * Comparing two zoos layer by layer (e.g. with and without dropout): the
 * difference of mean pairwise consistency, with a permutation test that
 * relabels instances between the zoos (the same relabelling for all layers)
 * and a max-statistic correction over layers. p is two-sided: relabellings
 * with |T*| ≥ |T| count.
 *
 *   const r = await compareZoos([{ name: 'conv1', a: rdmsA, b: rdmsB, n }, …], { method: 'r2', permutations: 10000 });
 *   r.layers[0].difference, .p, .pMaxstat
 */
import { UserError } from '../errors.js';
import { pairwiseConsistency, zooPermutationTest } from '../native/stats.js';
import type { CompareMethod } from '../native/compare.js';
import type { ProgressCallback } from '../native/AddonTypes.js';
import { pFromCount } from './corrections.js';
import { checkComparable, checkResampling, resolveLazy, type Lazy } from './validate.js';

export interface ZooLayer {
  name?: string;
  /** zoo A's instance RDMs (condensed), KA ≥ 2, and zoo B's, KB ≥ 2; read when the layer's turn comes when given as a function */
  rdms: Lazy<{ a: Float64Array[]; b: Float64Array[] }>;
  n: number;
}

export interface ZooOptions {
  /** default 'r2' */
  method?: CompareMethod;
  permutations?: number;
  seed?: number;
  threads?: number;
  onProgress?: ProgressCallback;
}

export interface ZooLayerResult {
  name?: string;
  meanA: number;
  meanB: number;
  /** meanA − meanB */
  difference: number;
  /** two-sided permutation p */
  p: number;
  /** max-statistic corrected over layers */
  pMaxstat: number;
}

export interface ZooComparison {
  method: CompareMethod;
  permutations: number;
  exact: boolean;
  seed: number;
  instancesA: number;
  instancesB: number;
  layers: ZooLayerResult[];
}

function meanWithin(c: Float64Array, k: number, from: number, to: number): number {
  let s = 0;
  let count = 0;
  for (let a = from; a < to; a++) for (let b = a + 1; b < to; b++) { s += c[a * k + b]!; count++; }
  return s / count;
}

export async function compareZoos(layers: readonly ZooLayer[], opts: ZooOptions = {}): Promise<ZooComparison> {
  const method = opts.method ?? 'r2';
  const permutations = opts.permutations ?? 10000;
  const seed = opts.seed ?? 0;
  checkResampling('permutations', permutations, seed);
  if (layers.length === 0) throw new UserError('expected at least one layer');
  let ka = 0;
  let kb = 0;
  const mats: Float64Array[] = [];
  for (let li = 0; li < layers.length; li++) {
    const l = layers[li]!;
    if (l.n !== layers[0]!.n) throw new UserError(`layer ${l.name ?? li}: expected ${layers[0]!.n} stimuli like the first layer but received ${l.n}`);
    const { a, b } = await resolveLazy(l.rdms);
    if (li === 0) {
      ka = a.length;
      kb = b.length;
      if (ka < 2 || kb < 2) throw new UserError(`each zoo needs at least 2 instances but received ${ka} and ${kb}`);
    } else if (a.length !== ka || b.length !== kb) {
      throw new UserError(`layer ${l.name ?? li}: expected ${ka} and ${kb} instances like the first layer but received ${a.length} and ${b.length}`);
    }
    const all = [...a, ...b];
    checkComparable(all.map((values, i) => ({ values, name: `layer ${l.name ?? li} ${i < ka ? 'A' : 'B'}${i < ka ? i : i - ka}` })));
    mats.push(await pairwiseConsistency(all, l.n, {
      method, threads: opts.threads,
      onProgress: opts.onProgress ? (d, t) => opts.onProgress!(li + d / t, layers.length + 1) : undefined,
    }));
  }
  const r = await zooPermutationTest(mats, ka, kb, {
    permutations, seed,
    onProgress: opts.onProgress ? (d, t) => opts.onProgress!(layers.length + d / t, layers.length + 1) : undefined,
  });
  const k = ka + kb;
  return {
    method, permutations: r.permutations, exact: r.exact, seed, instancesA: ka, instancesB: kb,
    layers: layers.map((l, li) => ({
      name: l.name,
      meanA: meanWithin(mats[li]!, k, 0, ka),
      meanB: meanWithin(mats[li]!, k, ka, k),
      difference: r.difference[li]!,
      p: pFromCount(r.count[li]!, r.permutations, r.exact),
      pMaxstat: pFromCount(r.countMax[li]!, r.permutations, r.exact),
    })),
  };
}
