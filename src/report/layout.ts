/** Small index helpers shared by the figures. */

/** Position of entry (i, j), i ≠ j, in a condensed vector of n stimuli (upper triangle, row-major). */
export function condensedIndex(i: number, j: number, n: number): number {
  const a = i < j ? i : j;
  const b = i < j ? j : i;
  return a * n - (a * (a + 1)) / 2 + (b - a - 1);
}

/** Square n × n distances from a condensed vector (diagonal 0). */
export function squareFromCondensed(values: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      out[i * n + j] = values[k]!;
      out[j * n + i] = values[k]!;
      k++;
    }
  }
  return out;
}

/** First, middle and last of a list (fewer when it is shorter). */
export function firstMiddleLast<T>(items: readonly T[]): T[] {
  if (items.length <= 3) return [...items];
  return [items[0]!, items[Math.floor((items.length - 1) / 2)]!, items[items.length - 1]!];
}

/**
 * Rotates/reflects 2-D points b (n × 2) onto a (orthogonal Procrustes), so
 * two instances' MDS maps can be compared by eye; MDS fixes neither.
 */
export function alignTo(a: Float64Array, b: Float64Array): Float64Array {
  const n = a.length / 2;
  let best = b;
  let bestErr = Infinity;
  for (const flip of [1, -1]) {
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < n; i++) {
      const bx = b[2 * i]!;
      const by = flip * b[2 * i + 1]!;
      const ax = a[2 * i]!;
      const ay = a[2 * i + 1]!;
      sxx += bx * ax + by * ay;
      sxy += bx * ay - by * ax;
    }
    const theta = Math.atan2(sxy, sxx);
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const out = new Float64Array(b.length);
    let err = 0;
    for (let i = 0; i < n; i++) {
      const bx = b[2 * i]!;
      const by = flip * b[2 * i + 1]!;
      out[2 * i] = cos * bx - sin * by;
      out[2 * i + 1] = sin * bx + cos * by;
      err += (out[2 * i]! - a[2 * i]!) ** 2 + (out[2 * i + 1]! - a[2 * i + 1]!) ** 2;
    }
    if (err < bestErr) {
      bestErr = err;
      best = out;
    }
  }
  return best;
}
