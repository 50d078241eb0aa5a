/**
 * Straightforward references for the RDM comparisons and linear CKA, written
 * from the definitions (docs/definitions.md, "RDM comparisons" and "Linear
 * CKA") with no shortcuts: tau-a is O(n²) here.
 * Its pearson and averageRanks are the ones every test reference uses.
 */

/** The entries of a and b where neither is NaN. */
export function dropNaN(a: ArrayLike<number>, b: ArrayLike<number>): [number[], number[]] {
  const ka: number[] = [];
  const kb: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]!) || Number.isNaN(b[i]!)) continue;
    ka.push(a[i]!);
    kb.push(b[i]!);
  }
  return [ka, kb];
}

const isConstant = (x: number[]): boolean => x.every((v) => v === x[0]);

/** Ranks from 1, ties given the average of their positions (NaN-free input). */
export function averageRanks(x: ArrayLike<number>): number[] {
  const idx = Array.from({ length: x.length }, (_, i) => i).sort((p, q) => x[p]! - x[q]!);
  const r = new Array<number>(x.length).fill(0);
  for (let s = 0; s < idx.length;) {
    let e = s + 1;
    while (e < idx.length && x[idx[e]!] === x[idx[s]!]) e++;
    for (let k = s; k < e; k++) r[idx[k]!] = (s + 1 + e) / 2;
    s = e;
  }
  return r;
}

/**
 * Pearson's r straight from its formula, with no guards: NaN where a value is
 * NaN or a side has zero variance (0/0), whatever the length.
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const m = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < m; i++) { ma += a[i]!; mb += b[i]!; }
  ma /= m;
  mb /= m;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < m; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** pearson, NaN for fewer than 2 entries or an exactly constant side. */
function pearsonKept(a: number[], b: number[]): number {
  if (a.length < 2 || isConstant(a) || isConstant(b)) return NaN;
  return pearson(a, b);
}

export function pearsonRef(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearsonKept(...dropNaN(a, b));
}

export function spearmanRef(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const [ka, kb] = dropNaN(a, b);
  return pearsonKept(averageRanks(ka), averageRanks(kb));
}

export function rhoARef(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const [ka, kb] = dropNaN(a, b);
  const m = ka.length;
  if (m < 2 || isConstant(ka) || isConstant(kb)) return NaN;
  const ra = averageRanks(ka);
  const rb = averageRanks(kb);
  const mean = ra.reduce((s, v) => s + v, 0) / m;
  let s = 0;
  for (let i = 0; i < m; i++) s += (ra[i]! - mean) * (rb[i]! - mean);
  return (12 * s) / (m ** 3 - m);
}

export function tauARef(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const [ka, kb] = dropNaN(a, b);
  const m = ka.length;
  if (m < 2 || isConstant(ka) || isConstant(kb)) return NaN;
  let s = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) s += Math.sign(ka[i]! - ka[j]!) * Math.sign(kb[i]! - kb[j]!);
  }
  return s / ((m * (m - 1)) / 2);
}

export function cosineRef(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const [ka, kb] = dropNaN(a, b);
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < ka.length; i++) {
    sab += ka[i]! * kb[i]!;
    saa += ka[i]! ** 2;
    sbb += kb[i]! ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

export const compareRef = {
  pearson: pearsonRef,
  r2: (a: ArrayLike<number>, b: ArrayLike<number>) => pearsonRef(a, b) ** 2,
  spearman: spearmanRef,
  'rho-a': rhoARef,
  'tau-a': tauARef,
  cosine: cosineRef,
} as const;

/** K = X·Xᵀ (n × n, full) of a row-major n × d matrix. */
export function linearKernel(x: ArrayLike<number>, n: number): number[][] {
  const d = x.length / n;
  const k: number[][] = [];
  for (let i = 0; i < n; i++) {
    k.push([]);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let f = 0; f < d; f++) s += x[i * d + f]! * x[j * d + f]!;
      k[i]!.push(s);
    }
  }
  return k;
}

/** H·M·H with H = I − 11ᵀ/n. */
export function doubleCentre(m: number[][]): number[][] {
  const n = m.length;
  const row = m.map((r) => r.reduce((s, v) => s + v, 0) / n);
  const col = m[0]!.map((_, j) => m.reduce((s, r) => s + r[j]!, 0) / n);
  const all = row.reduce((s, v) => s + v, 0) / n;
  return m.map((r, i) => r.map((v, j) => v - row[i]! - col[j]! + all));
}

const frob = (a: number[][], b: number[][]): number =>
  a.reduce((s, r, i) => s + r.reduce((t, v, j) => t + v * b[i]![j]!, 0), 0);

/** Biased linear CKA: tr(KHLH) / sqrt(tr(KHKH)·tr(LHLH)). */
export function ckaBiasedRef(x: ArrayLike<number>, y: ArrayLike<number>, n: number): number {
  const kc = doubleCentre(linearKernel(x, n));
  const lc = doubleCentre(linearKernel(y, n));
  return frob(kc, lc) / Math.sqrt(frob(kc, kc) * frob(lc, lc));
}

/** Song et al. (2012) unbiased HSIC, straight from its formula on K̃, L̃ (zero diagonals). */
export function hsicUnbiasedRef(k: number[][], l: number[][]): number {
  const n = k.length;
  const kt = k.map((r, i) => r.map((v, j) => (i === j ? 0 : v)));
  const lt = l.map((r, i) => r.map((v, j) => (i === j ? 0 : v)));
  const tr = frob(kt, lt); // tr(K̃L̃) for symmetric matrices
  const sumK = kt.reduce((s, r) => s + r.reduce((t, v) => t + v, 0), 0);
  const sumL = lt.reduce((s, r) => s + r.reduce((t, v) => t + v, 0), 0);
  const rowK = kt.map((r) => r.reduce((t, v) => t + v, 0));
  const rowL = lt.map((r) => r.reduce((t, v) => t + v, 0));
  const cross = rowK.reduce((s, v, i) => s + v * rowL[i]!, 0); // 1ᵀK̃L̃1
  return (tr + (sumK * sumL) / ((n - 1) * (n - 2)) - (2 / (n - 2)) * cross) / (n * (n - 3));
}

export function ckaUnbiasedRef(x: ArrayLike<number>, y: ArrayLike<number>, n: number): number {
  const k = linearKernel(x, n);
  const l = linearKernel(y, n);
  return hsicUnbiasedRef(k, l) / Math.sqrt(hsicUnbiasedRef(k, k) * hsicUnbiasedRef(l, l));
}
