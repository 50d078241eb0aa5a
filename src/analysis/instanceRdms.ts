/**
 * One instance's RDMs from its activations: per layer the full RDM and, for
 * labelled stimuli of at least two classes, the class-centroid RDM and the
 * RDM with each stimulus's class centroid removed (docs/definitions.md,
 * "Centroid and exemplar analysis"). The activations are the caller's to
 * drop afterwards: the centroid split may change them in place. A layer
 * spilled to a file (too large to hold) is computed out of core by
 * `engines.rdm.rdmFromFile`, its centroid variants by the direct route.
 */
import { UserError } from '../errors.js';
import { predictedLabels } from './behaviour.js';
import { classCentroids, subtractCentroidsInPlace, type ClassIndex } from './classStructure.js';
import type { AnalysisEngines, CentroidRequest, Metric } from './engines.js';
import type { InstanceLayerRdms } from './rdmSet.js';
import type { InstanceActivations, StimulusLabels } from './types.js';

export interface InstanceRdmOptions {
  metric: Metric;
  threads: number;
  /** per layer of the instance: compute only these; absent means every layer */
  wanted?: readonly boolean[];
  checkCancelled?: () => void;
  /** bytes the out-of-core RDM of a spilled layer may take for its row segments (default 1 GiB) */
  spillMemory?: number;
  /** called when a layer's RDMs are done (the pipeline removes its spill file) */
  onLayerDone?: (layer: number) => void;
}

const DEFAULT_SPILL_MEMORY = 1024 ** 3;

/** Class centroids of a layer, which then leaves `data` with them removed (natively where the engines can). */
async function splitCentroids(engines: AnalysisEngines, req: CentroidRequest): Promise<Float32Array> {
  if (engines.rdm.splitCentroids && req.labels.every((l) => l >= 0)) return engines.rdm.splitCentroids(req);
  const centroids = classCentroids(req.data, req.n, req.d, req.labels, req.idx);
  subtractCentroidsInPlace(req.data, req.n, req.d, req.labels, req.idx, centroids);
  return centroids;
}

/** Whether the centroid variants are defined for these stimuli. */
export function hasCentroidVariants(stimuli: StimulusLabels, idx: ClassIndex | undefined): boolean {
  return Boolean(stimuli.labels && idx && idx.present.length >= 2);
}

/**
 * The instance's RDMs, in its layer order (null for layers not wanted). With
 * `sink`, each layer's RDMs are handed over as soon as they are computed and
 * not kept (the result is then all null): one layer's RDMs in memory at a time.
 */
export async function instanceRdms(inst: InstanceActivations, stimuli: StimulusLabels, idx: ClassIndex | undefined,
  opts: InstanceRdmOptions, engines: AnalysisEngines, sink?: (layer: number, rdms: InstanceLayerRdms) => void): Promise<(InstanceLayerRdms | null)[]> {
  const out: (InstanceLayerRdms | null)[] = [];
  const keep = (li: number, r: InstanceLayerRdms): void => {
    if (sink) {
      sink(li, r);
      out.push(null);
    } else {
      out.push(r);
    }
  };
  const centroidsToo = hasCentroidVariants(stimuli, idx);
  for (const [li, layer] of inst.layers.entries()) {
    if (opts.wanted && !opts.wanted[li]) {
      out.push(null);
      continue;
    }
    if (layer.n !== stimuli.n) throw new UserError(`instance ${inst.instance}, layer ${layer.name}: expected activations for ${stimuli.n} stimuli but received ${layer.n}`);
    const req = { n: layer.n, d: layer.d, metric: opts.metric, threads: opts.threads, label: `${inst.instance} ${layer.name}` };
    if ('file' in layer) {
      // spilled: out of core, in segments of rows (the centroid variants by the direct route)
      if (!engines.rdm.rdmFromFile) throw new Error(`instance ${inst.instance}, layer ${layer.name}: the RDM engine cannot read spilled activations`);
      const labels = centroidsToo && stimuli.labels!.every((l) => l >= 0) ? stimuli.labels! : undefined;
      const r = await engines.rdm.rdmFromFile({ ...req, file: layer.file, labels, memory: opts.spillMemory ?? DEFAULT_SPILL_MEMORY });
      if (!centroidsToo) {
        keep(li, { full: r.full });
      } else if (r.centroids && r.removed) {
        keep(li, { full: r.full, centroids: r.centroids, removed: r.removed });
      } else {
        throw new Error(`instance ${inst.instance}, layer ${layer.name}: spilled activations need labels of at least two classes, all ≥ 0, for the centroid variants`);
      }
      opts.onLayerDone?.(li);
      opts.checkCancelled?.();
      continue;
    }
    if (centroidsToo && engines.rdm.rdmWithCentroids && stimuli.labels!.every((l) => l >= 0)) {
      // one product gives all three (docs/definitions.md, "Centroid and exemplar analysis")
      const r = await engines.rdm.rdmWithCentroids({ ...req, data: layer.data, labels: stimuli.labels! });
      keep(li, { full: r.full, centroids: r.centroids, removed: r.removed });
    } else {
      const full = await engines.rdm.rdm({ ...req, data: layer.data });
      if (!centroidsToo) {
        keep(li, { full });
      } else {
        // the activations are ours to drop now, so the centroids are removed in place
        const centroids = await splitCentroids(engines, { data: layer.data, n: layer.n, d: layer.d, labels: stimuli.labels!, idx: idx!, threads: opts.threads });
        keep(li, {
          full,
          centroids: await engines.rdm.rdm({ ...req, data: centroids, n: idx!.present.length, label: `${req.label} class centroids` }),
          removed: await engines.rdm.rdm({ ...req, data: layer.data, label: `${req.label} centroids removed` }),
        });
      }
    }
    opts.onLayerDone?.(li);
    opts.checkCancelled?.();
  }
  return out;
}

/** Predicted class per stimulus, from the instance's logits (null without logits). */
export function instancePredictions(inst: InstanceActivations, n: number): { predictions: Int32Array; width: number } | null {
  if (!inst.logits || !inst.logitsWidth || inst.logitsWidth <= 0) return null;
  return { predictions: predictedLabels(inst.logits, n, inst.logitsWidth), width: inst.logitsWidth };
}
