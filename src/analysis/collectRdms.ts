/**
 * Streams a zoo's instances into RDMs. Each instance arrives with every
 * layer's activations; its RDMs (full, class centroids, centroids removed)
 * are computed and the activations dropped before the next instance is asked
 * for, so memory holds RDMs, never a zoo's activations.
 */
import { UserError } from '../errors.js';
import { predictedLabels } from './behaviour.js';
import { classCentroids, classIndex, subtractCentroidsInPlace, type ClassIndex } from './classStructure.js';
import type { AnalysisEngines, CentroidRequest } from './engines.js';
import type { PhaseTimer } from './phases.js';
import type { AnalysisOptions, InstanceActivations, StimulusLabels } from './types.js';

/** Everything kept from streaming the instances: per layer, per instance, condensed RDMs. */
export interface CollectedRdms {
  layers: { name: string; n: number; d: number }[];
  instances: string[];
  full: Float64Array[][];
  centroid: Float64Array[][];
  removed: Float32Array[][];
  predictions: Int32Array[];
  logitsWidth: number;
}

function checkLayers(inst: InstanceActivations, layers: CollectedRdms['layers'], n: number): void {
  const names = inst.layers.map((l) => l.name).join(',');
  const want = layers.map((l) => l.name).join(',');
  if (layers.length > 0 && names !== want) {
    throw new UserError(`instance ${inst.instance}: expected layers ${want} like the first instance but received ${names}`);
  }
  for (const l of inst.layers) {
    if (l.n !== n) throw new UserError(`instance ${inst.instance}, layer ${l.name}: expected activations for ${n} stimuli but received ${l.n}`);
  }
}

/** Class centroids of a layer, which then leaves `data` with them removed (natively where the engines can). */
async function splitCentroids(engines: AnalysisEngines, req: CentroidRequest): Promise<Float32Array> {
  if (engines.rdm.splitCentroids && req.labels.every((l) => l >= 0)) return engines.rdm.splitCentroids(req);
  const centroids = classCentroids(req.data, req.n, req.d, req.labels, req.idx);
  subtractCentroidsInPlace(req.data, req.n, req.d, req.labels, req.idx, centroids);
  return centroids;
}

export async function collectRdms(zoo: string, source: AsyncIterable<InstanceActivations>, stimuli: StimulusLabels,
  opts: AnalysisOptions, engines: AnalysisEngines, timer: PhaseTimer, expected: number | undefined): Promise<CollectedRdms> {
  const c: CollectedRdms = { layers: [], instances: [], full: [], centroid: [], removed: [], predictions: [], logitsWidth: 0 };
  const labels = stimuli.labels;
  const idx: ClassIndex | undefined = labels ? classIndex(labels) : undefined;
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      // the wait for the next instance is the extraction's time (the RDMs below are timed apart)
      const next = await timer.time('extraction', () => iterator.next());
      if (next.done) break;
      const inst = next.value;
      opts.checkCancelled?.();
      checkLayers(inst, c.layers, stimuli.n);
      if (c.instances.length === 0) {
        c.layers = inst.layers.map((l) => ({ name: l.name, n: l.n, d: l.d }));
        for (const _ of c.layers) {
          c.full.push([]);
          c.centroid.push([]);
          c.removed.push([]);
        }
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
      timer.progress('extraction', zoo, c.instances.length, Math.max(expected ?? 0, c.instances.length));
    }
  } finally {
    // stopping early (an error, Ctrl-C) must still close the source, e.g. its session worker
    await iterator.return?.();
  }
  timer.finish('extraction', zoo);
  return c;
}
