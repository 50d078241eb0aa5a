/**
 * Second-order analysis: every (instance, layer) RDM compared with every
 * other, and classical MDS of 1 − r, so each instance becomes a trajectory
 * through its layers. See docs/definitions.md, "Second-order analysis".
 *
 * The K · L RDMs are compared in tiles that fit the memory budget: the
 * (instance, layer) items are cut into groups, and groups A and B are read
 * together and compared, which fills the A × B blocks of the matrix. Every
 * entry is the comparison of two whole RDMs, so the tiling changes which RDMs
 * are in memory, not what is compared; with a budget that holds them all it
 * is one comparison of every RDM, as in memory.
 */
import { toRows } from './consistency.js';
import type { AnalysisEngines, BaseMethod } from './engines.js';
import { classicalMds } from './mds.js';
import type { RdmSet } from './rdmSet.js';
import type { AnalysisOptions, SecondOrderResult } from './types.js';

/** Default budget for RDMs held at once when the caller gives none. */
export const DEFAULT_RDM_MEMORY = 4 * 1024 ** 3;

/**
 * Items per group so that two groups' RDMs fit the budget: each RDM is held
 * as float64 and the comparison makes a working copy of each, so 2 × 2 × 8
 * bytes per entry; at least 1.
 */
export function itemsPerGroup(set: RdmSet, budgetBytes: number): number {
  const perItem = ((set.n * (set.n - 1)) / 2) * 8 * 2;
  return Math.max(1, Math.min(set.instances.length * set.layers.length, Math.floor(budgetBytes / (2 * Math.max(1, perItem)))));
}

export async function secondOrder(set: RdmSet, method: BaseMethod, opts: Pick<AnalysisOptions, 'threads' | 'memory' | 'checkCancelled' | 'release'>,
  engines: AnalysisEngines): Promise<SecondOrderResult | null> {
  const k = set.instances.length;
  const l = set.layers.length;
  const m = k * l;
  if (m < 2 || set.n < 3) return null;
  const items = set.instances.flatMap((instance) => set.layers.map((layer) => ({ instance, layer: layer.name })));
  // items are instance-major: (instance i, layer j) is row i·L + j
  const matrix = new Float64Array(m * m).fill(Number.NaN);
  const g = itemsPerGroup(set, opts.memory ?? DEFAULT_RDM_MEMORY);
  const groups: number[][] = [];
  for (let s = 0; s < m; s += g) groups.push(Array.from({ length: Math.min(g, m - s) }, (_, i) => s + i));
  for (let a = 0; a < groups.length; a++) {
    for (let b = a; b < groups.length; b++) {
      opts.checkCancelled?.();
      opts.release?.();
      // rows in order, so that one group holding every item compares exactly as one call over all RDMs
      const rows = a === b ? groups[a]! : [...groups[a]!, ...groups[b]!];
      const vectors: Float64Array[] = [];
      for (const r of rows) vectors.push(await set.read(r % l, Math.floor(r / l), 'full'));
      const tile = await engines.compare.compareAll(vectors, method, opts.threads);
      const t = vectors.length;
      for (let x = 0; x < t; x++) for (let y = 0; y < t; y++) matrix[rows[x]! * m + rows[y]!] = tile[x * t + y]!;
    }
  }
  // dissimilarity of two RDMs: 1 − r (0 for identical RDMs)
  const dist = new Float64Array(m * m);
  for (let i = 0; i < m * m; i++) dist[i] = 1 - matrix[i]!;
  for (let i = 0; i < m; i++) dist[i * m + i] = 0;
  const mds = classicalMds(dist, m, 2);
  return {
    method,
    items,
    matrix: toRows(matrix, m),
    mds: items.map((it, i) => ({ ...it, x: mds.coords[i * 2]!, y: mds.coords[i * 2 + 1]! })),
  };
}
