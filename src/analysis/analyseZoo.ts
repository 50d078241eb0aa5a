/**
 * The whole analysis of one zoo, from its RDMs (rdmSet.ts), one layer at a
 * time: consistency of every instance pair, its bootstrap interval, Mantel
 * tests corrected over pairs × layers, centroid/exemplar consistency
 * (a)–(d); across layers the second-order matrix and its MDS; behaviour from
 * the predicted labels; and the RDMs and stimulus maps the report draws.
 * Memory holds one layer's K RDMs (and the second-order analysis a budgeted
 * group of layers), never the zoo's K · L. Definitions: docs/definitions.md.
 */
import { UserError } from '../errors.js';
import { analyseBehaviour } from './behaviour.js';
import { withinBetweenIndices } from './classStructure.js';
import { collectRdms } from './collectRdms.js';
import { baseMethod, consistencyOf, consistencyWithinBetween, pairList, toRows, type Consistency, type PairPValues } from './consistency.js';
import type { AnalysisEngines, BootstrapResult, MantelFamilyResult } from './engines.js';
import { PhaseTimer } from './phases.js';
import { readLayer, type RdmSet } from './rdmSet.js';
import { secondOrder } from './secondOrder.js';
import { firstMiddleLast, stimulusMaps, type StimulusMaps } from './stimulusMds.js';
import type { AnalysisOptions, ConsistencySummary, InstanceActivations, LayerResult, StimulusLabels, ZooAnalysis, ZooRdms } from './types.js';

/**
 * RDMs the Mantel engine may take in one call: within `memory` bytes (beside
 * each float64 condensed input it keeps square float32 rows, residuals and a
 * byte screen: measured about 4.5 × the input per RDM), and few enough that
 * its fast dot engine applies: native/core/mantel.cc switches to the slow
 * generic engine when N²·(10k − 4) bytes exceed 2 GiB (at N = 10,000 that is
 * k = 3, which ran > 20 min per layer instead of minutes). At least 2.
 */
export function mantelRdmsWithin(memory: number, n: number): number {
  const byMemory = Math.floor(memory / (4.5 * ((n * (n - 1)) / 2) * 8));
  const byDotEngine = Math.floor((2 * 1024 ** 3 / (n * n) + 4) / 10);
  return Math.max(2, Math.min(byMemory, byDotEngine));
}

/** Predicted labels of every instance (for behaviour), with the number of logits. */
export interface ZooPredictions {
  predictions: Int32Array[];
  width: number;
}

/** What analysing a zoo gives: the results document's part, and the RDMs and maps kept for figures and the zoo comparison. */
export interface ZooAnalysisOutput {
  result: ZooAnalysis;
  /** where the zoo's RDMs are (the zoo comparison reads them again) */
  rdmSet: RdmSet;
  /** the RDMs the report shows: two instances at the first, middle and last layer */
  shown: ZooRdms;
  stimulusMaps: StimulusMaps;
}

export async function analyseZoo(name: string, set: RdmSet, predictions: ZooPredictions | null, stimuli: StimulusLabels,
  opts: AnalysisOptions, engines: AnalysisEngines): Promise<ZooAnalysisOutput> {
  const timer = opts.timer ?? new PhaseTimer();
  const skipped: string[] = [];
  const method = baseMethod(opts.compare);
  const instances = [...set.instances];
  const k = instances.length;
  const n = stimuli.n;
  if (k === 0) throw new UserError(`zoo ${name}: no instances to analyse`);
  if (k < 2) skipped.push(`zoo ${name} has 1 instance: consistency between instances, its intervals, Mantel tests and error consistency need at least 2`);
  const labels = stimuli.labels;
  if (!labels) skipped.push('the stimuli have no labels: centroid/exemplar analysis, accuracy, error consistency and confusion matrices skipped');

  const split = labels ? withinBetweenIndices(labels) : undefined;
  // statistics are memoised only where every RDM is named by its content (the cache's keys);
  // their keys name the engines too (another implementation computes afresh)
  const memo = opts.memo && set.contentKey ? opts.memo : undefined;
  const layerKeys = (li: number): string[] => instances.map((_, i) => set.contentKey!(li, i, 'full'));
  const layers: LayerResult[] = [];
  const observed: Float64Array[] = []; // per layer, the K × K matrix of `method` (the Mantel tests' observed statistics)
  const consistencyOfLayer = (vectors: readonly Float64Array[]) => consistencyOf(vectors, method, opts.threads, engines);
  const statMethod = opts.compare === 'pearson' ? 'r2' : opts.compare;
  const empty: ConsistencySummary = { mean_r: NaN, mean_r2: NaN, entries: (n * (n - 1)) / 2, matrix_r2: [[1]] };
  for (const [li, layer] of set.layers.entries()) {
    opts.checkCancelled?.();
    // One layer's K RDMs at a time; the order below lets `full` go before the large
    // between-category subsets are compared, so at most two sets of K vectors are held.
    let full: Float64Array[] | null = await readLayer(set, li, 'full');
    // the between-category consistency, computed (when it needs gathered copies) after `full` is let go
    let betweenOf: ((vectors: readonly Float64Array[]) => Promise<Consistency | null>) | null = null;
    let betweenGathers = false;
    const result = await timer.time('consistency', async (): Promise<LayerResult> => {
      let main: Consistency | null;
      let within: Consistency | null = null;
      if (split) {
        const c = await consistencyWithinBetween(full!, split, method, opts.threads, engines);
        main = c.all;
        within = c.within;
        betweenOf = c.between;
        betweenGathers = c.gathers;
      } else {
        main = await consistencyOfLayer(full!);
      }
      if (main) observed.push(main.matrix);
      const summary = main?.summary ?? empty;
      return {
        name: layer.name,
        n: layer.n,
        d: layer.d,
        consistency: { ...summary, method: opts.compare, matrix_r: main ? toRows(main.matrix, k) : [[1]], ci95: null, ci_method: null, pairs: [] },
        centroid: null,
        within_category: within?.summary ?? null,
        between_category: null,
        centroid_removed: null,
      };
    });
    if (k >= 2 && opts.bootstrap > 0) {
      await timer.time('bootstrap', async () => {
        const inputs = memo ? { kind: 'bootstrap', rdms: layerKeys(li), n, method: statMethod, samples: opts.bootstrap, seed: opts.seed, engines: engines.describe() } : null;
        const stored = inputs ? memo!.get(inputs, bootstrapFromJson) : null;
        const b = stored
          ?? await engines.stats.bootstrapMean({ rdms: full!, n, method: statMethod, samples: opts.bootstrap, seed: opts.seed, threads: opts.threads });
        if (inputs && !stored) memo!.put(inputs, b);
        result.consistency.ci95 = [b.lo, b.hi];
        result.consistency.ci_method = `${b.over === 'both' ? 'two-factor bootstrap (stimuli × instances)' : `bootstrap over ${b.over}`}, ${b.interval}, ${opts.bootstrap} samples, mean ${statMethod}`;
        timer.progress('bootstrap', name, li + 1, set.layers.length);
      });
    }
    if (betweenOf) {
      const between: (vectors: readonly Float64Array[]) => Promise<Consistency | null> = betweenOf;
      await timer.time('consistency', async () => {
        // a gathering `between` holds its copies; the layer's RDMs can go first (a full
        // collection costs ~25 ms: only where there are copies to make room for)
        const pending = between(full!);
        if (betweenGathers) {
          full = null;
          opts.release?.();
        }
        result.between_category = (await pending)?.summary ?? null;
      });
    }
    full = null;
    opts.release?.();
    if (set.hasCentroids) {
      await timer.time('consistency', async () => {
        result.centroid = (await consistencyOfLayer(await readLayer(set, li, 'centroids')))?.summary ?? null;
        result.centroid_removed = (await consistencyOfLayer(await readLayer(set, li, 'centroid-removed')))?.summary ?? null;
      });
    }
    layers.push(result);
    timer.progress('consistency', name, li + 1, set.layers.length);
  }
  timer.finish('consistency', name);
  if (k >= 2 && opts.bootstrap > 0) timer.finish('bootstrap', name);
  if (set.hasCentroids && layers.length > 0 && (await set.read(0, 0, 'centroids')).length < 3) {
    skipped.push('fewer than 3 classes: the centroid RDMs have under 3 entries, so centroid consistency is undefined');
  }

  let mantel: ZooAnalysis['mantel'] = null;
  const tests: PairPValues[] = [];
  if (k >= 2) {
    if (opts.permutations > 0) {
      await timer.time('mantel', async () => {
        const inputs = memo ? {
          kind: 'mantel', rdms: set.layers.map((_, li) => layerKeys(li)), n, method, permutations: opts.permutations, seed: opts.seed, engines: engines.describe(),
        } : null;
        const stored = inputs ? memo!.get(inputs, (v) => mantelFromJson(v, set.layers.length, k)) : null;
        const m = stored ?? await engines.stats.mantelFamily({
          layers: {
            count: set.layers.length,
            load: (li) => {
              opts.release?.();
              return readLayer(set, li, 'full');
            },
          },
          observed: observed.length === set.layers.length ? observed : undefined,
          n, method, permutations: opts.permutations, seed: opts.seed, threads: opts.threads,
          onProgress: timer.reporter('mantel', name),
          maxRdms: mantelRdmsWithin(opts.memory ?? Number.POSITIVE_INFINITY, n),
        });
        if (inputs && !stored) memo!.put(inputs, m);
        timer.finish('mantel', name);
        m.p.forEach((p, li) => tests[li] = { p, pCorrected: m.pCorrected[li]! });
        mantel = { permutations: m.permutations, exact: m.exact, correction: 'max-statistic over pairs × layers' };
      });
    } else {
      skipped.push('--permutations 0: no Mantel tests');
    }
  }

  for (const [li, layer] of layers.entries()) layer.consistency.pairs = pairList(instances, observed[li], tests[li]);

  const second_order = await timer.time('second_order', () => secondOrder(set, method, opts, engines));
  if (!second_order) skipped.push('second-order MDS needs at least 2 (instance, layer) RDMs');

  let behaviour: ZooAnalysis['behaviour'] = null;
  await timer.time('behaviour', () => {
    if (!labels) return;
    if (!predictions || predictions.predictions.length !== k) {
      skipped.push('no logits from the models: behaviour skipped');
      return;
    }
    const classes = Math.max(predictions.width, stimuli.classes?.length ?? 0);
    behaviour = analyseBehaviour(predictions.predictions, labels, classes);
  });

  const shown = await shownRdms(set);
  return {
    result: { name, instances, layers, behaviour, second_order, mantel, skipped },
    rdmSet: set,
    shown,
    stimulusMaps: await timer.time('second_order', () => stimulusMaps(shown, engines.mds, opts.threads)),
  };
}

/** Two instances at the first, middle and last layer: what the report draws. */
async function shownRdms(set: RdmSet): Promise<ZooRdms> {
  const layerNames = set.layers.map((l) => l.name);
  const layers = firstMiddleLast(layerNames);
  const instances = set.instances.slice(0, 2);
  const rdms: Float64Array[][] = [];
  for (const layer of layers) {
    const li = layerNames.indexOf(layer);
    rdms.push(await Promise.all(instances.map((_, ii) => set.read(li, ii, 'full'))));
  }
  return { layers, instances, n: set.n, rdms };
}

/** A zoo streamed as activations (one instance at a time), analysed from RDMs held in memory. */
export interface ZooSource {
  name: string;
  /** instance count, when known up front (for progress) */
  expectedInstances?: number;
  activations: AsyncIterable<InstanceActivations>;
}

export async function analyseZooActivations(zoo: ZooSource, stimuli: StimulusLabels, opts: AnalysisOptions, engines: AnalysisEngines): Promise<ZooAnalysisOutput> {
  const timer = opts.timer ?? new PhaseTimer();
  const { set, predictions } = await collectRdms(zoo.name, zoo.activations, stimuli, opts, engines, timer, zoo.expectedInstances);
  return analyseZoo(zoo.name, set, predictions, stimuli, { ...opts, timer }, engines);
}

// Memoised statistics (AnalysisOptions.memo), checked when read back (stored as JSON: NaN as null).
type JsonNumber = number | null;
const isJsonNumber = (x: unknown): x is JsonNumber => x === null || typeof x === 'number';
const numbers = (v: readonly JsonNumber[]): Float64Array => Float64Array.from(v, (x) => (x === null ? NaN : x));

function bootstrapFromJson(v: unknown): BootstrapResult | null {
  const o = v as { lo?: unknown; hi?: unknown; interval?: unknown; over?: unknown } | null;
  if (!o || !isJsonNumber(o.lo) || !isJsonNumber(o.hi) || (o.interval !== 'percentile' && o.interval !== 'bca')
    || (o.over !== 'both' && o.over !== 'stimuli' && o.over !== 'instances')) return null;
  return { lo: o.lo ?? NaN, hi: o.hi ?? NaN, interval: o.interval, over: o.over };
}

function mantelFromJson(v: unknown, layers: number, k: number): MantelFamilyResult | null {
  const o = v as { statistic?: unknown; p?: unknown; pCorrected?: unknown; permutations?: unknown; exact?: unknown } | null;
  const matrices = (x: unknown): x is JsonNumber[][] => Array.isArray(x) && x.length === layers
    && x.every((m) => Array.isArray(m) && m.length === k * k && m.every(isJsonNumber));
  if (!o || !matrices(o.statistic) || !matrices(o.p) || !matrices(o.pCorrected)
    || typeof o.permutations !== 'number' || typeof o.exact !== 'boolean') return null;
  return { statistic: o.statistic.map(numbers), p: o.p.map(numbers), pCorrected: o.pCorrected.map(numbers), permutations: o.permutations, exact: o.exact };
}
