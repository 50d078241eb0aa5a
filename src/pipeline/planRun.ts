/**
 * The memory and disk a run will need, decided before any work: from N, each
 * layer's features, K instances, L layers and the analyses asked for, the
 * largest step is estimated and checked against the budget (--memory), and
 * the step sizes are chosen to fit: how many layers one extraction pass of an
 * instance holds, the images per batch, and how many layers the second-order
 * tiles hold. A layer whose activations alone exceed what a pass may hold
 * (or --spill-above) is spilled: extraction writes its rows to a file batch
 * by batch and its RDMs are computed out of core in segments of rows
 * (native/core/rdm_out_of_core.h); the files need disk, checked with the RDMs'.
 * A budget that cannot be met is refused in one line that says what would be
 * needed and what lowers it. `run --plan` prints the plan.
 */
import { statfsSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { totalmem } from 'node:os';
import { mantelRdmsWithin } from '../analysis/analyseZoo.js';
import { entriesPerBlock } from '../analysis/secondOrder.js';
import { UserError } from '../errors.js';
import type { ResolvedLayer } from '../zoo/resolveLayers.js';

export const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** Default budget: half the machine's memory, at most 16 GiB. */
export function defaultMemoryBudget(): number {
  return Math.min(16 * GIB, totalmem() / 2);
}

/** Node, onnxruntime and the modules before any data (measured: 0.16 GiB resident for `seedscope run`, plus a margin). */
const BASELINE = 0.2 * GIB;

export interface ZooPlanInput {
  name: string;
  instances: number;
  /** instances of the zoo it is analysed in, when more (a mixed zoo's part) */
  analysedInstances?: number;
  layers: readonly ResolvedLayer[];
  /** floats per stimulus of the model input */
  inputSize: number;
  /** RDM entries already in the cache (not computed, not written again) */
  cached: number;
  /** entries the zoo needs in all (instances × layers × variants) */
  entries: number;
  /** the model's output tensor (the logits): held in memory, never spilled (predictions need it) */
  output?: string | null;
}

export interface PlanInput {
  n: number;
  /** classes present (the centroid RDMs are C × C); 0 without labels */
  classes: number;
  zoos: readonly ZooPlanInput[];
  permutations: number;
  bootstrap: number;
  /** the second-order comparison is pearson (r, r²), which is streamed in blocks of entries (secondOrder.ts) */
  secondOrderStreamed: boolean;
  budget: number;
  /** where the RDM cache lives (its free space is checked) */
  cacheDir: string;
  /** spill layers whose activations exceed this many bytes even when a pass could hold them (--spill-above) */
  spillAbove?: number;
  /** a run without a cache (--no-cache): its RDMs are held in memory when they fit the budget beside the peak */
  noCache?: boolean;
}

export interface PlanStep {
  step: string;
  bytes: number;
}

export interface RunPlan {
  budget_bytes: number;
  peak_bytes: number;
  /** the estimate of every step; the peak is the largest plus the baseline */
  steps: PlanStep[];
  /**
   * per zoo, the layers each extraction pass of an instance runs, and those of them whose
   * activations are spilled to a file (larger than a pass may hold, or than --spill-above)
   * instead of held: their RDMs are computed out of core, in segments of rows
   */
  extraction_passes: { zoo: string; passes: string[][]; spilled: string[] }[];
  /** spilled layers: bytes the row segments of their out-of-core RDMs may take; null when nothing is spilled */
  spill_segment_bytes: number | null;
  /** MiB of model tensors per extraction batch */
  batch_mib: number;
  /** (instance, layer) RDMs per second-order tile group (the tiled comparison: rank methods, NaN entries) */
  second_order_group: number;
  /** entries of every (instance, layer) RDM per block of the streamed second-order comparison (pearson); null when tiled */
  second_order_block_entries: number | null;
  /**
   * --no-cache: bytes of the RDMs held in memory (float32, as stored) instead of a temporary
   * folder, when they fit the budget beside the rest of the peak (then counted in peak_bytes and
   * not in disk.need_bytes); null when they go to files
   */
  rdms_in_memory_bytes: number | null;
  /** need_bytes: new RDMs; spill_bytes: the largest pass's spill files (a hidden temporary folder in the cache folder, removed as each layer's RDMs are done) */
  disk: { cache_dir: string; need_bytes: number; spill_bytes: number; free_bytes: number | null };
}

const condensed = (n: number): number => (n * (n - 1)) / 2;

/** Whether a layer's activations go to a file instead of memory: larger than a pass may hold, or than --spill-above. */
function spills(l: ResolvedLayer, n: number, passBytes: number, spillAbove: number | undefined): boolean {
  const b = n * l.size * 4;
  return b > passBytes || (spillAbove !== undefined && b > spillAbove);
}

/**
 * Layers grouped so that one pass's activations (N × ΣD float32) fit `bytes`; a spilled layer
 * takes no memory in its pass (its rows go to a file batch by batch).
 */
function passesFor(layers: readonly ResolvedLayer[], n: number, bytes: number, spilled: (l: ResolvedLayer) => boolean): ResolvedLayer[][] {
  const passes: ResolvedLayer[][] = [];
  let current: ResolvedLayer[] = [];
  let used = 0;
  for (const l of layers) {
    const b = spilled(l) ? 0 : n * l.size * 4;
    if (current.length > 0 && used + b > bytes) {
      passes.push(current);
      current = [];
      used = 0;
    }
    current.push(l);
    used += b;
  }
  if (current.length > 0) passes.push(current);
  return passes;
}

function freeBytes(dir: string): number | null {
  let d = dir;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  try {
    const s = statfsSync(d);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return null;
  }
}

export const fmtGiB = (b: number): string => `${(b / GIB).toFixed(b < 10 * GIB ? 2 : 1)} GiB`;

export function planRun(input: PlanInput): RunPlan {
  const { n, budget } = input;
  const rdm64 = condensed(n) * 8;
  const analysed = (z: ZooPlanInput): number => Math.max(z.instances, z.analysedInstances ?? 0);
  const maxK = Math.max(...input.zoos.map(analysed));
  const steps: PlanStep[] = [];
  // The analysis of one layer holds its K RDMs (float64). Measured at N = 3,000, K = 10
  // (RSS over a 0.17 GiB baseline): the consistencies with the between-category subsets
  // and the comparison's working copies about 3 × that, the Mantel engine (its square
  // float32 rows, residuals and byte screen beside the inputs) about 4.5 ×.
  steps.push({ step: `consistency of one layer (${maxK} RDMs of ${n} stimuli and their subsets)`, bytes: 3 * maxK * rdm64 });
  if (input.permutations > 0 && maxK >= 2) {
    // more RDMs than fit are tested in blocks of instances (stats/permtest.ts), same p-values
    const held = Math.min(maxK, mantelRdmsWithin(Math.max(budget - BASELINE, 0), n));
    steps.push({ step: `Mantel tests of one layer (${held} of its ${maxK} RDMs at a time)`, bytes: 4.5 * held * rdm64 });
  }
  const stimuliBytes = Math.max(...input.zoos.map((z) => z.inputSize)) * n * 4 * 2;
  steps.push({ step: 'the stimuli (raw and preprocessed)', bytes: stimuliBytes });
  // What is left for one extraction pass's activations and a batch of model tensors. Measured
  // at N = 3,000 (default zoo's layers): a pass peaks at about twice its activations (the
  // worker's output buffers beside the arrays the RDMs are computed from) plus onnxruntime's
  // arena for a batch, which grows to a few times the batch's tensors.
  const room = budget - BASELINE - stimuliBytes;
  const batchMib = Math.max(16, Math.min(512, Math.floor((room / 16) / MIB)));
  const passBytes = Math.max((room - 4 * batchMib * MIB - 3 * rdm64) / 2, 0);
  const outputs = new Set(input.zoos.map((z) => z.output).filter((t) => t));
  const spilled = (l: ResolvedLayer): boolean => !outputs.has(l.tensor) && spills(l, n, passBytes, input.spillAbove);
  const zooPasses = input.zoos.map((z) => passesFor(z.layers, n, passBytes, spilled));
  const extraction = input.zoos.map((z, zi) => ({
    zoo: z.name, passes: zooPasses[zi]!.map((p) => p.map((l) => l.name)), spilled: z.layers.filter(spilled).map((l) => l.name),
  }));
  const largestPass = Math.max(...zooPasses.map((ps) => Math.max(...ps.map((p) => p.reduce((a, l) => a + (spilled(l) ? 0 : n * l.size * 4), 0)))));
  // Computing one RDM in memory: the activations of one layer and three condensed outputs (full, centroids, removed).
  const inMemory = input.zoos.flatMap((z) => z.layers.filter((l) => !spilled(l)).map((l) => l.size));
  if (inMemory.length > 0) {
    const largestLayer = Math.max(...inMemory);
    steps.push({ step: `RDMs of the largest layer (${largestLayer} features)`, bytes: n * largestLayer * 4 + 3 * rdm64 });
  }
  // A spilled layer's RDMs out of core: two row segments (and their centroid-removed copies) with
  // their Gram, within what a pass may hold, and the three condensed outputs.
  const anySpilled = extraction.some((z) => z.spilled.length > 0);
  // (at most what one segment of all N rows needs: the rows twice, an N × N Gram, packed panels)
  const spilledSizes = input.zoos.flatMap((z) => z.layers.filter(spilled).map((l) => l.size));
  const wholeSegment = Math.max(0, ...spilledSizes.map((d) => 8 * n * d + 8 * n * n + 8448 * n));
  // (no more than --spill-above either: who spills above a size wants layers held in pieces no larger)
  const segmentBytes = anySpilled ? Math.min(Math.max(64 * MIB, Math.min(passBytes, input.spillAbove ?? Infinity)), wholeSegment) : null;
  if (segmentBytes !== null) steps.push({ step: 'RDMs of a spilled layer, out of core (row segments and their Gram)', bytes: segmentBytes + 3 * rdm64 });
  // spill files of one instance's pass lie on disk together until each layer's RDMs are done
  const spillBytes = Math.max(0, ...zooPasses.flatMap((ps) => ps.map((p) => p.reduce((a, l) => a + (spilled(l) ? n * l.size * 4 : 0), 0))));
  steps.push({ step: 'one extraction pass (activations of the layers it holds, twice) and a batch', bytes: 2 * largestPass + 4 * batchMib * MIB + 3 * rdm64 });
  // second-order tiles: two groups of (instance, layer) RDMs and the comparison's copies (secondOrder.ts)
  const items = Math.max(...input.zoos.map((z) => z.layers.length * analysed(z)));
  const group = Math.max(1, Math.min(items, Math.floor(Math.max(budget - BASELINE, 0) / (2 * 2 * rdm64))));
  const blockEntries = input.secondOrderStreamed ? entriesPerBlock(items, condensed(n), Math.max(budget - BASELINE, 0)) : null;
  if (blockEntries !== null) {
    // pearson reads blocks of entries of every RDM at once (a block and the kernel's packed copy);
    // RDMs with NaN entries fall back to the tiles, which fit the same budget
    steps.push({ step: `second-order blocks (${blockEntries} entries of each of ${items} RDMs)`, bytes: 2 * 8 * items * blockEntries });
  } else {
    steps.push({ step: `second-order tiles (${group} RDM${group === 1 ? '' : 's'} per group)`, bytes: 2 * 2 * group * rdm64 });
  }
  const peak = BASELINE + stimuliBytes + Math.max(...steps.filter((s) => !s.step.startsWith('the stimuli')).map((s) => s.bytes));

  const perEntry = condensed(n) * 4 + 256;
  const perCentroid = condensed(Math.max(2, input.classes)) * 4 + 256;
  let need = 0;
  for (const z of input.zoos) {
    const missing = Math.max(0, z.entries - z.cached);
    // two of every three variants are N × N; the third is C × C
    need += input.classes >= 2 ? (missing * (2 * perEntry + perCentroid)) / 3 : missing * perEntry;
  }
  // --no-cache: the RDMs in memory when they fit beside every step (they are held throughout the run)
  const held = input.noCache === true && peak + need <= budget ? Math.round(need) : null;
  return {
    budget_bytes: budget,
    peak_bytes: peak + (held ?? 0),
    rdms_in_memory_bytes: held,
    steps,
    extraction_passes: extraction,
    spill_segment_bytes: segmentBytes,
    batch_mib: batchMib,
    second_order_group: group,
    second_order_block_entries: blockEntries,
    disk: { cache_dir: input.cacheDir, need_bytes: held === null ? Math.round(need) : 0, spill_bytes: spillBytes, free_bytes: freeBytes(input.cacheDir) },
  };
}

/** Refuses, in one line, a plan whose memory or disk cannot be met. */
export function checkPlan(plan: RunPlan): void {
  if (plan.peak_bytes > plan.budget_bytes) {
    const largest = [...plan.steps].sort((a, b) => b.bytes - a.bytes)[0]!;
    throw new UserError(`--memory ${fmtGiB(plan.budget_bytes)}: the run needs about ${fmtGiB(plan.peak_bytes)} (largest step: ${largest.step}, ${fmtGiB(largest.bytes)}); ` +
      `give --memory ${Math.ceil((plan.peak_bytes / GIB) * 10) / 10} or lower it with --per-class (fewer stimuli: memory grows with N²) or fewer --layers/instances`);
  }
  const { need_bytes: need, spill_bytes: spill, free_bytes: free, cache_dir: dir } = plan.disk;
  if (free !== null && need + spill > free) {
    const spillText = spill > 0 ? ` and up to ${fmtGiB(spill)} of spilled activations` : '';
    throw new UserError(`--cache ${dir}: the run writes about ${fmtGiB(need)} of RDMs${spillText} but only ${fmtGiB(free)} is free there; free space, choose another --cache, or lower --per-class`);
  }
}
