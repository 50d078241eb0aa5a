/**
 * Mantel permutation tests (see docs/definitions.md, "Mantel test" and
 * "Corrections for multiple comparisons") for one pair, all pairs of K RDMs,
 * or a family of layers that share their stimuli, with raw p-values and
 * corrections. All layers of a family see the same stimulus permutations (the
 * p-th permutation is a function of (seed, p) only), so the max-statistic
 * correction over pairs × layers uses the per-permutation maxima of every
 * layer together.
 *
 * Used by `seedscope permtest` and by the run command:
 *   const r = await permtestFamily([{ name: 'conv1', rdms, n }, …], { method: 'r2', permutations: 10000, seed: 0 });
 *   r.layers[0].statistic[i][j], .p[i][j] (raw), .pMaxstat[i][j] (corrected over all pairs × layers)
 */
import { UserError } from '../errors.js';
import { checkMemory } from '../resources.js';
import { compareRdms } from '../native/compare.js';
import { mantelTest, type MantelNativeOptions, type MantelNativeResult } from '../native/stats.js';
import type { CompareMethod } from '../native/compare.js';
import type { ProgressCallback } from '../native/AddonTypes.js';
import { benjaminiHochberg, holm, maxStatistic, pFromCount, type Correction } from './corrections.js';
import { checkComparable, checkResampling, resolveLazy, type Lazy } from './validate.js';

export interface PermtestOptions {
  method?: CompareMethod;
  permutations?: number;
  seed?: number;
  threads?: number;
  onProgress?: ProgressCallback;
  /** families: at most this many RDMs in one native call (memory); pairs are then tested in blocks of instances */
  maxRdmsPerCall?: number;
}

export interface PairPermtest {
  method: CompareMethod;
  statistic: number;
  p: number;
  permutations: number;
  exact: boolean;
  seed: number;
}

function resolved(opts: PermtestOptions): Required<Omit<PermtestOptions, 'onProgress' | 'threads' | 'maxRdmsPerCall'>> & PermtestOptions {
  const permutations = opts.permutations ?? 10000;
  const seed = opts.seed ?? 0;
  checkResampling('permutations', permutations, seed);
  return { ...opts, method: opts.method ?? 'pearson', permutations, seed };
}

/** One pair: RDM b's stimulus labels are permuted. */
export async function permtestPair(a: Float64Array, b: Float64Array, n: number, opts: PermtestOptions = {},
  names: [string, string] = ['RDM A', 'RDM B']): Promise<PairPermtest> {
  const o = resolved(opts);
  checkComparable([{ values: a, name: names[0] }, { values: b, name: names[1] }]);
  const r = await mantelTest([a, b], n, {
    method: o.method, permutations: o.permutations, seed: o.seed, threads: o.threads, onProgress: o.onProgress,
  });
  return {
    method: o.method,
    statistic: r.statistic[1]!,
    p: pFromCount(r.count[1]!, r.permutations, r.exact),
    permutations: r.permutations,
    exact: r.exact,
    seed: o.seed,
  };
}

export interface FamilyLayer {
  name?: string;
  /** K condensed RDMs (one per instance), all of n stimuli; read when the layer is tested when given as a function */
  rdms: Lazy<Float64Array[]>;
  n: number;
  /** names of the RDMs for error messages */
  labels?: string[];
  /** the K × K observed statistics (row-major, as compareRdms returns them with this method), if the caller has them */
  observed?: Float64Array;
}

/** One layer of a family: K × K row-major matrices, NaN on the diagonal and where undefined. */
export interface LayerPermtest {
  name?: string;
  statistic: Float64Array;
  /** raw one-sided p-values */
  p: Float64Array;
  /** max-statistic corrected over all pairs × layers of the family */
  pMaxstat: Float64Array;
}

export interface FamilyPermtest {
  method: CompareMethod;
  permutations: number;
  exact: boolean;
  seed: number;
  layers: LayerPermtest[];
}

function square(k: number, f: (a: number, b: number) => number): Float64Array {
  const m = new Float64Array(k * k).fill(Number.NaN);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      if (a === b) continue;
      const v = f(a, b);
      if (Number.isFinite(v)) m[a * k + b] = v;
    }
  }
  return m;
}

/**
 * The smallest observed statistic of the family. The max-statistic correction
 * compares the null maxima with observed statistics only, so maxima below this
 * need not be exact and the native test may stop such permutations early.
 * Undefined (every maximum exact) where no early stop applies or a statistic is
 * undefined. The native test never stops above its own observed statistics.
 */
async function familyFloor(layers: readonly FamilyLayer[], method: CompareMethod, threads: number | undefined): Promise<number | undefined> {
  if (method === 'r2' || method === 'tau-a') return undefined;
  let floor = Number.POSITIVE_INFINITY;
  for (const l of layers) {
    // with NaN entries the engines compare what is finite in both, as compareRdms does
    const rdms = l.observed ? undefined : await resolveLazy(l.rdms);
    const k = l.observed ? Math.round(Math.sqrt(l.observed.length)) : rdms!.length;
    const m = l.observed ?? await compareRdms(rdms!, method, { threads });
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) {
        const v = m[a * k + b]!;
        if (!Number.isFinite(v)) return undefined;
        floor = Math.min(floor, v);
      }
    }
  }
  return Number.isFinite(floor) ? floor : undefined;
}

/** Permutations a test of n stimuli runs when P are asked for: all n! when n! ≤ P. */
function permutationsRun(n: number, asked: number): number {
  let f = 1;
  for (let k = 2; k <= n; k++) {
    f *= k;
    if (f > asked) return asked;
  }
  return f;
}

/**
 * The max-statistic correction keeps one null maximum per permutation
 * (8 bytes), held about five times over on its way from the native test to
 * the sorted null distribution: --permutations 1e9 with --all-pairs asked
 * for 40 GB and grew until the kernel killed it. Refused before it starts.
 */
function checkNullMaxMemory(n: number, permutations: number): void {
  const p = permutationsRun(n, permutations);
  checkMemory(5 * 8 * p, `testing all pairs with ${p} permutations (the max-statistic correction keeps every permutation's null maximum)`);
}

type AllPairsResult = Pick<MantelNativeResult, 'statistic' | 'count' | 'permutations' | 'exact' | 'nullMax'>;

/**
 * Every pair of K RDMs, in one native call or, when K exceeds `maxRdms`, in
 * blocks: the instances are cut into groups of maxRdms / 2, and each pair of
 * groups is tested together. Permutation p is the same in every call (it is
 * keyed by the seed and p alone), so each pair's statistic and count are the
 * ones a single call gives, and the maximum over blocks of each call's null
 * maximum is the family's. Only memory changes: 2 groups' RDMs per call.
 */
async function mantelAllPairs(rdms: Float64Array[], n: number, opts: MantelNativeOptions, maxRdms: number | undefined): Promise<AllPairsResult> {
  const k = rdms.length;
  if (maxRdms === undefined || k <= maxRdms) return mantelTest(rdms, n, opts);
  const h = Math.max(1, Math.floor(maxRdms / 2));
  const groups: number[][] = [];
  for (let s = 0; s < k; s += h) groups.push(Array.from({ length: Math.min(h, k - s) }, (_, i) => s + i));
  const statistic = new Float64Array(k * k).fill(Number.NaN);
  const count = new Float64Array(k * k).fill(Number.NaN);
  let nullMax: Float64Array | undefined;
  let permutations = 0;
  let exact = false;
  const calls = (groups.length * (groups.length + 1)) / 2;
  let call = 0;
  for (let a = 0; a < groups.length; a++) {
    for (let b = a; b < groups.length; b++) {
      const idx = a === b ? groups[a]! : [...groups[a]!, ...groups[b]!];
      const thisCall = call++;
      if (idx.length < 2) continue;
      const r = await mantelTest(idx.map((i) => rdms[i]!), n, {
        ...opts,
        onProgress: opts.onProgress ? (d, t) => opts.onProgress!(thisCall * t + d, calls * t) : undefined,
      });
      permutations = r.permutations;
      exact = r.exact;
      const m = idx.length;
      const inA = (x: number): boolean => x < groups[a]!.length;
      for (let x = 0; x < m; x++) {
        for (let y = x + 1; y < m; y++) {
          // within a group only from its own call; across groups from theirs
          if (a !== b && inA(x) === inA(y)) continue;
          const gx = idx[x]!;
          const gy = idx[y]!;
          for (const [p, q] of [[gx, gy], [gy, gx]] as const) {
            statistic[p * k + q] = r.statistic[x * m + y]!;
            count[p * k + q] = r.count[x * m + y]!;
          }
        }
      }
      const nm = r.nullMax!;
      if (!nullMax) nullMax = Float64Array.from(nm);
      else for (let p = 0; p < nm.length; p++) if (!Number.isNaN(nm[p]!) && (Number.isNaN(nullMax[p]!) || nm[p]! > nullMax[p]!)) nullMax[p] = nm[p]!;
    }
  }
  return { statistic, count, permutations, exact, nullMax };
}

/**
 * All pairs of every layer, with one set of permutations shared by all layers.
 * Progress is reported over the whole family.
 */
export async function permtestFamily(layers: readonly FamilyLayer[], opts: PermtestOptions = {}): Promise<FamilyPermtest> {
  const o = resolved(opts);
  if (layers.length === 0) throw new UserError('expected at least one layer');
  const n = layers[0]!.n;
  checkNullMaxMemory(n, o.permutations);
  for (const l of layers) {
    if (l.n !== n) throw new UserError(`layer ${l.name ?? '?'}: expected ${n} stimuli like the other layers but received ${l.n}`);
  }
  const nullFloor = await familyFloor(layers, o.method, o.threads);
  const results = [];
  const ks: number[] = [];
  for (let li = 0; li < layers.length; li++) {
    const l = layers[li]!;
    const rdms = await resolveLazy(l.rdms);
    if (rdms.length < 2) throw new UserError(`layer ${l.name ?? '?'}: expected at least 2 RDMs but received ${rdms.length}`);
    if (ks.length > 0 && rdms.length !== ks[0]) throw new UserError(`layer ${l.name ?? '?'}: expected ${ks[0]} RDMs like the first layer but received ${rdms.length}`);
    checkComparable(rdms.map((values, i) => ({ values, name: l.labels?.[i] ?? `${l.name ?? 'layer'} RDM ${i}` })));
    ks.push(rdms.length);
    const r = await mantelAllPairs(rdms, n, {
      method: o.method, permutations: o.permutations, seed: o.seed, threads: o.threads, allPairs: true, keepNullMax: true, nullFloor,
      onProgress: o.onProgress ? (done, total) => o.onProgress!(li * total + done, layers.length * total) : undefined,
    }, o.maxRdmsPerCall);
    results.push(r);
  }
  const first = results[0]!;
  const nullMax = new Float64Array(first.permutations).fill(Number.NaN);
  for (const r of results) {
    const m = r.nullMax!;
    for (let p = 0; p < m.length; p++) {
      const v = m[p]!;
      if (!Number.isNaN(v) && (Number.isNaN(nullMax[p]!) || v > nullMax[p]!)) nullMax[p] = v;
    }
  }
  return {
    method: o.method,
    permutations: first.permutations,
    exact: first.exact,
    seed: o.seed,
    layers: results.map((r, li) => {
      const k = ks[li]!;
      const adjusted = maxStatistic(Array.from(r.statistic), nullMax, r.exact);
      return {
        name: layers[li]!.name,
        statistic: square(k, (a, b) => r.statistic[a * k + b]!),
        p: square(k, (a, b) => pFromCount(r.count[a * k + b]!, r.permutations, r.exact)),
        pMaxstat: square(k, (a, b) => adjusted[a * k + b]!),
      };
    }),
  };
}

/** Holm or BH over the upper triangles of every layer's raw p (maxstat is already in the family result). */
export function correctFamily(family: FamilyPermtest, correction: Correction): Float64Array[] {
  if (correction === 'maxstat') return family.layers.map((l) => l.pMaxstat);
  const flat: number[] = [];
  const where: [number, number, number, number][] = [];
  family.layers.forEach((l, li) => {
    const k = Math.round(Math.sqrt(l.p.length));
    for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) {
      flat.push(l.p[a * k + b]!);
      where.push([li, a, b, k]);
    }
  });
  const adj = correction === 'holm' ? holm(flat) : correction === 'bh' ? benjaminiHochberg(flat) : flat;
  const out = family.layers.map((l) => new Float64Array(l.p.length).fill(Number.NaN));
  where.forEach(([li, a, b, k], i) => {
    const v = Number.isFinite(adj[i]!) ? adj[i]! : Number.NaN;
    out[li]![a * k + b] = v;
    out[li]![b * k + a] = v;
  });
  return out;
}
