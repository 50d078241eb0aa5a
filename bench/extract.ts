/**
 * `seedscope bench extract`: images/s of seedscope's extraction (all layers
 * exposed, worker thread, copies into N × D matrices, session creation
 * included) beside raw `session.run` throughput of the same model, outputs and
 * batch on the main thread. The target: overhead under 10 %.
 *
 * Runs on --zoo/--model, else the default zoo (models/fmnist-allcnnc), else an
 * All-CNN-C-like model (width 1/3) generated in memory with random weights.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { defaultZooDir } from '../src/pipeline/loadZoos.js';
import { extractActivations } from '../src/extract/extractActivations.js';
import { extractionSessionOptions } from '../src/extract/sessionOptions.js';
import { loadStimuli, type StimulusSet } from '../src/stimuli/loadStimuli.js';
import { exposeTensors } from '../src/zoo/exposeOutputs.js';
import { externalDataDir, withExternalData } from '../src/zoo/onnxModel.js';
import { resolveLayers, type ResolvedLayer } from '../src/zoo/resolveLayers.js';
import { loadZoo, zooFromModels, type Zoo } from '../src/zoo/zoo.js';
import { seedscopeVersion } from '../src/version.js';
import { allCnnCModel } from './allCnnCModel.js';

export interface BenchExtractOptions {
  zoo?: string;
  model?: string[];
  batch: number;
  threads: number;
  instances: number;
  stimuli: string;
  perClass?: number;
  json?: boolean;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** CPU seconds of the whole process (all threads) since `from`: steadier than wall time on a busy machine. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

/** Raw onnxruntime: the same model bytes and batch, session.run in a loop on this thread. */
async function rawImagesPerSecond(bytes: Uint8Array, zoo: Zoo, stimuli: StimulusSet, outputs: string[], batch: number, threads: number,
  cpu: number[] = []): Promise<number> {
  // the bytes are the reference model's (exposed or not): its external data, if any, lies beside it
  const session = await InferenceSession.create(bytes, withExternalData<InferenceSession.SessionOptions>({ ...extractionSessionOptions(threads), executionProviders: ['cpu'] },
    externalDataDir(zoo.reference.file, zoo.reference.externalData.length > 0)));
  const per = stimuli.images.length / stimuli.n;
  const input = zoo.feeds.image.name;
  const runBatch = async (start: number): Promise<void> => {
    const rows = Math.min(batch, stimuli.n - start);
    const out = await session.run({ [input]: new Tensor('float32', stimuli.images.subarray(start * per, (start + rows) * per), [rows, ...zoo.input.shape]) }, outputs);
    for (const t of Object.values(out)) t.dispose();
  };
  await runBatch(0); // warm-up
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let start = 0; start < stimuli.n; start += batch) await runBatch(start);
  const secs = (performance.now() - t0) / 1000;
  cpu.push(stimuli.n / cpuSeconds(c0));
  await session.release();
  return stimuli.n / secs;
}

export async function benchExtract(opts: BenchExtractOptions): Promise<Record<string, unknown>> {
  let tmp: string | null = null;
  let zoo: Zoo;
  let source: string;
  if (opts.model) {
    zoo = zooFromModels(opts.model);
    source = 'models';
  } else if (opts.zoo || existsSync(join(defaultZooDir(), 'zoo.json'))) {
    zoo = loadZoo(opts.zoo ?? defaultZooDir());
    source = opts.zoo ?? 'default zoo';
  } else {
    tmp = mkdtempSync(join(tmpdir(), 'seedscope-bench-'));
    const file = join(tmp, 'allcnnc.onnx');
    writeFileSync(file, allCnnCModel(1 / 3));
    zoo = zooFromModels([file], { input: { mean: [0.286], std: [0.353] } });
    source = 'generated All-CNN-C (width 1/3, random weights)';
  }
  try {
    zoo = { ...zoo, instances: Array.from({ length: opts.instances }, (_, k) => zoo.instances[k % zoo.instances.length]!) };
    const stimuli = await loadStimuli(opts.stimuli, zoo.input, { perClass: opts.perClass ?? null });
    const layers: ResolvedLayer[] = await resolveLayers(zoo, []);
    const outputs = [...new Set([...layers.map((l) => l.tensor), ...(zoo.output ? [zoo.output] : [])])];
    const batch = zoo.fixedBatch ?? opts.batch;
    const exposed = exposeTensors(zoo.reference, outputs);
    const rawExposed: number[] = [];
    const rawPlain: number[] = [];
    const extractWall: number[] = [];
    const extractRun: number[] = [];
    const extractCpu: number[] = [];
    const rawCpu: number[] = [];
    // interleaved: each instance's extraction, then the raw runs, so a busy machine slows both alike
    let last = performance.now();
    let lastCpu = process.cpuUsage();
    for await (const r of extractActivations(zoo, stimuli, { layers, batch, threads: opts.threads, reuseBuffers: true })) {
      extractWall.push(stimuli.n / ((performance.now() - last) / 1000));
      extractCpu.push(stimuli.n / cpuSeconds(lastCpu));
      extractRun.push(stimuli.n / r.runSeconds);
      rawExposed.push(await rawImagesPerSecond(exposed, zoo, stimuli, outputs, batch, opts.threads, rawCpu));
      rawPlain.push(await rawImagesPerSecond(zoo.reference.bytes, zoo, stimuli, zoo.reference.outputs.map((o) => o.name), batch, opts.threads));
      last = performance.now();
      lastCpu = process.cpuUsage();
    }
    const raw = median(rawExposed);
    const wall = median(extractWall);
    return {
      benchmark: 'extract',
      version: seedscopeVersion,
      source,
      zoo: zoo.name,
      stimuli: stimuli.spec,
      n: stimuli.n,
      batch,
      threads: opts.threads,
      instances: opts.instances,
      layers: layers.length,
      features_per_image: layers.reduce((a, l) => a + l.size, 0),
      raw_session_run_images_per_s: raw,
      raw_unexposed_model_images_per_s: median(rawPlain),
      extract_images_per_s: wall,
      extract_batches_only_images_per_s: median(extractRun),
      overhead: 1 - wall / raw,
      // images per CPU-second (all threads): the overhead measured in work, not in a busy machine's wall time
      raw_images_per_cpu_s: median(rawCpu),
      extract_images_per_cpu_s: median(extractCpu),
      cpu_overhead: 1 - median(extractCpu) / median(rawCpu),
      // the first instance also pays for fresh memory (page faults on N × D floats per layer)
      first_instance_overhead: 1 - extractWall[0]! / rawExposed[0]!,
      overhead_target: 0.1,
      per_instance_extract_images_per_s: extractWall,
      per_instance_raw_images_per_s: rawExposed,
    };
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
