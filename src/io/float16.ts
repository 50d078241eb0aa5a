/**
 * IEEE 754 half precision (binary16) ⇄ float32, on the bit patterns that
 * onnxruntime-node exchanges for float16 tensors (Uint16Array: Node 20 has
 * no Float16Array).
 *
 * float16 → float32 is exact (every half is a float32): subnormals, ±0,
 * ±Infinity and NaN (payload kept) included. float32 → float16 rounds to
 * nearest, ties to even, as onnxruntime's own Cast does: magnitudes from
 * 65520 up become ±Infinity, those below 2^-25 become ±0, NaN stays NaN
 * (quiet, the payload's top bits kept).
 */

let table: Float32Array | null = null;

/** The float32 value of each of the 65,536 half bit patterns (256 KiB, built once). */
function halfTable(): Float32Array {
  if (table) return table;
  const bits = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >>> 10) & 0x1f;
    let mant = h & 0x3ff;
    if (exp === 0x1f) {
      bits[h] = sign | 0x7f800000 | (mant << 13); // Infinity or NaN
    } else if (exp !== 0) {
      bits[h] = sign | ((exp - 15 + 127) << 23) | (mant << 13);
    } else if (mant === 0) {
      bits[h] = sign; // ±0
    } else {
      // subnormal: normalise the mantissa
      let e = -14;
      while ((mant & 0x400) === 0) {
        mant <<= 1;
        e--;
      }
      bits[h] = sign | ((e + 127) << 23) | ((mant & 0x3ff) << 13);
    }
  }
  table = new Float32Array(bits.buffer);
  return table;
}

/** float32 values of half bit patterns, written into `out` at `offset` (a new array when not given). */
export function float16ToFloat32(src: Uint16Array, out?: Float32Array, offset = 0): Float32Array {
  const t = halfTable();
  const dst = out ?? new Float32Array(src.length);
  if (offset + src.length > dst.length) throw new RangeError(`float16ToFloat32: ${src.length} values do not fit at offset ${offset} of ${dst.length}`);
  for (let i = 0; i < src.length; i++) dst[offset + i] = t[src[i]!]!;
  return dst;
}

/** The half bit pattern nearest to one float32, given as its bits (ties to even). */
export function halfBits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // too large: Infinity
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal (2^-25): zero
    const m = mant | 0x800000;
    const shift = 14 - e;
    let half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++;
    return sign | half; // a carry into the exponent gives the smallest normal, as it should
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++; // a carry may reach Infinity, as it should
  return sign | half;
}

/** Half bit patterns of float32 values (round to nearest, ties to even). */
export function float32ToFloat16(src: Float32Array): Uint16Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = halfBits(bits[i]!);
  return out;
}
