/**
 * Corrections for multiple comparisons. Holm and Benjamini–Hochberg take any
 * list of p-values; the max-statistic method takes the per-permutation maxima
 * of a permutation test family (the same permutations for every test), which
 * is what makes it exact rather than a bound.
 */

/** Same tolerance as the native engine (native/core/mantel.h kTieTolerance). */
export const TIE_TOLERANCE = 1e-9;

/** p from k exceedances: (k + 1)/(P + 1) when sampled, k / P when every permutation was enumerated. */
export function pFromCount(count: number, permutations: number, exact: boolean): number {
  return exact ? count / permutations : (count + 1) / (permutations + 1);
}

/** Holm's step-down adjusted p-values (strong FWER control), in input order. NaN stays NaN and is not counted. */
export function holm(p: readonly number[]): number[] {
  const idx = p.map((_, i) => i).filter((i) => Number.isFinite(p[i]!)).sort((a, b) => p[a]! - p[b]!);
  const m = idx.length;
  const out = p.map(() => Number.NaN);
  let running = 0;
  idx.forEach((i, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[i]!));
    out[i] = running;
  });
  return out;
}

/** Benjamini–Hochberg step-up adjusted p-values (FDR), in input order. NaN stays NaN and is not counted. */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const idx = p.map((_, i) => i).filter((i) => Number.isFinite(p[i]!)).sort((a, b) => p[a]! - p[b]!);
  const m = idx.length;
  const out = p.map(() => Number.NaN);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const i = idx[rank]!;
    running = Math.min(running, (m * p[i]!) / (rank + 1));
    out[i] = Math.min(1, running);
  }
  return out;
}

/**
 * Max-statistic adjusted p-values: for each observed statistic s, the share of
 * permutations whose maximum over the whole family is ≥ s − tolerance.
 * nullMax must come from the same permutations for every test of the family.
 */
export function maxStatistic(observed: readonly number[], nullMax: ArrayLike<number>, exact: boolean): number[] {
  const sorted = Float64Array.from(nullMax).filter((v) => !Number.isNaN(v)).sort();
  const permutations = nullMax.length;
  return observed.map((s) => {
    if (!Number.isFinite(s)) return Number.NaN;
    // number of maxima ≥ s − tol: binary search in ascending order
    const threshold = s - TIE_TOLERANCE;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! >= threshold) hi = mid;
      else lo = mid + 1;
    }
    return pFromCount(sorted.length - lo, permutations, exact);
  });
}

export type Correction = 'maxstat' | 'holm' | 'bh' | 'none';
export const CORRECTIONS: readonly Correction[] = ['maxstat', 'holm', 'bh', 'none'];
