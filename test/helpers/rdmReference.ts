/**
 * Plain float64 RDMs, straight from the definitions (docs/definitions.md,
 * "RDM metrics"), for checking the native kernels. O(N²·D), only for small
 * test inputs.
 */
import type { RdmMetric } from '../../src/native/rdm.js';
import { TestRng } from './random.js';

export function referenceRdm(x: ArrayLike<number>, n: number, d: number, metric: RdmMetric, perFeature = false): Float64Array {
  const rows: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const r = new Float64Array(d);
    for (let k = 0; k < d; k++) r[k] = x[i * d + k]!;
    if (metric === 'correlation') {
      let m = 0;
      for (let k = 0; k < d; k++) m += r[k]!;
      m /= d;
      for (let k = 0; k < d; k++) r[k] = r[k]! - m;
    }
    rows.push(r);
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = rows[i]!, b = rows[j]!;
      let v: number;
      if (metric === 'correlation' || metric === 'cosine') {
        let ab = 0, aa = 0, bb = 0;
        for (let k = 0; k < d; k++) { ab += a[k]! * b[k]!; aa += a[k]! * a[k]!; bb += b[k]! * b[k]!; }
        v = aa > 0 && bb > 0 ? 1 - ab / Math.sqrt(aa * bb) : NaN;
      } else {
        let s = 0;
        for (let k = 0; k < d; k++) { const t = a[k]! - b[k]!; s += t * t; }
        if (perFeature) s /= d;
        v = metric === 'euclidean' ? Math.sqrt(s) : s;
      }
      if (!a.every(Number.isFinite) || !b.every(Number.isFinite)) v = NaN;
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}

export function condensed(square: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array((n * (n - 1)) / 2);
  let t = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[t++] = square[i * n + j]!;
  return out;
}

/** Largest |a − b| (NaN must match NaN exactly; returns Infinity otherwise). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (!(Number.isNaN(x) && Number.isNaN(y))) return Infinity;
      continue;
    }
    m = Math.max(m, Math.abs(x - y));
  }
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i]!)) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** Tolerance for comparing a native RDM with the float64 reference. */
export function tolerance(metric: RdmMetric, inputF32: boolean, outF32: boolean, ref: ArrayLike<number>): number {
  const scale = metric === 'correlation' || metric === 'cosine' ? 1 : 1 + maxAbs(ref);
  const rel = inputF32 || outF32 ? 1e-5 : 1e-9;
  return rel * scale;
}

/** N × D activations: normal values plus a per-row offset (so centring matters). */
export function randomActs(n: number, d: number, seed: number, f32: boolean): Float32Array | Float64Array {
  const rng = new TestRng(seed);
  const a = f32 ? new Float32Array(n * d) : new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const offset = 3 + rng.normal();
    for (let k = 0; k < d; k++) a[i * d + k] = offset + rng.normal();
  }
  return a;
}
