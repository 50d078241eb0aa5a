/**
 * The engines the product uses: RDMs and comparisons from the native core
 * (src/native), permutation tests, bootstraps and the zoo comparison from
 * src/stats. Each adapts the analysis's small interfaces to those modules.
 */
import { compareRdms, pearsonWithinBetween } from '../native/compare.js';
import { bootstrapPearson } from '../native/bootstrapPearson.js';
import { computeRdm, type NanReason } from '../native/rdm.js';
import { computeRdmSplit } from '../native/rdmSplit.js';
import { computeRdmFromFile } from '../native/rdmFile.js';
import { nativeClassCentroids } from '../native/centroids.js';
import { mdsTopEigen } from '../native/mds.js';
import { percentileInterval } from '../stats/intervals.js';
import { bootstrapConsistency } from '../stats/bootstrap.js';
import { permtestFamily } from '../stats/permtest.js';
import { compareZoos } from '../stats/zoo.js';
import type { AnalysisEngines, CompareEngine, MdsEngine, RdmEngine, StatsEngine } from './engines.js';
import { gramAccumulate } from '../native/gram.js';

/** At most this many warnings about undefined distances; then one line says more were left out. */
const MAX_NAN_WARNINGS = 5;

export function nativeEngines(opts: { warn?: (message: string) => void } = {}): AnalysisEngines {
  let nanWarnings = 0;
  /** One warning per RDM with undefined distances, at most MAX_NAN_WARNINGS in all. */
  const warnNan = (label: string, nanStimuli: number[], nanReasons: NanReason[]): void => {
    if (nanStimuli.length === 0 || !opts.warn) return;
    nanWarnings++;
    if (nanWarnings <= MAX_NAN_WARNINGS) {
      const shown = nanStimuli.slice(0, 10).join(', ') + (nanStimuli.length > 10 ? ', …' : '');
      opts.warn(`${label}: ${nanStimuli.length} stimuli have undefined distances (${[...new Set(nanReasons)].join(', ')}): ${shown}; their entries are NaN and left out of comparisons`);
    } else if (nanWarnings === MAX_NAN_WARNINGS + 1) {
      opts.warn('more RDMs have stimuli with undefined distances (warnings left out)');
    }
  };
  const rdm: RdmEngine = {
    async rdm(req) {
      const r = await computeRdm(req.data, req.n, req.d, {
        metric: req.metric, perFeature: req.perFeature, outDtype: 'float64', condensed: true, threads: req.threads,
      });
      warnNan(req.label ?? 'RDM', r.nanStimuli, r.nanReasons);
      return r.rdm as Float64Array;
    },
    async rdmWithCentroids(req) {
      const r = await computeRdmSplit(req.data, req.n, req.d, req.labels, {
        metric: req.metric, perFeature: req.perFeature, threads: req.threads,
      });
      // the same warnings, in the same order, as rdm of the data, of its centroids and of the data without them
      const label = req.label ?? 'RDM';
      warnNan(label, r.full.nanStimuli, r.full.nanReasons);
      warnNan(`${label} class centroids`, r.centroids.nanStimuli, r.centroids.nanReasons);
      warnNan(`${label} centroids removed`, r.removed.nanStimuli, r.removed.nanReasons);
      return {
        full: r.full.rdm,
        centroids: r.centroids.rdm,
        removed: r.removed.rdm,
        classes: r.classes,
        nanStimuli: { full: r.full.nanStimuli, centroids: r.centroids.nanStimuli, removed: r.removed.nanStimuli },
      };
    },
    async rdmFromFile(req) {
      const r = await computeRdmFromFile(req.file, req.n, req.d, {
        metric: req.metric, perFeature: req.perFeature, threads: req.threads, labels: req.labels, memory: req.memory,
      });
      const label = req.label ?? 'RDM';
      warnNan(label, r.full.nanStimuli, r.full.nanReasons);
      if (r.centroids) warnNan(`${label} class centroids`, r.centroids.nanStimuli, r.centroids.nanReasons);
      if (r.removed) warnNan(`${label} centroids removed`, r.removed.nanStimuli, r.removed.nanReasons);
      return { full: r.full.rdm, centroids: r.centroids?.rdm, removed: r.removed?.rdm };
    },
    splitCentroids(req) {
      const rowOf = Int32Array.from(req.labels, (l) => req.idx.rowOf[l]!);
      const invCount = Float64Array.from(req.idx.present, (c) => 1 / req.idx.counts[c]!);
      return nativeClassCentroids(req.data, req.n, req.d, rowOf, invCount, { subtract: true, threads: req.threads });
    },
  };
  const compare: CompareEngine = {
    compareAll: (vectors, method, threads) => compareRdms(vectors, method, { threads }),
    gramAccumulate: (data, rows, cols, shift, gram, rowSums, threads) => gramAccumulate(data, rows, cols, shift, gram, rowSums, { threads }),
    pearsonWithinBetween: (vectors, within, threads) => pearsonWithinBetween(vectors, within, { threads }),
  };
  const stats: StatsEngine = {
    async mantelFamily(req) {
      const layers = Array.from({ length: req.layers.count }, (_, i) => ({ name: `layer ${i}`, rdms: () => req.layers.load(i), n: req.n, observed: req.observed?.[i] }));
      const fam = await permtestFamily(layers, {
        method: req.method, permutations: req.permutations, seed: req.seed, threads: req.threads, onProgress: req.onProgress, maxRdmsPerCall: req.maxRdms,
      });
      return {
        statistic: fam.layers.map((l) => l.statistic),
        p: fam.layers.map((l) => l.p),
        pCorrected: fam.layers.map((l) => l.pMaxstat),
        permutations: fam.permutations,
        exact: fam.exact,
      };
    },
    async bootstrapMean(req) {
      // resampling instances needs at least 3 of them; with 2, only stimuli are resampled
      const over = req.rdms.length >= 3 ? 'both' : 'stimuli';
      const pearsonBased = req.method === 'pearson' || req.method === 'r2';
      if (pearsonBased && req.rdms.every((v) => v.every(Number.isFinite))) {
        // same resamples as bootstrapConsistency, computed as one blocked product (far faster at N = 1,000)
        const replicates = await bootstrapPearson(req.rdms, req.n, {
          samples: req.samples, seed: req.seed, over, squared: req.method === 'r2', threads: req.threads, onProgress: req.onProgress,
        });
        const ci = percentileInterval(replicates, 0.95);
        return { lo: ci.lower, hi: ci.upper, interval: 'percentile', over };
      }
      const b = await bootstrapConsistency([...req.rdms], req.n, {
        over, method: req.method, samples: req.samples, ci: 'percentile', seed: req.seed, threads: req.threads, onProgress: req.onProgress,
      });
      return { lo: b.ci.lower, hi: b.ci.upper, interval: 'percentile', over };
    },
    async zooDifference(req) {
      const layers = Array.from({ length: req.a.count }, (_, i) => ({
        name: `layer ${i}`, n: req.n, rdms: async () => ({ a: await req.a.load(i), b: await req.b.load(i) }),
      }));
      const z = await compareZoos(layers, {
        method: req.method, permutations: req.permutations, seed: req.seed, threads: req.threads, onProgress: req.onProgress,
      });
      return {
        difference: z.layers.map((l) => l.difference),
        p: z.layers.map((l) => l.p),
        pCorrected: z.layers.map((l) => l.pMaxstat),
        permutations: z.permutations,
      };
    },
  };
  const mds: MdsEngine = {
    async topEigen(condensed, n, k, threads) {
      const r = await mdsTopEigen(condensed, n, { k, threads });
      return { values: Array.from(r.values), vectors: Array.from({ length: k }, (_, t) => r.vectors.slice(t * n, (t + 1) * n)) };
    },
  };
  return {
    rdm,
    compare,
    stats,
    mds,
    describe: () => ({ rdm_engine: 'native', compare_engine: 'native', stats_engine: 'native' }),
  };
}
