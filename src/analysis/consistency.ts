/**
 * Representational consistency of a set of RDMs (or of equal subsets of
 * their entries): the K × K matrix of the comparison, its means over pairs,
 * and the pair list of results.json. See docs/definitions.md, "RDM
 * comparisons" and "Representational consistency".
 */
import { gather } from './classStructure.js';
import type { AnalysisEngines, BaseMethod, CompareMethod } from './engines.js';
import type { ConsistencySummary, PairResult } from './types.js';

/** r² is reported beside r for every method, so comparisons run on the r-valued base method. */
export function baseMethod(compare: CompareMethod): BaseMethod {
  return compare === 'r2' ? 'pearson' : compare;
}

/** K × K row-major matrix as rows (what results.json holds). */
export function toRows(m: ArrayLike<number>, k: number): number[][] {
  const rows: number[][] = [];
  for (let a = 0; a < k; a++) rows.push(Array.from({ length: k }, (_, b) => m[a * k + b]!));
  return rows;
}

/** Mean of r and r² over pairs a < b (NaN pairs are left out). */
export function summarise(matrixR: Float64Array, k: number, entries: number): ConsistencySummary {
  let sr = 0;
  let sr2 = 0;
  let count = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const r = matrixR[a * k + b]!;
      if (Number.isNaN(r)) continue;
      sr += r;
      sr2 += r * r;
      count++;
    }
  }
  return {
    mean_r: count > 0 ? sr / count : NaN,
    mean_r2: count > 0 ? sr2 / count : NaN,
    entries,
    matrix_r2: toRows(matrixR.map((v) => v * v), k),
  };
}

export interface Consistency {
  /** K × K of the base method (r for pearson) */
  matrix: Float64Array;
  summary: ConsistencySummary;
}

/** Consistency from an already computed K × K matrix of vectors of `entries` entries; null when undefined (K < 2 or under 3 entries). */
export function consistencyFromMatrix(matrix: Float64Array, k: number, entries: number): Consistency | null {
  if (k < 2 || entries < 3) return null;
  return { matrix, summary: summarise(matrix, k, entries) };
}

/**
 * Consistency over all entries, the within-category entries and the between-category
 * entries of the same K RDMs. Pearson with an engine that does it in one pass skips the
 * gathered copies; otherwise each subset is gathered and compared on its own.
 */
export async function consistencyWithinBetween(vectors: readonly Float64Array[], split: { within: Uint32Array; between: Uint32Array },
  method: BaseMethod, threads: number, engines: AnalysisEngines): Promise<{
  all: Consistency | null; within: Consistency | null;
  /**
   * The between-category consistency of these vectors, passed again rather than kept here:
   * a gathering `between` copies its subset at once, so the caller may free the vectors
   * while it compares them
   */
  between: (vectors: readonly Float64Array[]) => Promise<Consistency | null>;
  /** whether `between` gathers copies (then freeing the vectors makes room for them) */
  gathers: boolean;
}> {
  const k = vectors.length;
  const joint = method === 'pearson' && k >= 2 && engines.compare.pearsonWithinBetween
    ? await engines.compare.pearsonWithinBetween(vectors, split.within, threads) : null;
  if (joint) {
    const between = consistencyFromMatrix(joint.between, k, split.between.length);
    return {
      all: consistencyFromMatrix(joint.full, k, vectors[0]!.length),
      within: consistencyFromMatrix(joint.within, k, split.within.length),
      between: () => Promise.resolve(between),
      gathers: false,
    };
  }
  return {
    all: await consistencyOf(vectors, method, threads, engines),
    within: await consistencyOf(vectors.map((v) => gather(v, split.within)), method, threads, engines),
    between: (vs) => consistencyOf(vs.map((v) => gather(v, split.between)), method, threads, engines),
    gathers: true,
  };
}

/** Consistency of K vectors of equal length; null when it is undefined (K < 2 or under 3 entries). */
export async function consistencyOf(vectors: readonly Float64Array[], method: BaseMethod, threads: number,
  engines: AnalysisEngines): Promise<Consistency | null> {
  const k = vectors.length;
  const entries = vectors[0]?.length ?? 0;
  if (k < 2 || entries < 3) return null;
  return consistencyFromMatrix(await engines.compare.compareAll(vectors, method, threads), k, entries);
}

/** Mantel p-values of one layer, K × K row-major (NaN where not tested), raw and corrected. */
export interface PairPValues {
  p: Float64Array;
  pCorrected: Float64Array;
}

/** Every pair a < b with r, r² and, where the Mantel tests ran, p and corrected p. */
export function pairList(instances: readonly string[], matrix: Float64Array | undefined, tests?: PairPValues): PairResult[] {
  const k = instances.length;
  const pairs: PairResult[] = [];
  if (!matrix) return pairs;
  const orNull = (v: number | undefined): number | null => (v === undefined || Number.isNaN(v) ? null : v);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const r = matrix[a * k + b]!;
      pairs.push({
        a: instances[a]!, b: instances[b]!, r, r2: r * r,
        p: orNull(tests?.p[a * k + b]), p_corrected: orNull(tests?.pCorrected[a * k + b]),
      });
    }
  }
  return pairs;
}
