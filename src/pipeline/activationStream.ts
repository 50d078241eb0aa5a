/**
 * Extraction's instances in the analysis's shape, with extraction progress
 * reported as the 'extraction' phase of the zoo.
 */
import type { PhaseTimer } from '../analysis/phases.js';
import type { InstanceActivations } from '../analysis/types.js';
import { extractActivations } from '../extract/extractActivations.js';
import type { StimulusSet } from '../stimuli/loadStimuli.js';
import type { ResolvedLayer } from '../zoo/resolveLayers.js';
import type { Zoo } from '../zoo/zoo.js';
import type { RunOptions } from './runPipeline.js';

export async function* activationsOf(zoo: Zoo, stimuli: StimulusSet, layers: readonly ResolvedLayer[],
  opts: Pick<RunOptions, 'threads' | 'device' | 'batch' | 'memory'> & { spill?: { dir: string; tensors: readonly string[] } },
  ctx: { signal: AbortSignal; warn: (message: string) => void; timer: PhaseTimer }): AsyncGenerator<InstanceActivations> {
  const k = zoo.instances.length;
  for await (const inst of extractActivations(zoo, stimuli, {
    // Ctrl-C stops extraction after the current batch: the session worker is asked to
    // cancel and close (never terminated mid-run, which would abort the process).
    signal: ctx.signal,
    layers, threads: opts.threads, device: opts.device, batch: opts.batch, memoryMB: opts.memory, onWarning: ctx.warn,
    // the analysis is done with an instance (it keeps RDMs only) before it asks for the next
    reuseBuffers: true,
    // layers larger than a pass may hold are written to files batch by batch (planRun.ts)
    spill: opts.spill,
    onProgress: (p) => ctx.timer.progress('extraction', zoo.name, p.index + p.done / Math.max(1, p.total), k,
      `${p.instance} ${Math.round(p.imagesPerSecond)} img/s`),
  })) {
    // logitsShape is [N, ...]: the width of a row is what remains per stimulus
    const width = inst.logits ? inst.logits.length / stimuli.n : undefined;
    yield {
      instance: inst.instance.name,
      index: inst.index,
      layers: inst.layers.map((l) => ('file' in l ? { name: l.name, n: l.n, d: l.d, file: l.file } : { name: l.name, n: l.n, d: l.d, data: l.data })),
      logits: inst.logits ?? undefined,
      logitsWidth: width,
    };
  }
}
