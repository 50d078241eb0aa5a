/**
 * The whole analysis of one zoo. Instances stream in one at a time and
 * become RDMs (collectRdms.ts). Then, per layer: consistency of every
 * instance pair, its bootstrap interval, Mantel tests corrected over pairs ×
 * layers, centroid/exemplar consistency (a)–(d); across layers the
 * second-order matrix and its MDS; behaviour from the logits; and the
 * stimulus maps the report draws. Definitions: docs/definitions.md.
 */
import { UserError } from '../errors.js';
import { analyseBehaviour } from './behaviour.js';
import { gather, withinBetweenIndices } from './classStructure.js';
import { collectRdms } from './collectRdms.js';
import { baseMethod, consistencyOf, pairList, toRows, type PairPValues } from './consistency.js';
import type { AnalysisEngines } from './engines.js';
import { PhaseTimer } from './phases.js';
import { secondOrder } from './secondOrder.js';
import { stimulusMaps, type StimulusMaps } from './stimulusMds.js';
import type { AnalysisOptions, ConsistencySummary, InstanceActivations, LayerResult, StimulusLabels, ZooAnalysis, ZooRdms } from './types.js';

export interface ZooSource {
  name: string;
  /** instance count, when known up front (for the progress bar) */
  expectedInstances?: number;
  activations: AsyncIterable<InstanceActivations>;
}

/** What analysing a zoo gives: the results document's part, and the RDMs and maps kept for figures and the zoo comparison. */
export interface ZooAnalysisOutput {
  result: ZooAnalysis;
  rdms: ZooRdms;
  stimulusMaps: StimulusMaps;
}

export async function analyseZoo(zoo: ZooSource, stimuli: StimulusLabels, opts: AnalysisOptions, engines: AnalysisEngines): Promise<ZooAnalysisOutput> {
  const timer = opts.timer ?? new PhaseTimer();
  const skipped: string[] = [];
  const method = baseMethod(opts.compare);
  const c = await collectRdms(zoo.name, zoo.activations, stimuli, opts, engines, timer, zoo.expectedInstances);
  const k = c.instances.length;
  const n = stimuli.n;
  if (k === 0) throw new UserError(`zoo ${zoo.name}: no instances to analyse`);
  if (k < 2) skipped.push(`zoo ${zoo.name} has 1 instance: consistency between instances, its intervals, Mantel tests and error consistency need at least 2`);
  const labels = stimuli.labels;
  if (!labels) skipped.push('the stimuli have no labels: centroid/exemplar analysis, accuracy, error consistency and confusion matrices skipped');

  const split = labels ? withinBetweenIndices(labels) : undefined;
  const layers: LayerResult[] = [];
  const observed: Float64Array[] = []; // per layer, the K × K matrix of `method` (the Mantel tests' observed statistics)
  const consistencyOfLayer = (vectors: readonly Float64Array[]) => consistencyOf(vectors, method, opts.threads, engines);
  await timer.time('consistency', async () => {
    for (const [li, layer] of c.layers.entries()) {
      opts.checkCancelled?.();
      const full = c.full[li]!;
      const main = await consistencyOfLayer(full);
      if (main) observed.push(main.matrix);
      const centroid = await consistencyOfLayer(c.centroid[li]!);
      const within = split ? await consistencyOfLayer(full.map((v) => gather(v, split.within))) : null;
      const between = split ? await consistencyOfLayer(full.map((v) => gather(v, split.between))) : null;
      const removed = await consistencyOfLayer(c.removed[li]!.map((v) => Float64Array.from(v)));
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
          pairs: [],
        },
        centroid: centroid?.summary ?? null,
        within_category: within?.summary ?? null,
        between_category: between?.summary ?? null,
        centroid_removed: removed?.summary ?? null,
      });
      timer.progress('consistency', zoo.name, li + 1, c.layers.length);
    }
    timer.finish('consistency', zoo.name);
  });
  if (labels && c.centroid[0] && c.centroid[0].length > 0 && (c.centroid[0][0]?.length ?? 0) < 3) {
    skipped.push('fewer than 3 classes: the centroid RDMs have under 3 entries, so centroid consistency is undefined');
  }

  let mantel: ZooAnalysis['mantel'] = null;
  const tests: PairPValues[] = [];
  if (k >= 2) {
    await timer.time('bootstrap', async () => {
      if (opts.bootstrap <= 0) return;
      const statMethod = opts.compare === 'pearson' ? 'r2' : opts.compare;
      for (const [li, layer] of layers.entries()) {
        opts.checkCancelled?.();
        const b = await engines.stats.bootstrapMean({ rdms: c.full[li]!, n, method: statMethod, samples: opts.bootstrap, seed: opts.seed, threads: opts.threads });
        layer.consistency.ci95 = [b.lo, b.hi];
        layer.consistency.ci_method = `${b.over === 'both' ? 'two-factor bootstrap (stimuli × instances)' : `bootstrap over ${b.over}`}, ${b.interval}, ${opts.bootstrap} samples, mean ${statMethod}`;
        timer.progress('bootstrap', zoo.name, li + 1, layers.length);
      }
      timer.finish('bootstrap', zoo.name);
    });
    if (opts.permutations > 0) {
      await timer.time('mantel', async () => {
        const m = await engines.stats.mantelFamily({
          layers: c.full, observed: observed.length === c.full.length ? observed : undefined,
          n, method, permutations: opts.permutations, seed: opts.seed, threads: opts.threads,
          onProgress: timer.reporter('mantel', zoo.name),
        });
        timer.finish('mantel', zoo.name);
        m.p.forEach((p, li) => tests[li] = { p, pCorrected: m.pCorrected[li]! });
        mantel = { permutations: m.permutations, exact: m.exact, correction: 'max-statistic over pairs × layers' };
      });
    } else {
      skipped.push('--permutations 0: no Mantel tests');
    }
  }

  for (const [li, layer] of layers.entries()) layer.consistency.pairs = pairList(c.instances, observed[li], tests[li]);

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

  const rdms: ZooRdms = { layers: c.layers.map((l) => l.name), instances: c.instances, n, rdms: c.full };
  return {
    result: { name: zoo.name, instances: c.instances, layers, behaviour, second_order, mantel, skipped },
    rdms,
    stimulusMaps: await timer.time('second_order', () => stimulusMaps(rdms)),
  };
}

