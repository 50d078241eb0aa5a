/**
 * Streams a zoo's instances into RDMs held in memory. Each instance arrives
 * with every layer's activations; its RDMs are computed and the activations
 * dropped before the next instance is asked for. For small zoos and tests:
 * the pipeline keeps its RDMs in the store on disk instead.
 */
import { UserError } from '../errors.js';
import type { ZooPredictions } from './analyseZoo.js';
import { classIndex } from './classStructure.js';
import type { AnalysisEngines } from './engines.js';
import { instancePredictions, instanceRdms } from './instanceRdms.js';
import type { PhaseTimer } from './phases.js';
import { MemoryRdmSet } from './rdmSet.js';
import type { AnalysisOptions, InstanceActivations, StimulusLabels } from './types.js';

function checkLayers(inst: InstanceActivations, set: MemoryRdmSet): void {
  const names = inst.layers.map((l) => l.name).join(',');
  const want = set.layers.map((l) => l.name).join(',');
  if (set.instances.length > 0 && names !== want) {
    throw new UserError(`instance ${inst.instance}: expected layers ${want} like the first instance but received ${names}`);
  }
}

export async function collectRdms(zoo: string, source: AsyncIterable<InstanceActivations>, stimuli: StimulusLabels,
  opts: AnalysisOptions, engines: AnalysisEngines, timer: PhaseTimer, expected: number | undefined): Promise<{ set: MemoryRdmSet; predictions: ZooPredictions | null }> {
  const set = new MemoryRdmSet(stimuli.n);
  const predictions: Int32Array[] = [];
  let width = 0;
  const idx = stimuli.labels ? classIndex(stimuli.labels) : undefined;
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      // the wait for the next instance is the extraction's time (the RDMs below are timed apart)
      const next = await timer.time('extraction', () => iterator.next());
      if (next.done) break;
      const inst = next.value;
      opts.checkCancelled?.();
      checkLayers(inst, set);
      // Predictions first: the logits are often also a layer (the same array), which the
      // centroid split changes in place.
      const p = instancePredictions(inst, stimuli.n);
      if (p) {
        predictions.push(p.predictions);
        width = p.width;
      }
      const rdms = await timer.time('rdms', () => instanceRdms(inst, stimuli, idx, opts, engines));
      set.add(inst.instance, inst.layers.map((l) => ({ name: l.name, n: l.n, d: l.d })), rdms.map((r) => r!));
      timer.progress('extraction', zoo, set.instances.length, Math.max(expected ?? 0, set.instances.length));
    }
  } finally {
    // stopping early (an error, Ctrl-C) must still close the source, e.g. its session worker
    await iterator.return?.();
  }
  timer.finish('extraction', zoo);
  return { set, predictions: predictions.length > 0 ? { predictions, width } : null };
}
