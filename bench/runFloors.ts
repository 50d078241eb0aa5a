/**
 * The floors of `seedscope bench run`: each phase's work done by the raw
 * kernel alone, with nothing of the pipeline around it (no worker, cache,
 * reads, copies or JavaScript between calls), so the phase's time beside its
 * floor says what the pipeline costs on top.
 *
 *   extraction    onnxruntime session.run of every instance (all layers
 *                 exposed, the run's batch size) on this thread; sessions
 *                 are created untimed
 *   rdms          computeRdmSplit of random N × D activations per layer,
 *                 times the instances
 *   consistency   pearsonWithinBetween of K random RDMs (all entries, within
 *                 and between categories) and compareRdms of the centroid
 *                 and centroid-removed RDMs, per layer
 *   bootstrap     the native bootstrap of one layer's K random RDMs, times
 *                 the layers
 *   mantel        the native Mantel test of all pairs of one layer's K random
 *                 RDMs, times the layers
 *   second_order  compareRdms of the K·L RDMs, and the native MDS of the
 *                 stimulus maps
 * Phases without a kernel (load, behaviour, figures, write) have no floor.
 * Data generation and session creation are not timed.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { withinBetweenIndices } from '../src/analysis/classStructure.js';
import { firstMiddleLast } from '../src/analysis/stimulusMds.js';
import { planBatch } from '../src/extract/extractActivations.js';
import { extractionSessionOptions } from '../src/extract/sessionOptions.js';
import { bootstrapPearson } from '../src/native/bootstrapPearson.js';
import { compareRdms, pearsonWithinBetween } from '../src/native/compare.js';
import { mdsTopEigen } from '../src/native/mds.js';
import { computeRdm } from '../src/native/rdm.js';
import { computeRdmSplit } from '../src/native/rdmSplit.js';
import { mantelTest } from '../src/native/stats.js';
import type { StimulusSet } from '../src/stimuli/loadStimuli.js';
import { exposeTensors } from '../src/zoo/exposeOutputs.js';
import { externalDataDir, withExternalData } from '../src/zoo/onnxModel.js';
import type { ResolvedLayer } from '../src/zoo/resolveLayers.js';
import type { Zoo } from '../src/zoo/zoo.js';
import { SeededRandom } from './benchRandom.js';

export interface FloorInput {
  zoo: Zoo;
  stimuli: StimulusSet;
  layers: readonly ResolvedLayer[];
  permutations: number;
  bootstrap: number;
  threads: number;
}

export type Floors = Partial<Record<'extraction' | 'rdms' | 'consistency' | 'bootstrap' | 'mantel' | 'second_order', number>>;

/** CPU seconds (every thread of the process) spent in the timed work, beside its wall seconds. */
let cpuTotal = 0;

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await work();
  const c = process.cpuUsage(c0);
  cpuTotal += (c.user + c.system) / 1e6;
  return (performance.now() - t0) / 1000;
}

/** Runs a phase's floor: its wall seconds (the sum `floor` returns) and the CPU seconds of the same timed work times `times`. */
async function phase(name: keyof Floors, out: { wall: Floors; cpu: Floors }, times: number, floor: () => Promise<number>): Promise<void> {
  const before = cpuTotal;
  out.wall[name] = times * await floor();
  out.cpu[name] = times * (cpuTotal - before);
}

/** Condensed RDMs with a shared component (consistent, as a zoo's are), entries in [0, 2). */
function randomRdms(k: number, length: number, rng: SeededRandom): Float64Array[] {
  const shared = Float64Array.from({ length }, () => rng.next());
  return Array.from({ length: k }, () => shared.map((v) => v + rng.next()));
}

/** Raw session.run of every instance over all stimuli, the run's outputs and batch. */
async function extractionFloor(f: FloorInput): Promise<number> {
  const outputs = [...new Set([...f.layers.map((l) => l.tensor), ...(f.zoo.output ? [f.zoo.output] : [])])];
  const batch = await planBatch(f.zoo, f.stimuli.n, {});
  const input = f.zoo.feeds.image.name;
  const per = f.stimuli.images.length / f.stimuli.n;
  let total = 0;
  for (const inst of f.zoo.instances) {
    const session = await InferenceSession.create(exposeTensors({ ...f.zoo.reference, bytes: readFileSync(inst.file) }, outputs),
      withExternalData<InferenceSession.SessionOptions>({ ...extractionSessionOptions(f.threads), executionProviders: ['cpu'] }, externalDataDir(inst.file, inst.data.length > 0)));
    try {
      total += await seconds(async () => {
        for (let start = 0; start < f.stimuli.n; start += batch) {
          const rows = Math.min(batch, f.stimuli.n - start);
          const feed = new Tensor('float32', f.stimuli.images.subarray(start * per, (start + rows) * per), [rows, ...f.zoo.input.shape]);
          const out = await session.run({ [input]: feed }, outputs);
          for (const t of Object.values(out)) t.dispose();
        }
      });
    } finally {
      await session.release();
    }
  }
  return total;
}

export async function runFloors(f: FloorInput): Promise<{ wall: Floors; cpu: Floors }> {
  const n = f.stimuli.n;
  const k = f.zoo.instances.length;
  const len = (n * (n - 1)) / 2;
  const rng = new SeededRandom(5);
  const out = { wall: {} as Floors, cpu: {} as Floors };
  await phase('extraction', out, 1, () => extractionFloor(f));

  // one instance's RDMs per layer, times the instances (the kernel's time does not depend on the values)
  // (the split's full, centroid and centroid-removed RDMs where the stimuli have two classes or more, as the run)
  const labels = f.stimuli.labels && new Set(f.stimuli.labels).size >= 2 ? f.stimuli.labels : null;
  await phase('rdms', out, k, async () => {
    let total = 0;
    for (const layer of f.layers) {
      const acts = new Float32Array(n * layer.size);
      for (let i = 0; i < acts.length; i++) acts[i] = rng.next();
      const opts = { metric: 'correlation' as const, threads: f.threads };
      total += await seconds(() => (labels ? computeRdmSplit(acts, n, layer.size, labels, opts)
        : computeRdm(acts, n, layer.size, { ...opts, outDtype: 'float64', condensed: true })));
    }
    return total;
  });
  if (k < 2) return out;

  const layerRdms = randomRdms(k, len, rng);
  const split = labels ? withinBetweenIndices(labels) : null;
  const classes = labels ? new Set(labels).size : 0;
  // the kernels of the analysis's comparisons: all, within- and between-category entries in one
  // pass (or all entries alone without labels), then the centroid and centroid-removed RDMs
  const centroidRdms = randomRdms(k, (classes * (classes - 1)) / 2, rng);
  const removedRdms = randomRdms(k, len, rng);
  await phase('consistency', out, f.layers.length, async () => {
    if (!split) return seconds(() => compareRdms(layerRdms, 'pearson', { threads: f.threads }));
    return await seconds(() => pearsonWithinBetween(layerRdms, split.within, { threads: f.threads }))
      + await seconds(() => compareRdms(centroidRdms, 'pearson', { threads: f.threads }))
      + await seconds(() => compareRdms(removedRdms, 'pearson', { threads: f.threads }));
  });
  if (f.bootstrap > 0) {
    await phase('bootstrap', out, f.layers.length, () => seconds(() => bootstrapPearson(layerRdms, n, {
      samples: f.bootstrap, seed: 0, over: k >= 3 ? 'both' : 'stimuli', squared: true, threads: f.threads,
    })));
  }
  if (f.permutations > 0) {
    await phase('mantel', out, f.layers.length, () => seconds(() => mantelTest(layerRdms, n, {
      method: 'pearson', permutations: f.permutations, seed: 0, threads: f.threads, allPairs: true,
    })));
  }
  // the K·L RDMs compared at once, and the MDS of the stimulus maps (two instances at up to three layers)
  const all = Array.from({ length: k * f.layers.length }, (_, i) => layerRdms[i % k]!);
  const maps = firstMiddleLast(f.layers).length * Math.min(2, k);
  await phase('second_order', out, 1, async () => {
    let total = await seconds(() => compareRdms(all, 'pearson', { threads: f.threads }));
    for (let i = 0; i < maps; i++) total += await seconds(() => mdsTopEigen(layerRdms[i % k]!, n, { k: 2, threads: f.threads }));
    return total;
  });
  return out;
}
