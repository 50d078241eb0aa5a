/**
 * `seedscope bench run`: the whole `seedscope run` (default: the default zoo
 * on builtin:fmnist-1000, 1,000 permutations and bootstrap samples) timed
 * end to end and per phase, writing into a temporary folder that is removed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeEngines } from '../src/analysis/nativeEngines.js';
import { defaultZooDir } from '../src/pipeline/loadZoos.js';
import { runPipeline } from '../src/pipeline/runPipeline.js';
import { DEFAULT_STIMULI, loadStimuli } from '../src/stimuli/loadStimuli.js';
import { resolveLayers } from '../src/zoo/resolveLayers.js';
import { loadZoo } from '../src/zoo/zoo.js';
import { allCnnCModel } from './allCnnCModel.js';
import { runFloors, type Floors } from './runFloors.js';

/**
 * Where the default zoo is not installed: ten All-CNN-C-like instances with
 * random weights (the default zoo's architecture, width and layer names), so
 * the benchmark measures the same amount of work.
 */
function generatedZoo(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const instances = Array.from({ length: 10 }, (_, s) => {
    const bytes = allCnnCModel(1 / 3, s + 1);
    writeFileSync(join(dir, `seed${s}.onnx`), bytes);
    return { name: `seed${s}`, seed: s, file: `seed${s}.onnx`, sha256: createHash('sha256').update(bytes).digest('hex'), test_accuracy: null, training_seconds: null };
  });
  const layers = Array.from({ length: 9 }, (_, i) => ({ name: `conv${i + 1}`, tensor: `conv${i + 1}` }));
  writeFileSync(join(dir, 'zoo.json'), JSON.stringify({
    format: 'seedscope-zoo/1', name: 'generated-allcnnc', architecture: 'All-CNN-C (random weights)', width: 1 / 3, dropout: false,
    dataset: 'fashion-mnist', input: { name: 'input', shape: [1, 28, 28], layout: 'NCHW', scale: 255, mean: [0.286], std: [0.353] },
    classes: null, output: 'logits', layers: [...layers, { name: 'logits', tensor: 'logits' }], training: null, instances,
  }));
  return dir;
}

export interface BenchRunOptions {
  /** the RDM cache to use (default: none, a cold run) */
  cache?: string;
  zoo?: string;
  stimuli?: string;
  permutations?: number;
  bootstrap?: number;
  threads?: number;
}

export interface BenchRunResult {
  op: 'run';
  zoo: string;
  /** 'default zoo', the --zoo given, or 'generated' (random weights, where the default zoo is not installed) */
  source: string;
  stimuli: string;
  instances: number;
  layers: number;
  n: number;
  permutations: number;
  bootstrap: number;
  threads: number;
  seconds: number;
  phases_seconds: Record<string, number>;
  /** each phase's work done by the raw kernel alone (bench/runFloors.ts); absent for phases without a kernel */
  floors_seconds: Floors;
  /** the same in CPU seconds of the whole process (steadier than wall time on a shared machine) */
  floors_cpu_seconds: Floors;
  phases_cpu_seconds: Record<string, number>;
  /**
   * each phase beside its floor: seconds, floor_seconds and their ratio (1 = the pipeline adds nothing),
   * and the same in CPU seconds
   */
  phases_vs_floors: Record<string, {
    seconds: number; floor_seconds: number | null; ratio: number | null;
    cpu_seconds: number; floor_cpu_seconds: number | null; cpu_ratio: number | null;
  }>;
}

/** Runs the whole analysis into a temporary folder; `signal` stops it (Ctrl-C), `warn` receives its warnings. */
export async function benchRun(opts: BenchRunOptions = {}, ctx: { signal?: AbortSignal; warn?: (message: string) => void } = {}): Promise<BenchRunResult> {
  const out = mkdtempSync(join(tmpdir(), 'seedscope-bench-run-'));
  try {
    const permutations = opts.permutations ?? 1000;
    const bootstrap = opts.bootstrap ?? 1000;
    const threads = opts.threads ?? 0;
    const stimuli = opts.stimuli ?? DEFAULT_STIMULI;
    const zoo = opts.zoo ?? (existsSync(join(defaultZooDir(), 'zoo.json')) ? undefined : generatedZoo(join(out, 'zoo')));
    const warn = ctx.warn ?? ((): void => undefined);
    const { doc } = await runPipeline({
      zoo: zoo ? [zoo] : undefined, stimuli, resize: true, device: 'cpu', metric: 'correlation', compare: 'r2', permutations, bootstrap,
      // a cold run unless a cache is given: the benchmark measures the computation
      seed: 0, threads, output: join(out, 'out'), saveRdms: false, cache: opts.cache ?? false, memoStatistics: false,
    }, { command: 'seedscope bench run', engines: nativeEngines({ warn }), signal: ctx.signal ?? new AbortController().signal, warn });
    // the floors, on the same zoo, stimuli and layers, after the run (so they do not warm it)
    const z = loadZoo(zoo ?? defaultZooDir());
    const set = await loadStimuli(stimuli, z.input, { resize: true });
    const measured = await runFloors({ zoo: z, stimuli: set, layers: await resolveLayers(z, []), permutations, bootstrap, threads });
    const round = (f: Floors): Floors => Object.fromEntries(Object.entries(f).map(([phase, secs]) => [phase, Math.round(secs * 1000) / 1000]));
    const floors = round(measured.wall);
    const floorsCpu = round(measured.cpu);
    const ratio = (x: number, floor: number | undefined): number | null => (floor ? Math.round((x / floor) * 100) / 100 : null);
    const phases_vs_floors: BenchRunResult['phases_vs_floors'] = {};
    for (const [phase, secs] of Object.entries(doc.timing.phases)) {
      const id = phase as keyof Floors;
      const cpu = doc.timing.phases_cpu[phase] ?? 0;
      phases_vs_floors[phase] = {
        seconds: secs, floor_seconds: floors[id] ?? null, ratio: ratio(secs, floors[id]),
        cpu_seconds: cpu, floor_cpu_seconds: floorsCpu[id] ?? null, cpu_ratio: ratio(cpu, floorsCpu[id]),
      };
    }
    return {
      op: 'run',
      zoo: doc.zoo.name,
      source: opts.zoo ?? (zoo ? 'generated' : 'default zoo'),
      stimuli,
      instances: doc.instances.length,
      layers: doc.layers.length,
      n: doc.stimuli.n,
      permutations,
      bootstrap,
      threads,
      seconds: doc.timing.total_seconds,
      phases_seconds: doc.timing.phases,
      floors_seconds: floors,
      phases_cpu_seconds: doc.timing.phases_cpu,
      floors_cpu_seconds: floorsCpu,
      phases_vs_floors,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
