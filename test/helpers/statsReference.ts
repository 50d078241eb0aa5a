/**
 * Slow, plain reference implementations for the statistics tests: the RDM
 * comparison statistics by their definitions (tau-a by counting all pairs),
 * stimulus permutation of a condensed RDM, all permutations of n, and an
 * independent implementation of the engine's random stream (Philox4x32-10 +
 * Fisher–Yates) so that sampled permutations can be checked one by one.
 */
import { averageRanks, pearson } from './compareReference.js';

export type Method = 'pearson' | 'r2' | 'spearman' | 'rho-a' | 'tau-a' | 'cosine';

export function refStatistic(method: Method, x: ArrayLike<number>, y: ArrayLike<number>): number {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) { a.push(x[i]!); b.push(y[i]!); }
  }
  const n = a.length;
  if (n < 3) return Number.NaN;
  switch (method) {
    case 'pearson': return pearson(a, b);
    case 'r2': return pearson(a, b) ** 2;
    case 'spearman': return pearson(averageRanks(a), averageRanks(b));
    case 'rho-a': {
      const ra = averageRanks(a), rb = averageRanks(b);
      const m = (n + 1) / 2;
      let s = 0;
      for (let i = 0; i < n; i++) s += (ra[i]! - m) * (rb[i]! - m);
      return (12 * s) / (n ** 3 - n);
    }
    case 'tau-a': {
      let s = 0;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(a[i]! - a[j]!) * Math.sign(b[i]! - b[j]!);
      return s / ((n * (n - 1)) / 2);
    }
    case 'cosine': {
      let ab = 0, aa = 0, bb = 0;
      for (let i = 0; i < n; i++) { ab += a[i]! * b[i]!; aa += a[i]! ** 2; bb += b[i]! ** 2; }
      return ab / Math.sqrt(aa * bb);
    }
  }
}

/** b permuted by stimulus labels: out(i, j) = b(π(i), π(j)). */
export function permuteCondensed(b: ArrayLike<number>, n: number, perm: ArrayLike<number>): Float64Array {
  const out = new Float64Array((n * (n - 1)) / 2);
  const idx = (i: number, j: number): number => (i < j ? i * n - (i * (i + 1)) / 2 + j - i - 1 : idx(j, i));
  let t = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[t++] = b[idx(perm[i]!, perm[j]!)]!;
  return out;
}

export function allPermutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const rest of allPermutations(n - 1)) {
    for (let pos = 0; pos <= rest.length; pos++) out.push([...rest.slice(0, pos), n - 1, ...rest.slice(pos)]);
  }
  return out;
}

/** p of the exact test by brute force: share of all n! permutations with statistic ≥ observed − 1e-9. */
export function exactP(method: Method, a: ArrayLike<number>, b: ArrayLike<number>, n: number): { statistic: number; p: number } {
  const obs = refStatistic(method, a, b);
  const perms = allPermutations(n);
  let k = 0;
  for (const p of perms) if (refStatistic(method, a, permuteCondensed(b, n, p)) >= obs - 1e-9) k++;
  return { statistic: obs, p: k / perms.length };
}

// ---- the engine's random stream, written independently -------------------
const M64 = (1n << 64n) - 1n;

function philoxBits(seed: bigint, domain: number, stream: bigint, index: bigint): bigint {
  let c = [Number(index & 0xffffffffn), Number((index >> 32n) & 0xffffffffn), Number(stream & 0xffffffffn),
    (Number((stream >> 32n) & 0xffffffffn) ^ (domain << 24)) >>> 0];
  let k0 = Number(seed & 0xffffffffn), k1 = Number((seed >> 32n) & 0xffffffffn);
  for (let r = 0; r < 10; r++) {
    const p0 = 0xd2511f53n * BigInt(c[0]!);
    const p1 = 0xcd9e8d57n * BigInt(c[2]!);
    const hi0 = Number(p0 >> 32n), lo0 = Number(p0 & 0xffffffffn);
    const hi1 = Number(p1 >> 32n), lo1 = Number(p1 & 0xffffffffn);
    c = [(hi1 ^ c[1]! ^ k0) >>> 0, lo1, (hi0 ^ c[3]! ^ k1) >>> 0, lo0];
    k0 = (k0 + 0x9e3779b9) >>> 0;
    k1 = (k1 + 0xbb67ae85) >>> 0;
  }
  return ((BigInt(c[1]!) << 32n) | BigInt(c[0]!)) & M64;
}

export const DOMAIN = { mantel: 1, stimuli: 2, instances: 3, zoo: 4 } as const;

export function below(seed: number, domain: number, stream: number, index: number, bound: number): number {
  return Number((philoxBits(BigInt(seed), domain, BigInt(stream), BigInt(index)) * BigInt(bound)) >> 64n);
}

/** Permutation number `stream` of the Mantel test with this seed. */
export function enginePermutation(seed: number, stream: number, n: number, domain: number = DOMAIN.mantel): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n; i > 1; i--) {
    const j = below(seed, domain, stream, n - i, i);
    [out[i - 1], out[j]] = [out[j]!, out[i - 1]!];
  }
  return out;
}

/** Multiplicities of a resample of `size` items (draw t picks item below(t, size)). */
export function engineResampleCounts(seed: number, domain: number, stream: number, size: number): number[] {
  const counts = new Array<number>(size).fill(0);
  for (let t = 0; t < size; t++) counts[below(seed, domain, stream, t, size)]!++;
  return counts;
}

export function randomCondensed(next: () => number, n: number): Float64Array {
  return Float64Array.from({ length: (n * (n - 1)) / 2 }, () => next());
}

/**
 * exactP for pearson/spearman on NaN-free data, fast enough for n = 9: the
 * centred, normalised values (or ranks) are permutation-invariant, so each
 * permutation (Heap's algorithm) is a dot product.
 */
export function exactPFast(method: 'pearson' | 'spearman', a: ArrayLike<number>, b: ArrayLike<number>, n: number): { statistic: number; p: number } {
  const prep = (x: ArrayLike<number>): Float64Array => {
    const v = method === 'spearman' ? averageRanks(Array.from(x)) : Array.from(x);
    const mean = v.reduce((s, y) => s + y, 0) / v.length;
    const c = v.map((y) => y - mean);
    const norm = Math.sqrt(c.reduce((s, y) => s + y * y, 0));
    return Float64Array.from(c, (y) => y / norm);
  };
  const za = prep(a);
  const zb = prep(b);
  const sq = new Float64Array(n * n);
  let t = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) { sq[i * n + j] = zb[t]!; sq[j * n + i] = zb[t]!; t++; }
  const perm = Array.from({ length: n }, (_, i) => i);
  const stat = (): number => {
    let s = 0;
    let u = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += za[u++]! * sq[perm[i]! * n + perm[j]!]!;
    return s;
  };
  const obs = stat();
  let k = 0;
  let total = 0;
  const c = new Array<number>(n).fill(0);
  const visit = (): void => { total++; if (stat() >= obs - 1e-9) k++; };
  visit();
  for (let i = 1; i < n;) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!;
      [perm[j], perm[i]] = [perm[i]!, perm[j]!];
      visit();
      c[i]!++;
      i = 1;
    } else {
      c[i] = 0;
      i++;
    }
  }
  return { statistic: obs, p: k / total };
}
