/**
 * Classical (Torgerson) MDS: double-centre the squared distances,
 * B = −½·J·D²·J, and place the points at the top eigenvectors scaled by √λ.
 * Small matrices use ml-matrix's full symmetric eigen-decomposition; large
 * ones (1,000 stimuli) need only the top two eigenpairs, which Lanczos with
 * full re-orthogonalisation finds in a few dozen matrix–vector products
 * instead of the O(n³) full decomposition (≈ 40 s in JS at n = 1,000).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

const FULL_LIMIT = 200;

export interface MdsResult {
  /** n × dims row-major coordinates */
  coords: Float64Array;
  dims: number;
  /** the eigenvalues used (NaN-free; 0 where fewer positive ones exist) */
  eigenvalues: number[];
}

/** B = −½ J D² J from a square n × n distance matrix (NaN distances count as the mean distance). */
export function doubleCentre(dist: ArrayLike<number>, n: number): Float64Array {
  const b = new Float64Array(n * n);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n * n; i++) {
    const v = dist[i]!;
    if (Number.isFinite(v)) {
      sum += v * v;
      count++;
    }
  }
  const fill = count > 0 ? sum / count : 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = dist[i * n + j]!;
      b[i * n + j] = i === j ? 0 : Number.isFinite(v) ? v * v : fill;
    }
  }
  const rowMean = new Float64Array(n);
  let all = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += b[i * n + j]!;
    rowMean[i] = s / n;
    all += s;
  }
  all /= n * n;
  // D² is symmetric, so column means equal row means
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) b[i * n + j] = -0.5 * (b[i * n + j]! - rowMean[i]! - rowMean[j]! + all);
  }
  return b;
}

export interface EigenPairs {
  values: number[];
  /** vectors[k] has length n */
  vectors: Float64Array[];
}

export function topEigenFull(b: Float64Array, n: number, k: number): EigenPairs {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(b.subarray(i * n, (i + 1) * n)));
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vecs = evd.eigenvectorMatrix;
  const order = values.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]).slice(0, k);
  return {
    values: order.map(([v]) => v),
    vectors: order.map(([, i]) => Float64Array.from(vecs.getColumn(i))),
  };
}

/** Σ x[i]·y[i] in index order (a row view keeps the hot loop free of offset arithmetic). */
function dot(x: Float64Array, y: Float64Array): number {
  let acc = 0;
  for (let i = 0; i < x.length; i++) acc += x[i]! * y[i]!;
  return acc;
}

/** Top-k algebraic eigenpairs of a symmetric matrix by Lanczos with full re-orthogonalisation. */
export function topEigenLanczos(b: Float64Array, n: number, k: number, steps = Math.min(n, 48)): EigenPairs {
  const q: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  // deterministic start vector that is not orthogonal to anything in particular
  let v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = 1 + 0.5 * Math.sin(1.3 * i + 0.7);
  let norm = 0;
  for (let i = 0; i < n; i++) norm += v[i]! * v[i]!;
  norm = Math.sqrt(norm);
  for (let i = 0; i < n; i++) v[i]! /= norm;
  const w = new Float64Array(n);
  for (let s = 0; s < steps; s++) {
    q.push(v);
    for (let i = 0; i < n; i++) w[i] = dot(b.subarray(i * n, (i + 1) * n), v);
    let a = 0;
    for (let i = 0; i < n; i++) a += w[i]! * v[i]!;
    alpha.push(a);
    // full re-orthogonalisation (twice is enough) keeps the basis honest
    for (let pass = 0; pass < 2; pass++) {
      for (const u of q) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += w[i]! * u[i]!;
        for (let i = 0; i < n; i++) w[i]! -= dot * u[i]!;
      }
    }
    norm = 0;
    for (let i = 0; i < n; i++) norm += w[i]! * w[i]!;
    norm = Math.sqrt(norm);
    if (s === steps - 1 || norm < 1e-12 * Math.max(1, Math.abs(a))) break;
    beta.push(norm);
    v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = w[i]! / norm;
  }
  const m = q.length;
  const t = Matrix.zeros(m, m);
  for (let i = 0; i < m; i++) {
    t.set(i, i, alpha[i]!);
    if (i + 1 < m) {
      t.set(i, i + 1, beta[i]!);
      t.set(i + 1, i, beta[i]!);
    }
  }
  const evd = new EigenvalueDecomposition(t, { assumeSymmetric: true });
  const vals = evd.realEigenvalues;
  const ys = evd.eigenvectorMatrix;
  const order = vals.map((val, i) => [val, i] as const).sort((x, y) => y[0] - x[0]).slice(0, k);
  return {
    values: order.map(([val]) => val),
    vectors: order.map(([, col]) => {
      const out = new Float64Array(n);
      for (let s = 0; s < m; s++) {
        const c = ys.get(s, col);
        const u = q[s]!;
        for (let i = 0; i < n; i++) out[i]! += c * u[i]!;
      }
      return out;
    }),
  };
}

/** Coordinates from the top eigenpairs: each eigenvector scaled by √λ (0 where λ ≤ 0), its largest component positive. */
export function coordsFromEigen(eig: EigenPairs, n: number, dims: number): MdsResult {
  const coords = new Float64Array(n * dims);
  const eigenvalues: number[] = [];
  for (let k = 0; k < dims; k++) {
    const lambda = eig.values[k] ?? 0;
    const vec = eig.vectors[k];
    const pos = Number.isFinite(lambda) && lambda > 0 ? lambda : 0;
    eigenvalues.push(pos);
    if (!vec || pos === 0) continue;
    // a deterministic sign: the largest component is positive
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(vec[i]!) > Math.abs(big)) big = vec[i]!;
    const sign = big < 0 ? -1 : 1;
    let len = 0;
    for (let i = 0; i < n; i++) len += vec[i]! * vec[i]!;
    const scale = (sign * Math.sqrt(pos)) / Math.sqrt(len || 1);
    for (let i = 0; i < n; i++) coords[i * dims + k] = vec[i]! * scale;
  }
  return { coords, dims, eigenvalues };
}

/** Classical MDS of a square n × n distance matrix into `dims` dimensions. */
export function classicalMds(dist: ArrayLike<number>, n: number, dims = 2): MdsResult {
  if (n < 2) return { coords: new Float64Array(n * dims), dims, eigenvalues: new Array<number>(dims).fill(0) };
  const b = doubleCentre(dist, n);
  return coordsFromEigen(n <= FULL_LIMIT ? topEigenFull(b, n, dims) : topEigenLanczos(b, n, dims), n, dims);
}

/**
 * Classical MDS of a condensed distance vector with an eigensolver that works on it
 * directly (the native core's: no n × n matrices), the same coordinates as classicalMds
 * of its square form up to the solver's rounding.
 */
export async function classicalMdsCondensed(condensed: Float64Array, n: number, dims: number,
  topEigen: (condensed: Float64Array, n: number, k: number) => Promise<EigenPairs>): Promise<MdsResult> {
  if (n < 2) return { coords: new Float64Array(n * dims), dims, eigenvalues: new Array<number>(dims).fill(0) };
  return coordsFromEigen(await topEigen(condensed, n, Math.min(dims, n)), n, dims);
}
