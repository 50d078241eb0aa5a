/**
 * Indices of the non-NaN entries in ascending order of value, by an LSD radix
 * sort on the float64 bit patterns (16-bit digits): for 500,000 RDM entries it
 * is several times faster than a typed-array sort followed by a binary search
 * per entry. −0 sorts just before +0, like a typed-array sort.
 */
export function ascendingOrder(values: Float64Array): Uint32Array {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) m++;
  if (m === 0) return new Uint32Array(0);
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const hiAt = little ? 1 : 0;
  // order-preserving unsigned keys: negative numbers have all bits flipped, others the sign bit
  let hi = new Uint32Array(m);
  let lo = new Uint32Array(m);
  let idx = new Uint32Array(m);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i]!)) continue;
    const h = bits[2 * i + hiAt]!;
    const l = bits[2 * i + 1 - hiAt]!;
    const neg = h >>> 31 === 1;
    hi[k] = neg ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    lo[k] = neg ? ~l >>> 0 : l;
    idx[k] = i;
    k++;
  }
  let hi2 = new Uint32Array(m);
  let lo2 = new Uint32Array(m);
  let idx2 = new Uint32Array(m);
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const src = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    count.fill(0);
    for (let i = 0; i < m; i++) count[(src[i]! >>> shift) & 0xffff]!++;
    if (count[(src[0]! >>> shift) & 0xffff] === m) continue; // one digit value: nothing moves
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < m; i++) {
      const dst = count[(src[i]! >>> shift) & 0xffff]!++;
      hi2[dst] = hi[i]!;
      lo2[dst] = lo[i]!;
      idx2[dst] = idx[i]!;
    }
    [hi, hi2] = [hi2, hi];
    [lo, lo2] = [lo2, lo];
    [idx, idx2] = [idx2, idx];
  }
  return idx;
}
