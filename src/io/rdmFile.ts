/**
 * RDM files: a square N × N .npy (float32/float64) or a 1-D condensed vector of
 * length N(N−1)/2 (upper triangle, row-major, i < j). Everything downstream
 * works on condensed float64 vectors.
 */
import { UserError } from '../errors.js';
import { readFloatNpy, writeNpy } from './npy.js';

export interface CondensedRdm {
  /** number of stimuli */
  n: number;
  /** upper triangle, row-major (i < j), length n(n−1)/2 */
  values: Float64Array;
  file?: string;
}

export function condensedLength(n: number): number {
  return (n * (n - 1)) / 2;
}

/** N from a condensed length, or undefined when the length is not triangular. */
export function nFromCondensedLength(len: number): number | undefined {
  const n = Math.round((1 + Math.sqrt(1 + 8 * len)) / 2);
  return condensedLength(n) === len && n >= 2 ? n : undefined;
}

export function squareToCondensed(square: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(condensedLength(n));
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[k++] = square[i * n + j]!;
  return out;
}

export function condensedToSquare(values: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = values[k++]!;
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}

/**
 * Reads an RDM and checks its shape. A square RDM must be symmetric (within
 * 1e-6 relative, NaN matching NaN); only its upper triangle is used.
 */
export function readRdm(file: string): CondensedRdm {
  const a = readFloatNpy(file);
  if (a.shape.length === 2) {
    const [r, c] = a.shape as [number, number];
    if (r !== c) throw new UserError(`${file}: expected a square RDM (N × N) or a condensed vector but received shape (${r}, ${c})`);
    if (r < 2) throw new UserError(`${file}: expected an RDM of at least 2 stimuli but received shape (${r}, ${c})`);
    const d = a.data;
    for (let i = 0; i < r; i++) {
      for (let j = i + 1; j < r; j++) {
        const x = d[i * r + j]!;
        const y = d[j * r + i]!;
        const bothNaN = Number.isNaN(x) && Number.isNaN(y);
        if (!bothNaN && !(Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(x), Math.abs(y)))) {
          throw new UserError(`${file}: expected a symmetric RDM but entry (${i}, ${j}) = ${x} differs from (${j}, ${i}) = ${y}`);
        }
      }
    }
    return { n: r, values: squareToCondensed(d, r), file };
  }
  if (a.shape.length === 1) {
    const n = nFromCondensedLength(a.shape[0]!);
    if (n === undefined) {
      throw new UserError(`${file}: expected a condensed RDM of length N(N−1)/2 (e.g. 1, 3, 6, 10, …) but received length ${a.shape[0]}`);
    }
    return { n, values: Float64Array.from(a.data), file };
  }
  throw new UserError(`${file}: expected a square RDM (N × N) or a condensed vector but received shape (${a.shape.join(', ')})`);
}

/** Reads several RDMs and checks that they share N. */
export function readRdms(files: readonly string[]): CondensedRdm[] {
  const rdms = files.map(readRdm);
  const first = rdms[0];
  for (const r of rdms) {
    if (first && r.n !== first.n) {
      throw new UserError(`${r.file}: expected an RDM of ${first.n} stimuli like ${first.file} but received ${r.n}`);
    }
  }
  return rdms;
}

/** Writes an RDM square (default) or condensed, float32 or float64. */
export function writeRdm(file: string, rdm: CondensedRdm, opts: { condensed?: boolean; dtype?: 'float32' | 'float64' } = {}): void {
  const values = opts.condensed ? rdm.values : condensedToSquare(rdm.values, rdm.n);
  const data = opts.dtype === 'float32' ? Float32Array.from(values) : values;
  writeNpy(file, data, opts.condensed ? [values.length] : [rdm.n, rdm.n]);
}
