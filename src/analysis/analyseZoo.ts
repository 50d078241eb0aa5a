/**
 * The whole analysis of one zoo. Instances stream in one at a time; each
 * layer's activations become RDMs (plus the class-centroid RDMs that the
 * centroid/exemplar analysis needs) and are dropped, so memory holds RDMs,
 * never a zoo's activations. Then, per layer: consistency of every instance
 * pair, its bootstrap interval, Mantel tests corrected over pairs × layers,
 * centroid/exemplar consistency (a)–(d); across layers the second-order
 * matrix and its MDS; and behaviour from the logits.
 */
import { UserError } from '../errors.js';
import { analyseBehaviour } from './behaviour.js';
import { classCentroids, classIndex, gather, subtractCentroidsInPlace, withinBetweenIndices, type ClassIndex } from './classStructure.js';
import type { AnalysisEngines, CentroidRequest, CompareMethod } from './engines.js';
import { classicalMds } from './mds.js';
import { PhaseTimer } from './phaseTimer.js';
import { predictedLabels } from './behaviour.js';
import type {
  AnalysisOptions, ConsistencySummary, InstanceActivations, LayerResult, PairResult,
  SecondOrderResult, StimulusLabels, ZooAnalysis, ZooRdms,
} from './types.js';

type BaseMethod = Exclude<CompareMethod, 'cka' | 'r2'>;

/** r² is reported beside r for every method, so comparisons run on the r-valued base method. */
export function baseMethod(compare: AnalysisOptions['compare']): BaseMethod {
  return compare === 'r2' ? 'pearson' : compare;
}

/** Everything kept from streaming the instances. */
interface Collected {
  layers: { name: string; n: number; d: number }[];
  instances: string[];
  full: Float64Array[][];
  centroid: Float64Array[][];
  removed: Float32Array[][];
  predictions: Int32Array[];
  logitsWidth: number;
}

function checkSameLayers(inst: InstanceActivations, layers: Collected['layers'], n: number): void {
  const names = inst.layers.map((l) => l.name).join(',');
  const want = layers.map((l) => l.name).join(',');
  if (names !== want) throw new UserError(`instance ${inst.instance}: expected layers ${want} like the first instance but received ${names}`);
  for (const l of inst.layers) {
    if (l.n !== n) throw new UserError(`instance ${inst.instance}, layer ${l.name}: expected activations for ${n} stimuli but received ${l.n}`);
  }
}

async function collect(source: AsyncIterable<InstanceActivations>, stimuli: StimulusLabels, opts: AnalysisOptions,
  engines: AnalysisEngines, timer: PhaseTimer, expected: number | undefined): Promise<Collected> {
  const c: Collected = { layers: [], instances: [], full: [], centroid: [], removed: [], predictions: [], logitsWidth: 0 };
  const labels = stimuli.labels;
  const idx: ClassIndex | undefined = labels ? classIndex(labels) : undefined;
  const bar = opts.progress?.('extract + RDMs');
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const t0 = performance.now();
      const next = await iterator.next();
      timer.add('extraction', (performance.now() - t0) / 1000);
      if (next.done) break;
      const inst = next.value;
      opts.checkCancelled?.();
      if (c.instances.length === 0) {
        c.layers = inst.layers.map((l) => ({ name: l.name, n: l.n, d: l.d }));
        for (const _ of c.layers) {
          c.full.push([]);
          c.centroid.push([]);
          c.removed.push([]);
        }
      } else {
        checkSameLayers(inst, c.layers, stimuli.n);
      }
      c.instances.push(inst.instance);
      // Predictions first: the logits are often also a layer (the same array), and the
      // centroid analysis below subtracts class centroids from each layer in place.
      if (inst.logits && inst.logitsWidth && inst.logitsWidth > 0) {
        c.predictions.push(predictedLabels(inst.logits, stimuli.n, inst.logitsWidth));
        c.logitsWidth = inst.logitsWidth;
      }
      await timer.time('rdms', async () => {
        for (const [li, layer] of inst.layers.entries()) {
          if (layer.n !== stimuli.n) throw new UserError(`instance ${inst.instance}, layer ${layer.name}: expected activations for ${stimuli.n} stimuli but received ${layer.n}`);
          const req = { n: layer.n, d: layer.d, metric: opts.metric, threads: opts.threads, label: `${inst.instance} ${layer.name}` };
          const full = await engines.rdm.rdm({ ...req, data: layer.data });
          c.full[li]!.push(full);
          if (opts.onRdm) await opts.onRdm(inst.instance, layer.name, layer.n, full);
          if (labels && idx && idx.present.length >= 2) {
            // the activations are ours to drop now, so the centroids are removed in place
            const centroids = await splitCentroids(engines, { data: layer.data, n: layer.n, d: layer.d, labels, idx, threads: opts.threads });
            c.centroid[li]!.push(await engines.rdm.rdm({ ...req, data: centroids, n: idx.present.length, label: `${req.label} class centroids` }));
            c.removed[li]!.push(Float32Array.from(await engines.rdm.rdm({ ...req, data: layer.data, label: `${req.label} centroids removed` })));
          }
          opts.checkCancelled?.();
        }
      });
      bar?.update(c.instances.length, Math.max(expected ?? 0, c.instances.length));
    }
  } finally {
    // stopping early (an error, Ctrl-C) must still close the source, e.g. its session worker
    await iterator.return?.();
  }
  bar?.done();
  return c;
}

/** Class centroids of a layer, which then leaves `data` with them removed (natively where the engines can). */
async function splitCentroids(engines: AnalysisEngines, req: CentroidRequest): Promise<Float32Array> {
  if (engines.rdm.splitCentroids && req.labels.every((l) => l >= 0)) return engines.rdm.splitCentroids(req);
  const centroids = classCentroids(req.data, req.n, req.d, req.labels, req.idx);
  subtractCentroidsInPlace(req.data, req.n, req.d, req.labels, req.idx, centroids);
  return centroids;
}

function toRows(m: Float64Array, k: number): number[][] {
  const rows: number[][] = [];
  for (let a = 0; a < k; a++) rows.push(Array.from(m.subarray(a * k, (a + 1) * k)));
  return rows;
}

function squareAll(m: Float64Array): Float64Array {
  return m.map((v) => v * v);
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
    matrix_r2: toRows(squareAll(matrixR), k),
  };
}

/**
 * Threads for one layer's K × K comparison. Pearson and cosine are a few
 * passes over K vectors and one small Gram (tens of milliseconds at K = 10,
 * N = 1,000): on one thread they skip starting worker threads per call, which
 * on a busy 2-core machine waited ~0.2 s per call for the second thread to be
 * scheduled (13 s of a 4-instance run, with 1.7 s of CPU). The results do not
 * depend on the thread count. Rank methods sort and merge, and keep all threads.
 */
function consistencyThreads(method: BaseMethod, threads: number): number {
  return method === 'pearson' || method === 'cosine' ? 1 : threads;
}

async function consistencyOf(vectors: readonly Float64Array[], method: BaseMethod, threads: number, engines: AnalysisEngines): Promise<{ matrix: Float64Array; summary: ConsistencySummary } | null> {
  const k = vectors.length;
  const entries = vectors[0]?.length ?? 0;
  if (k < 2 || entries < 3) return null;
  const matrix = await engines.compare.compareAll(vectors, method, consistencyThreads(method, threads));
  return { matrix, summary: summarise(matrix, k, entries) };
}

export interface ZooSource {
  name: string;
  /** instance count, when known up front (for the progress bar) */
  expectedInstances?: number;
  activations: AsyncIterable<InstanceActivations>;
}

export async function analyseZoo(zoo: ZooSource, stimuli: StimulusLabels, opts: AnalysisOptions, engines: AnalysisEngines): Promise<{ result: ZooAnalysis; rdms: ZooRdms }> {
  const timer = new PhaseTimer();
  const skipped: string[] = [];
  const method = baseMethod(opts.compare);
  const c = await collect(zoo.activations, stimuli, opts, engines, timer, zoo.expectedInstances);
  const k = c.instances.length;
  const n = stimuli.n;
  if (k === 0) throw new UserError(`zoo ${zoo.name}: no instances to analyse`);
  if (k < 2) skipped.push(`zoo ${zoo.name} has 1 instance: consistency between instances, its intervals, Mantel tests and error consistency need at least 2`);
  const labels = stimuli.labels;
  if (!labels) skipped.push('the stimuli have no labels: centroid/exemplar analysis, accuracy, error consistency and confusion matrices skipped');

  const split = labels ? withinBetweenIndices(labels) : undefined;
  const layers: LayerResult[] = [];
  const observed: Float64Array[] = []; // per layer, the K × K matrix of `method` (the Mantel tests' observed statistics)
  await timer.time('consistency', async () => {
    const bar = opts.progress?.('consistency');
    for (const [li, layer] of c.layers.entries()) {
      opts.checkCancelled?.();
      const full = c.full[li]!;
      const main = await consistencyOf(full, method, opts.threads, engines);
      if (main) observed.push(main.matrix);
      const centroid = await consistencyOf(c.centroid[li]!, method, opts.threads, engines);
      const within = split ? await consistencyOf(full.map((v) => gather(v, split.within)), method, opts.threads, engines) : null;
      const between = split ? await consistencyOf(full.map((v) => gather(v, split.between)), method, opts.threads, engines) : null;
      const removed = await consistencyOf(c.removed[li]!.map((v) => Float64Array.from(v)), method, opts.threads, engines);
      c.removed[li] = []; // no longer needed
      const empty: ConsistencySummary = { mean_r: NaN, mean_r2: NaN, entries: (n * (n - 1)) / 2, matrix_r2: [[1]] };
      const summary = main?.summary ?? empty;
      layers.push({
        name: layer.name,
        n: layer.n,
        d: layer.d,
        consistency: {
          ...summary,
          method: opts.compare,
          matrix_r: main ? toRows(main.matrix, k) : [[1]],
          ci95: null,
          ci_method: null,
          pairs: pairList(c.instances, main?.matrix),
        },
        centroid: centroid?.summary ?? null,
        within_category: within?.summary ?? null,
        between_category: between?.summary ?? null,
        centroid_removed: removed?.summary ?? null,
      });
      bar?.update(li + 1, c.layers.length);
    }
    bar?.done();
  });
  if (labels && c.centroid[0] && c.centroid[0].length > 0 && (c.centroid[0][0]?.length ?? 0) < 3) {
    skipped.push('fewer than 3 classes: the centroid RDMs have under 3 entries, so centroid consistency is undefined');
  }

  let mantel: ZooAnalysis['mantel'] = null;
  if (k >= 2) {
    await timer.time('bootstrap', async () => {
      if (opts.bootstrap <= 0) return;
      const bar = opts.progress?.('bootstrap');
      const statMethod = opts.compare === 'pearson' ? 'r2' : opts.compare;
      for (const [li, layer] of layers.entries()) {
        opts.checkCancelled?.();
        const b = await engines.stats.bootstrapMean({ rdms: c.full[li]!, n, method: statMethod, samples: opts.bootstrap, seed: opts.seed, threads: opts.threads });
        layer.consistency.ci95 = [b.lo, b.hi];
        layer.consistency.ci_method = `${b.over === 'both' ? 'two-factor bootstrap (stimuli × instances)' : `bootstrap over ${b.over}`}, ${b.interval}, ${opts.bootstrap} samples, mean ${statMethod}`;
        bar?.update(li + 1, layers.length);
      }
      bar?.done();
    });
    if (opts.permutations > 0) {
      await timer.time('mantel', async () => {
        const bar = opts.progress?.('Mantel tests');
        const m = await engines.stats.mantelFamily({
          layers: c.full, observed: observed.length === c.full.length ? observed : undefined,
          n, method, permutations: opts.permutations, seed: opts.seed, threads: opts.threads,
          onProgress: bar ? (d, t) => bar.update(d, t) : undefined,
        });
        bar?.done();
        for (const [li, layer] of layers.entries()) {
          for (const pair of layer.consistency.pairs) {
            const a = c.instances.indexOf(pair.a);
            const b = c.instances.indexOf(pair.b);
            pair.p = m.p[li]![a * k + b]!;
            pair.p_corrected = m.pCorrected[li]![a * k + b]!;
          }
        }
        mantel = { permutations: m.permutations, exact: m.exact, correction: 'max-statistic over pairs × layers' };
      });
    } else {
      skipped.push('--permutations 0: no Mantel tests');
    }
  }

  const second_order = await timer.time('second_order', () => secondOrder(c, method, opts.threads, engines));
  if (!second_order) skipped.push('second-order MDS needs at least 2 (instance, layer) RDMs');

  let behaviour: ZooAnalysis['behaviour'] = null;
  await timer.time('behaviour', () => {
    if (!labels) return;
    if (c.predictions.length !== k) {
      skipped.push('no logits from the models: behaviour skipped');
      return;
    }
    const classes = Math.max(c.logitsWidth, stimuli.classes?.length ?? 0);
    behaviour = analyseBehaviour(c.predictions, labels, classes);
  });

  return {
    result: { name: zoo.name, instances: c.instances, layers, behaviour, second_order, mantel, skipped, timing: timer.snapshot() },
    rdms: { layers: c.layers.map((l) => l.name), instances: c.instances, n, rdms: c.full },
  };
}

function pairList(instances: string[], matrix: Float64Array | undefined): PairResult[] {
  const k = instances.length;
  const pairs: PairResult[] = [];
  if (!matrix) return pairs;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const r = matrix[a * k + b]!;
      pairs.push({ a: instances[a]!, b: instances[b]!, r, r2: r * r, p: null, p_corrected: null });
    }
  }
  return pairs;
}

async function secondOrder(c: Collected, method: BaseMethod, threads: number, engines: AnalysisEngines): Promise<SecondOrderResult | null> {
  const items: { instance: string; layer: string }[] = [];
  const vectors: Float64Array[] = [];
  for (const [ii, instance] of c.instances.entries()) {
    for (const [li, layer] of c.layers.entries()) {
      items.push({ instance, layer: layer.name });
      vectors.push(c.full[li]![ii]!);
    }
  }
  const m = items.length;
  if (m < 2 || (vectors[0]?.length ?? 0) < 3) return null;
  const matrix = await engines.compare.compareAll(vectors, method, threads);
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
