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
 *
 * Pearson (r and r²), the default, is streamed instead when the engine can
 * accumulate a Gram matrix: blocks of entries of all K · L RDMs are read
 * together and their centred cross products summed, so each RDM is read
 * once and memory holds one block, whatever K · L is. RDMs with undefined
 * (NaN) entries keep each pair's own entries, which the tiled comparison
 * does; they take that path.
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
  const budget = opts.memory ?? DEFAULT_RDM_MEMORY;
  // the budget is this step's alone: the previous steps' RDMs (a layer's K, freed but not yet
  // collected) must not stay beside its blocks (measured at K = 100: 4.0 GiB peak instead of 3.1)
  opts.release?.();
  const streamed = method === 'pearson' && engines.compare.gramAccumulate
    ? await pearsonStreamed(set, budget, opts, engines.compare.gramAccumulate.bind(engines.compare))
    : null;
  const matrix = streamed ?? await tiledMatrix(set, method, budget, opts, engines);
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

type Accumulate = NonNullable<AnalysisEngines['compare']['gramAccumulate']>;

/** Entries per block beyond which larger blocks gain nothing: each block is one pass of the Gram kernel over 4 M columns. */
const MAX_BLOCK_ENTRIES = 1 << 22;

/**
 * Entries per block of the streamed comparison: the block of `items` RDMs and
 * the kernel's packed copy of it (2 × 8 bytes per entry) within a quarter of
 * the budget, which leaves the rest to what the run holds besides (stimuli,
 * results); at most MAX_BLOCK_ENTRIES, at least 1.
 */
export function entriesPerBlock(items: number, entries: number, budgetBytes: number): number {
  return Math.max(1, Math.min(entries, MAX_BLOCK_ENTRIES, Math.floor(budgetBytes / 4 / (2 * 8 * Math.max(1, items)))));
}

/**
 * Pearson r of every two (instance, layer) RDMs from blocks of entries: with
 * x shifted by s (the mean of the RDM's first block, so the sums stay small),
 * cov = Σ x'ᵢx'ⱼ − Σx'ᵢ Σx'ⱼ / M over the M entries, r = cov / √(varᵢ varⱼ).
 * Null when an entry is NaN; a constant RDM gives NaN, as compareAll does.
 */
async function pearsonStreamed(set: RdmSet, budget: number, opts: Pick<AnalysisOptions, 'threads' | 'checkCancelled'>,
  accumulate: Accumulate): Promise<Float64Array | null> {
  const l = set.layers.length;
  const m = set.instances.length * l;
  const entries = (set.n * (set.n - 1)) / 2;
  const cols = entriesPerBlock(m, entries, budget);
  const gram = new Float64Array(m * m);
  const sums = new Float64Array(m);
  const shift = new Float64Array(m);
  const first = new Float64Array(m);
  const varies = new Uint8Array(m);
  const block = new Float64Array(m * cols);
  for (let start = 0; start < entries; start += cols) {
    opts.checkCancelled?.();
    const c = Math.min(cols, entries - start);
    for (let r = 0; r < m; r++) {
      // items are instance-major: (instance i, layer j) is row i·L + j
      await set.readRange(r % l, Math.floor(r / l), 'full', start, start + c, block, r * c);
      let s = 0;
      const v0 = start === 0 ? block[r * c]! : first[r]!;
      let same = varies[r] === 0;
      for (let e = r * c; e < (r + 1) * c; e++) {
        const v = block[e]!;
        if (Number.isNaN(v)) return null;
        s += v;
        if (same && v !== v0) same = false;
      }
      if (start === 0) {
        first[r] = v0;
        shift[r] = s / c;
      }
      if (!same) varies[r] = 1;
    }
    await accumulate(block.subarray(0, m * c), m, c, shift, gram, sums, opts.threads);
  }
  const matrix = new Float64Array(m * m);
  const variance = Float64Array.from({ length: m }, (_, i) => gram[i * m + i]! - (sums[i]! * sums[i]!) / entries);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const defined = varies[i] === 1 && varies[j] === 1 && variance[i]! > 0 && variance[j]! > 0;
      matrix[i * m + j] = !defined ? Number.NaN
        : i === j ? 1
        : (gram[i * m + j]! - (sums[i]! * sums[j]!) / entries) / Math.sqrt(variance[i]! * variance[j]!);
    }
  }
  return matrix;
}

/** The matrix by tiles of whole RDMs (every method, NaN patterns included). */
async function tiledMatrix(set: RdmSet, method: BaseMethod, budget: number, opts: Pick<AnalysisOptions, 'threads' | 'checkCancelled' | 'release'>,
  engines: AnalysisEngines): Promise<Float64Array> {
  const l = set.layers.length;
  const m = set.instances.length * l;
  const matrix = new Float64Array(m * m).fill(Number.NaN);
  const g = itemsPerGroup(set, budget);
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
  return matrix;
}
