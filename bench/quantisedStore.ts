/**
 * Would a 16-bit RDM store do? Every statistic of the default run computed
 * twice from the same cached RDMs: as stored (float32), and with each RDM
 * quantised to 16 bits over its own range [min, max] (65,536 levels, the
 * error at most half a level) and read back. Prints, per part of the
 * results, the largest difference and whether every p-value and count is
 * the same. Run it with `node dist/bench/quantisedStore.js [--bits 16]
 * [--permutations P] [--bootstrap B] [--cache DIR]`; the cache is filled
 * on the first run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { analyseZoo } from '../src/analysis/analyseZoo.js';
import { nativeEngines } from '../src/analysis/nativeEngines.js';
import { PhaseTimer } from '../src/analysis/phases.js';
import type { RdmSet, RdmVariant } from '../src/analysis/rdmSet.js';
import type { AnalysisOptions } from '../src/analysis/types.js';
import type { CompareMethod } from '../src/analysis/engines.js';
import { zooRdmsThroughCache } from '../src/pipeline/cachedRdms.js';
import { prepareZoos } from '../src/pipeline/runPipeline.js';
import { RdmCache } from '../src/store/rdmCache.js';
import { DEFAULT_STIMULI } from '../src/stimuli/loadStimuli.js';

/** An RdmSet whose RDMs come back quantised to `bits` over each RDM's own range. */
export class QuantisedRdmSet implements RdmSet {
  constructor(private readonly inner: RdmSet, private readonly bits: number) {}
  get layers() { return this.inner.layers; }
  get instances() { return this.inner.instances; }
  get n() { return this.inner.n; }
  get hasCentroids() { return this.inner.hasCentroids; }

  async read(layer: number, instance: number, variant: RdmVariant): Promise<Float64Array> {
    return quantise(await this.inner.read(layer, instance, variant), this.bits);
  }

  async readRange(layer: number, instance: number, variant: RdmVariant, start: number, end: number, out: Float64Array, outOffset: number): Promise<void> {
    // the range is the whole RDM's, as a store would record it
    out.set((await this.read(layer, instance, variant)).subarray(start, end), outOffset);
  }
}

/** v → lo + round((v − lo) / step) · step with step = (hi − lo) / (2^bits − 1); NaN stays NaN. */
export function quantise(v: Float64Array, bits: number): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    if (Number.isNaN(x)) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const levels = 2 ** bits - 1;
  const step = hi > lo ? (hi - lo) / levels : 1;
  // the stored value is float32 in both stores: the comparison is of the quantisation alone
  return v.map((x) => (Number.isNaN(x) ? x : Math.fround(lo + Math.round((x - lo) / step) * step)));
}

interface Difference { path: string; max_abs: number; at: string; values_differ_in_kind: number }

/** Walks two results documents side by side: the largest |a − b| of each top-level part, and where. */
function compareDocs(a: unknown, b: unknown): Record<string, Difference> {
  const out: Record<string, Difference> = {};
  const walk = (x: unknown, y: unknown, path: string, part: string): void => {
    const d = (out[part] ??= { path: part, max_abs: 0, at: '', values_differ_in_kind: 0 });
    if (typeof x === 'number' && typeof y === 'number') {
      if (Number.isNaN(x) !== Number.isNaN(y)) d.values_differ_in_kind++;
      else if (!Number.isNaN(x) && Math.abs(x - y) > d.max_abs) {
        d.max_abs = Math.abs(x - y);
        d.at = path;
      }
    } else if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) d.values_differ_in_kind++;
      x.forEach((v, i) => walk(v, y[i], `${path}[${i}]`, part));
    } else if (x && y && typeof x === 'object' && typeof y === 'object') {
      for (const k of Object.keys(x)) walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${path}.${k}`, part);
    } else if (x !== y) {
      d.values_differ_in_kind++;
    }
  };
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k of Object.keys(ra)) walk(ra[k], rb[k], k, k);
  return out;
}

/** p-values under a path: identical counts give identical p. */
function pValues(x: unknown, path = '', out: Map<string, number> = new Map()): Map<string, number> {
  if (Array.isArray(x)) x.forEach((v, i) => pValues(v, `${path}[${i}]`, out));
  else if (x && typeof x === 'object') {
    for (const [k, v] of Object.entries(x)) {
      if ((k === 'p' || k === 'p_corrected' || k === 'p_value') && typeof v === 'number') out.set(`${path}.${k}`, v);
      else pValues(v, `${path}.${k}`, out);
    }
  }
  return out;
}

export async function benchQuantisedStore(o: { bits: number; permutations: number; bootstrap: number; cache: string; compare: CompareMethod }) {
  const engines = nativeEngines();
  const timer = new PhaseTimer();
  const opts = {
    stimuli: DEFAULT_STIMULI, metric: 'correlation' as const, compare: o.compare, permutations: o.permutations, bootstrap: o.bootstrap,
    seed: 0, threads: 0, device: 'cpu' as const, resize: true, saveRdms: false, output: '', cache: o.cache,
  };
  const [prep] = await prepareZoos(opts as never);
  const { zoo, stimuli, labels, layers } = prep!;
  const controller = new AbortController();
  const rdms = await zooRdmsThroughCache(zoo, stimuli, labels, layers, { metric: 'correlation', threads: 0, device: 'cpu', resize: true }, {
    cache: new RdmCache(o.cache), engines, timer, signal: controller.signal, warn: (m) => console.error(m), checkCancelled: () => {},
  });
  const aopts: AnalysisOptions = { metric: 'correlation', compare: o.compare, permutations: o.permutations, bootstrap: o.bootstrap, seed: 0, threads: 0, timer };
  const exact = await analyseZoo(zoo.name, rdms.set, rdms.predictions, labels, aopts, engines);
  const quantised = await analyseZoo(zoo.name, new QuantisedRdmSet(rdms.set, o.bits), rdms.predictions, labels, aopts, engines);
  const pa = pValues(exact.result);
  const pb = pValues(quantised.result);
  let pDiffer = 0;
  for (const [k, v] of pa) if (pb.get(k) !== v) pDiffer++;
  const parts = compareDocs(exact.result, quantised.result);
  // each analysis of the layers on its own (consistency, centroid, within/between category, centroid removed)
  const byAnalysis = (layers: readonly object[]): Record<string, unknown[]> => {
    const out: Record<string, unknown[]> = {};
    for (const l of layers) for (const [k, v] of Object.entries(l)) if (v && typeof v === 'object') (out[`layers.${k}`] ??= []).push(v);
    return out;
  };
  const layerDiffs = compareDocs(byAnalysis(exact.result.layers), byAnalysis(quantised.result.layers));
  return {
    op: 'quantised-store', bits: o.bits, compare: o.compare, n: stimuli.n, instances: zoo.instances.length, layers: layers.length,
    permutations: o.permutations, bootstrap: o.bootstrap,
    p_values: pa.size, p_values_that_differ: pDiffer,
    max_abs_difference: Math.max(...Object.values(parts).map((d) => d.max_abs)),
    parts: [...Object.values(parts), ...Object.values(layerDiffs)].filter((d) => d.path !== 'name' && d.path !== 'instances' && d.path !== 'skipped'),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: {
    bits: { type: 'string', default: '16' }, permutations: { type: 'string', default: '1000' }, bootstrap: { type: 'string', default: '1000' },
    cache: { type: 'string' }, compare: { type: 'string', default: 'r2' },
  } });
  const cache = values.cache ?? mkdtempSync(join(tmpdir(), 'seedscope-quantised-'));
  const r = await benchQuantisedStore({
    bits: Number(values.bits), permutations: Number(values.permutations), bootstrap: Number(values.bootstrap), cache, compare: values.compare as CompareMethod,
  });
  console.log(JSON.stringify(r, null, 1));
}
