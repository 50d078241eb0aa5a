/**
 * Every RDM comparison (pearson, r2, spearman, rho-a, tau-a, cosine) is
 * unchanged when an RDM is multiplied by a positive number, but the native
 * kernels sum squares and products of the entries: entries near 1e153 overflow
 * those sums (pearson came out 0) and entries near 1e-200 underflow them (it
 * came out undefined). An RDM whose largest finite magnitude is outside
 * [2^-400, 2^400] is therefore multiplied by a power of two (exact: only the
 * exponents change) that brings it to [1, 2) before it is compared; others
 * are passed on as they are, without a copy.
 *
 * An RDM whose values all came from float32 (the RDM store keeps float32)
 * lies in [2^-149, 2^128] by construction: it is marked when it is read and
 * passed on without the scan, which costs ~1 ms per million entries (60 ms of
 * the default run's consistency phase). A marked array must not be written to
 * afterwards.
 */

const LOW = 2 ** -400;
const HIGH = 2 ** 400;

function largestFinite(v: Float64Array): number {
  let max = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    if (a > max && a !== Infinity) max = a;
  }
  return max;
}

const float32Valued = new WeakSet<Float64Array>();

/** Marks `v` as holding float32 values only (see above) and returns it. */
export function markFloat32Valued(v: Float64Array): Float64Array {
  float32Valued.add(v);
  return v;
}

/** `v`, or a copy scaled by a power of two so that its largest finite magnitude is in [1, 2). */
export function scaledForComparison(v: Float64Array): Float64Array {
  if (float32Valued.has(v)) return v;
  const max = largestFinite(v);
  if (max === 0 || (max >= LOW && max <= HIGH)) return v;
  const e = Math.floor(Math.log2(max));
  // 2^-e itself overflows for subnormal maxima (e < -1023): two exact steps
  const f1 = 2 ** -Math.trunc(e / 2);
  const f2 = 2 ** -(e - Math.trunc(e / 2));
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = (v[i]! * f1) * f2;
  return out;
}
