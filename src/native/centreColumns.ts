/**
 * Column-centred float64 copies of activations for linear CKA. CKA only
 * depends on the centred features (H·X), but the native kernel forms the
 * Gram matrix X·Xᵀ of the raw features first and centres it afterwards: with
 * a constant offset of 1e4 in float32 features the Gram entries are ~1e8·D
 * and their differences drown in rounding (CKA came out 0.0225 where the
 * exact value is 0.7669; an offset of 1e5 in float64 gave NaN). Centring each
 * feature in float64 first removes the offset before any product is formed.
 */

/** X − column means as float64 (n rows × d columns, row-major). A constant column becomes exactly 0. */
export function centredColumns(x: Float32Array | Float64Array, n: number): Float64Array {
  const d = x.length / n;
  const mean = new Float64Array(d);
  const varies = new Uint8Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) {
      const v = x[row + j]!;
      mean[j]! += v;
      if (v !== x[j]) varies[j] = 1;
    }
  }
  for (let j = 0; j < d; j++) mean[j]! /= n;
  // a second pass corrects the mean for the rounding of the first sum
  const fix = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) fix[j]! += x[row + j]! - mean[j]!;
  }
  for (let j = 0; j < d; j++) mean[j]! += fix[j]! / n;
  const out = new Float64Array(x.length);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) out[row + j] = varies[j] ? x[row + j]! - mean[j]! : 0;
  }
  return out;
}
