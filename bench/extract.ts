/**
 * `seedscope bench extract`: images/s of seedscope's extraction (all layers
 * exposed, worker thread, copies into N × D matrices, session creation
 * included) beside raw `session.run` throughput of the same model, outputs and
 * batch on the main thread. The target: overhead under 10 %.
 *
 * Runs on --zoo/--model, else the default zoo (models/fmnist-allcnnc), else an
 * All-CNN-C-like model (width 1/3) generated in memory with random weights.
 */
import type { Command } from 'commander';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { printJson } from '../src/cli/output.js';
import { intOption, threadsOption, collect } from '../src/cli/parsers.js';
import { DEFAULT_ZOO } from '../src/cli/zooOptions.js';
import { extractActivations } from '../src/extract/extractActivations.js';
import { loadStimuli, type StimulusSet } from '../src/stimuli/loadStimuli.js';
import { exposeTensors } from '../src/zoo/exposeOutputs.js';
import { imageInput } from '../src/zoo/onnxModel.js';
import { resolveLayers, type ResolvedLayer } from '../src/zoo/resolveLayers.js';
import { loadZoo, zooFromModels, type Zoo } from '../src/zoo/zoo.js';
import { seedscopeVersion } from '../src/version.js';
import { allCnnCModel } from './allCnnCModel.js';

interface Options {
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

/** Raw onnxruntime: the same model bytes and batch, session.run in a loop on this thread. */
async function rawImagesPerSecond(bytes: Uint8Array, zoo: Zoo, stimuli: StimulusSet, outputs: string[], batch: number, threads: number): Promise<number> {
  const session = await InferenceSession.create(bytes, {
    graphOptimizationLevel: 'all', executionMode: 'sequential', interOpNumThreads: 1,
    ...(threads > 0 ? { intraOpNumThreads: threads } : {}), executionProviders: ['cpu'],
  });
  const per = stimuli.images.length / stimuli.n;
  const input = imageInput(zoo.reference).name;
  const runBatch = async (start: number): Promise<void> => {
    const rows = Math.min(batch, stimuli.n - start);
    const out = await session.run({ [input]: new Tensor('float32', stimuli.images.subarray(start * per, (start + rows) * per), [rows, ...zoo.input.shape]) }, outputs);
    for (const t of Object.values(out)) t.dispose();
  };
  await runBatch(0); // warm-up
  const t0 = performance.now();
  for (let start = 0; start < stimuli.n; start += batch) await runBatch(start);
  const secs = (performance.now() - t0) / 1000;
  await session.release();
  return stimuli.n / secs;
}

export async function benchExtract(opts: Options): Promise<Record<string, unknown>> {
  let tmp: string | null = null;
  let zoo: Zoo;
  let source: string;
  if (opts.model) {
    zoo = zooFromModels(opts.model);
    source = 'models';
  } else if (opts.zoo || existsSync(join(DEFAULT_ZOO, 'zoo.json'))) {
    zoo = loadZoo(opts.zoo ?? DEFAULT_ZOO);
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
    // interleaved: each instance's extraction, then the raw runs, so a busy machine slows both alike
    let last = performance.now();
    for await (const r of extractActivations(zoo, stimuli, { layers, batch, threads: opts.threads, reuseBuffers: true })) {
      extractWall.push(stimuli.n / ((performance.now() - last) / 1000));
      extractRun.push(stimuli.n / r.runSeconds);
      rawExposed.push(await rawImagesPerSecond(exposed, zoo, stimuli, outputs, batch, opts.threads));
      rawPlain.push(await rawImagesPerSecond(zoo.reference.bytes, zoo, stimuli, zoo.reference.outputs.map((o) => o.name), batch, opts.threads));
      last = performance.now();
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

export function registerBenchExtract(bench: Command): void {
  bench
    .command('extract')
    .description('images/s of extraction with all layers exposed vs raw onnxruntime session.run of the same model and batch')
    .option('--zoo <dir>', 'a zoo folder (default: models/fmnist-allcnnc, else a generated All-CNN-C-like model)')
    .option('--model <file>', 'plain ONNX files (repeatable)', collect)
    .option('--batch <n>', 'images per batch', intOption(1, 65536), 100)
    .option('--threads <n>', 'onnxruntime intra-op threads (0 = all cores)', threadsOption, 0)
    .option('--instances <k>', 'instances to run (repeats the zoo’s when it has fewer)', intOption(1, 100), 3)
    .option('--stimuli <spec>', 'stimulus set', 'builtin:fmnist-1000')
    .option('--per-class <k>', 'first K images of each class', intOption(1))
    .option('--json', 'print one JSON document')
    .action(async (opts: Options) => {
      const r = await benchExtract(opts);
      if (opts.json) {
        printJson(r);
        return;
      }
      const f = (x: unknown): string => (typeof x === 'number' ? x.toFixed(0) : String(x));
      process.stdout.write([
        `extract benchmark: ${r.source} (${r.zoo}), ${r.n} stimuli, batch ${r.batch}, ${r.layers} layers (${r.features_per_image} features/image)`,
        `raw session.run, same outputs:   ${f(r.raw_session_run_images_per_s)} images/s`,
        `raw session.run, logits only:    ${f(r.raw_unexposed_model_images_per_s)} images/s`,
        `seedscope extract (end to end):  ${f(r.extract_images_per_s)} images/s`,
        `seedscope extract (batches only): ${f(r.extract_batches_only_images_per_s)} images/s`,
        `overhead vs raw: ${((r.overhead as number) * 100).toFixed(1)} % (target < 10 %)`,
      ].join('\n') + '\n');
    });
}
