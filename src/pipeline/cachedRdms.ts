/**
 * A zoo's RDMs through the content-addressed cache: every (instance, layer,
 * variant) RDM is looked up by the hash of what it depends on, and only what
 * is missing (or found damaged) is computed, by running just the instances
 * and layers that need it. Each RDM is stored as soon as it is computed, so
 * a run killed at any point resumes from what it had finished.
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ZooPredictions } from '../analysis/analyseZoo.js';
import { classIndex } from '../analysis/classStructure.js';
import type { AnalysisEngines, Metric } from '../analysis/engines.js';
import { hasCentroidVariants, instancePredictions, instanceRdms } from '../analysis/instanceRdms.js';
import type { PhaseTimer } from '../analysis/phases.js';
import type { InstanceLayerRdms, RdmLayerInfo, RdmSet, RdmVariant } from '../analysis/rdmSet.js';
import type { StimulusLabels } from '../analysis/types.js';
import type { DeviceChoice } from '../extract/device.js';
import { markFloat32Valued } from '../native/scaleRdms.js';
import { RDM_FORMAT } from '../store/entryMeta.js';
import { cacheKey, canonicalJson } from '../store/cacheKey.js';
import { LabelCache } from '../store/labelCache.js';
import { RDMS_DIR, type RdmStore, type StoredRdm } from '../store/rdmCache.js';
import { createTempDir } from '../store/stagingDirs.js';
import type { StimulusSet } from '../stimuli/loadStimuli.js';
import type { ResolvedLayer } from '../zoo/resolveLayers.js';
import { instanceHashes, type Zoo } from '../zoo/zoo.js';
import { activationsOf } from './activationStream.js';

const VARIANTS_WITH_CENTROIDS: readonly RdmVariant[] = ['full', 'centroids', 'centroid-removed'];

/** An RdmSet whose RDMs are entries of the cache (read whole, one at a time, when the analysis asks). */
export class CachedRdmSet implements RdmSet {
  constructor(
    private readonly cache: RdmStore,
    readonly layers: readonly RdmLayerInfo[],
    readonly instances: readonly string[],
    readonly n: number,
    readonly hasCentroids: boolean,
    /** keys[variant][layer][instance] */
    private readonly keys: ReadonlyMap<RdmVariant, string[][]>,
  ) {}

  read(layer: number, instance: number, variant: RdmVariant): Promise<Float64Array> {
    return this.withEntry(layer, instance, variant, (entry) => {
      const out = new Float64Array(entry.length);
      entry.readRange(0, entry.length, out);
      return markFloat32Valued(out); // float32 in the store: never scaled for comparison
    });
  }

  contentKey(layer: number, instance: number, variant: RdmVariant): string {
    const key = this.keys.get(variant)?.[layer]?.[instance];
    if (!key) throw new Error(`no ${variant} RDM of layer ${layer}, instance ${instance}`);
    return key;
  }

  readRange(layer: number, instance: number, variant: RdmVariant, start: number, end: number, out: Float64Array, outOffset: number): Promise<void> {
    return this.withEntry(layer, instance, variant, (entry) => {
      entry.readRange(start, end, out, outOffset);
    });
  }

  private withEntry<T>(layer: number, instance: number, variant: RdmVariant, use: (entry: StoredRdm) => T): Promise<T> {
    const key = this.keys.get(variant)?.[layer]?.[instance];
    if (!key) return Promise.reject(new Error(`no ${variant} RDM of layer ${layer}, instance ${instance}`));
    // checked when the run looked it up; the size and header are checked again here
    const r = this.cache.get(key, { verify: false });
    if (r.status !== 'hit') return Promise.reject(new Error(`the cached RDM ${key} disappeared during the run (${r.status === 'corrupt' ? r.reason : 'missing'})`));
    try {
      return Promise.resolve(use(r.entry));
    } catch (e) {
      return Promise.reject(e);
    } finally {
      r.entry.close();
    }
  }
}

export interface ZooRdmOptions {
  metric: Metric;
  threads: number;
  device: DeviceChoice;
  batch?: number;
  /** MiB of model tensors per extraction batch */
  batchMemory?: number;
  /** the layer names each extraction pass of an instance holds at once (default: all in one pass) */
  passes?: readonly (readonly string[])[];
  /** false: images of another size than the model input are an error */
  resize: boolean;
  /** layer names whose activations are spilled to files and their RDMs computed out of core (the plan's) */
  spilled?: readonly string[];
  /** bytes the row segments of a spilled layer's out-of-core RDMs may take */
  spillSegmentBytes?: number;
}

export interface ZooRdmContext {
  cache: RdmStore;
  engines: AnalysisEngines;
  timer: PhaseTimer;
  signal: AbortSignal;
  warn: (message: string) => void;
  checkCancelled: () => void;
  /** called after each instance's RDMs are stored (the pipeline collects garbage) */
  release?: () => void;
}

export interface ZooRdms {
  set: CachedRdmSet;
  predictions: ZooPredictions | null;
  /** RDMs computed in this run, and found in the cache */
  computed: number;
  reused: number;
}

/**
 * The preprocessing in every key. The stimuli checksum already covers the
 * images exactly as the models saw them (and their labels); the input spec is
 * named as well so that a key says what it depends on, and so are the inputs
 * fed zeros (--fill-inputs).
 */
function preprocessingOf(zoo: Zoo, opts: Pick<ZooRdmOptions, 'resize'>): Record<string, unknown> {
  // inputs fed constant zeros change the activations; named only when there are some, so other keys stay as they were
  const filled = zoo.feeds.filled.map((f) => ({ name: f.name, dtype: f.dtype, shape: f.dims.map((d) => d ?? 'batch'), value: f.value }));
  return { ...zoo.input, resize: opts.resize, ...(filled.length > 0 ? { filled_inputs: filled } : {}) };
}

function labelsKey(modelShas: string[], tensor: string, stimuli: StimulusSet, preprocessing: Record<string, unknown>): string {
  const doc = canonicalJson({ format: RDM_FORMAT, kind: 'predicted-labels', models: modelShas, tensor, stimuli: stimuli.checksum, preprocessing });
  return createHash('sha256').update(doc).digest('hex');
}

/** The cache keys of a zoo's RDMs (keys[variant][layer][instance]) and predicted labels. */
export interface ZooRdmKeys {
  variants: readonly RdmVariant[];
  keys: Map<RdmVariant, string[][]>;
  /** per instance; null when the zoo names no output */
  labelKeys: string[] | null;
}

export function zooRdmKeys(zoo: Zoo, stimuli: StimulusSet, labels: StimulusLabels, layers: readonly ResolvedLayer[], opts: Pick<ZooRdmOptions, 'metric' | 'resize'>): ZooRdmKeys {
  const idx = labels.labels ? classIndex(labels.labels) : undefined;
  const variants: readonly RdmVariant[] = hasCentroidVariants(labels, idx) ? VARIANTS_WITH_CENTROIDS : ['full'];
  const preprocessing = preprocessingOf(zoo, opts);
  const keys = new Map<RdmVariant, string[][]>(variants.map((v) => [v, layers.map((layer) => zoo.instances.map((inst) => cacheKey({
    models: instanceHashes(inst), tensor: layer.tensor, stimuli: stimuli.checksum, preprocessing, metric: opts.metric, perFeature: false, variant: v,
  })))]));
  const labelKeys = zoo.output ? zoo.instances.map((inst) => labelsKey(instanceHashes(inst), zoo.output!, stimuli, preprocessing)) : null;
  return { variants, keys, labelKeys };
}

/** How many of the keys have an entry in place (meta.json present; not verified). */
export function countCached(cache: RdmStore, k: ZooRdmKeys): { cached: number; entries: number } {
  let cached = 0;
  let entries = 0;
  for (const byLayer of k.keys.values()) {
    for (const row of byLayer) {
      for (const key of row) {
        entries++;
        if (cache.has(key)) cached++;
      }
    }
  }
  return { cached, entries };
}

export async function zooRdmsThroughCache(zoo: Zoo, stimuli: StimulusSet, labels: StimulusLabels, layers: readonly ResolvedLayer[],
  opts: ZooRdmOptions, ctx: ZooRdmContext): Promise<ZooRdms> {
  const idx = labels.labels ? classIndex(labels.labels) : undefined;
  const centroids = hasCentroidVariants(labels, idx);
  const { variants, keys, labelKeys } = zooRdmKeys(zoo, stimuli, labels, layers, opts);
  const labelCache = new LabelCache(ctx.cache.dir);

  // what is missing (or damaged: one warning line, then recomputed)
  const missing = layers.map(() => zoo.instances.map(() => false));
  let reused = 0;
  for (const [li] of layers.entries()) {
    for (const [ii, inst] of zoo.instances.entries()) {
      for (const v of variants) {
        const key = keys.get(v)![li]![ii]!;
        const r = ctx.cache.get(key);
        if (r.status === 'hit') {
          r.entry.close();
          reused++;
          continue;
        }
        if (r.status === 'corrupt') {
          ctx.warn(`cached RDM of ${inst.name} ${layers[li]!.name} (${v}) is damaged (${r.reason}); computing it again`);
          ctx.cache.remove(key);
        }
        missing[li]![ii] = true;
      }
    }
  }
  const needsRun = zoo.instances.map((_, ii) => missing.some((row) => row[ii]));
  const predictions: (Int32Array | null)[] = zoo.instances.map(() => null);
  let width = 0;
  if (labelKeys) {
    labelKeys.forEach((key, ii) => {
      const r = labelCache.get(key);
      if (r.status === 'hit') {
        predictions[ii] = r.labels;
        width = r.width;
        return;
      }
      if (r.status === 'corrupt') {
        ctx.warn(`cached predictions of ${zoo.instances[ii]!.name} are damaged (${r.reason}); running the model again`);
        labelCache.remove(key);
      }
      needsRun[ii] = true;
    });
  }

  let computed = 0;
  const run = zoo.instances.filter((_, ii) => needsRun[ii]);
  // A pass holds the activations of some layers of one instance; several passes bound memory
  // at the cost of running the model again. Predictions come with the first pass that runs.
  const passes = (opts.passes ?? [layers.map((l) => l.name)]).map((names) => layers.filter((l) => names.includes(l.name)));
  let passIndex = 0;
  for (const pass of passes) {
    const firstPass = passIndex++ === 0;
    let runLayers = pass.filter((l) => missing[layers.indexOf(l)]!.some((m, ii) => m && needsRun[ii]));
    const predictionsMissing = firstPass && predictions.some((p, ii) => p === null && needsRun[ii]) && labelKeys !== null;
    // at least one layer, so that the model runs for its predictions
    if (runLayers.length === 0 && predictionsMissing) runLayers = [pass[0] ?? layers[0]!];
    if (runLayers.length === 0) continue;
    const runInstances = run.filter((inst) => {
      const ii = zoo.instances.indexOf(inst);
      return runLayers.some((l) => missing[layers.indexOf(l)]![ii]) || (predictionsMissing && predictions[ii] === null);
    });
    const sub: Zoo = { ...zoo, instances: runInstances };
    // Layers too large to hold go to files in a hidden temporary folder of the cache (marked,
    // so `cache prune` recognises a killed run's leftovers); each file goes once its RDMs are done.
    const spillTensors = runLayers.filter((l) => opts.spilled?.includes(l.name)).map((l) => l.tensor);
    const spillDir = spillTensors.length > 0 ? createTempDir(join(ctx.cache.dir, RDMS_DIR), 'spill') : null;
    const spill = spillDir ? { dir: spillDir, tensors: spillTensors } : undefined;
    const stream = activationsOf(sub, stimuli, runLayers, { ...opts, memory: opts.batchMemory, spill }, { signal: ctx.signal, warn: ctx.warn, timer: ctx.timer });
    const iterator = stream[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await ctx.timer.time('extraction', () => iterator.next());
        if (next.done) break;
        const act = next.value;
        ctx.checkCancelled();
        const ii = zoo.instances.indexOf(runInstances[act.index]!);
        // predictions first: the logits may be a layer, which the centroid split changes in place
        const p = instancePredictions(act, stimuli.n);
        if (p && labelKeys && predictions[ii] === null) {
          predictions[ii] = p.predictions;
          width = p.width;
          labelCache.put(labelKeys[ii]!, p.predictions, p.width);
        }
        const wanted = runLayers.map((l) => missing[layers.indexOf(l)]![ii]!);
        // each layer's RDMs go to the cache as soon as they are computed (one layer's in memory)
        const store = (rl: number, r: InstanceLayerRdms): void => {
          const li = layers.indexOf(runLayers[rl]!);
          missing[li]![ii] = false;
          const describe = { zoo: zoo.name, instance: zoo.instances[ii]!.name, layer: layers[li]!.name, tensor: layers[li]!.tensor };
          const put = (v: RdmVariant, values: Float64Array | undefined): void => {
            if (!values) return;
            // the centroid RDM is C × C: one row per class present
            const n = v === 'centroids' ? idx!.present.length : stimuli.n;
            ctx.cache.put(keys.get(v)![li]![ii]!, n, values, { metric: opts.metric, variant: v, describe });
            computed++;
          };
          put('full', r.full);
          if (centroids) {
            put('centroids', r.centroids);
            put('centroid-removed', r.removed);
          }
        };
        const dropSpilled = (rl: number): void => {
          const l = act.layers[rl];
          if (l && 'file' in l) rmSync(l.file, { force: true });
        };
        try {
          await ctx.timer.time('rdms', () => instanceRdms(act, labels, idx, {
            metric: opts.metric, threads: opts.threads, wanted, checkCancelled: ctx.checkCancelled,
            spillMemory: opts.spillSegmentBytes, onLayerDone: dropSpilled,
          }, ctx.engines, store));
        } finally {
          act.layers.forEach((_, rl) => dropSpilled(rl));
        }
        ctx.timer.progress('extraction', zoo.name, (passIndex - 1) * runInstances.length + act.index + 1, passes.length * runInstances.length);
        ctx.release?.();
      }
    } finally {
      await iterator.return?.(undefined);
      if (spillDir) rmSync(spillDir, { recursive: true, force: true });
    }
  }
  ctx.timer.finish('extraction', zoo.name);

  const layerInfo = layers.map((l) => ({ name: l.name, n: stimuli.n, d: l.size }));
  const set = new CachedRdmSet(ctx.cache, layerInfo, zoo.instances.map((i) => i.name), stimuli.n, centroids, keys);
  const all = predictions.every((p): p is Int32Array => p !== null);
  return { set, predictions: labelKeys && all ? { predictions, width } : null, computed, reused };
}
