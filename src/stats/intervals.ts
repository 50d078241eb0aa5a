/** Bootstrap confidence intervals: percentile and BCa (bias-corrected and accelerated, Efron 1987). */

/** Standard normal CDF (erfc by a Chebyshev-fitted approximation, |error| < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Standard normal quantile (Acklam's rational approximation with one Newton step). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : Number.NaN;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x = (((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  // one Newton step against the CDF
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Quantile of ascending-sorted values by linear interpolation between order statistics (type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface Interval {
  method: 'percentile' | 'bca';
  level: number;
  lower: number;
  upper: number;
  /** BCa only */
  biasCorrection?: number;
  acceleration?: number;
}

function finiteSorted(replicates: ArrayLike<number>): Float64Array {
  return Float64Array.from(replicates).filter((v) => Number.isFinite(v)).sort();
}

export function percentileInterval(replicates: ArrayLike<number>, level: number): Interval {
  const s = finiteSorted(replicates);
  const alpha = (1 - level) / 2;
  return { method: 'percentile', level, lower: quantileSorted(s, alpha), upper: quantileSorted(s, 1 - alpha) };
}

/**
 * Acceleration from jackknife values, one group per factor (e.g. leave-one-
 * instance-out and delete-a-group stimuli): with influence values
 * U = (g − 1)(mean − θ₍ᵢ₎) of each factor, a = Σ U³/g³ / (6 (Σ U²/g²)^{3/2})
 * (the multi-sample form; for one factor it is the usual Σ U³ / (6 (Σ U²)^{3/2})).
 */
export function jackknifeAcceleration(groups: readonly ArrayLike<number>[]): number {
  let num = 0;
  let den = 0;
  for (const values of groups) {
    const v = Array.from(values).filter((x) => Number.isFinite(x));
    const g = v.length;
    if (g < 2) continue;
    const mean = v.reduce((s, x) => s + x, 0) / g;
    for (const x of v) {
      const u = (g - 1) * (mean - x);
      num += (u * u * u) / (g * g * g);
      den += (u * u) / (g * g);
    }
  }
  return den > 0 ? num / (6 * Math.pow(den, 1.5)) : 0;
}

export function bcaInterval(replicates: ArrayLike<number>, estimate: number, acceleration: number, level: number): Interval {
  const s = finiteSorted(replicates);
  const b = s.length;
  let below = 0;
  let equal = 0;
  for (const v of s) {
    if (v < estimate) below++;
    else if (v === estimate) equal++;
  }
  // Clamp the proportion so z0 stays finite when every replicate lies on one side.
  const prop = Math.min(Math.max((below + 0.5 * equal) / b, 0.5 / b), 1 - 0.5 / b);
  const z0 = normalQuantile(prop);
  const adjust = (alpha: number): number => {
    const z = normalQuantile(alpha);
    return normalCdf(z0 + (z0 + z) / (1 - acceleration * (z0 + z)));
  };
  const alpha = (1 - level) / 2;
  return {
    method: 'bca', level,
    lower: quantileSorted(s, adjust(alpha)),
    upper: quantileSorted(s, adjust(1 - alpha)),
    biasCorrection: z0,
    acceleration,
  };
}
