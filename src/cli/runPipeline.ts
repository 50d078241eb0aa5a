/**
 * What `seedscope run` does, in order: load the zoos and the stimuli, stream
 * every zoo's instances through extraction into the analysis, compare the
 * zoos, draw the figures, and write everything into a staged output folder
 * that is renamed into place only when complete.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyseZoo, type ZooSource } from '../analysis/analyseZoo.js';
import type { AnalysisEngines } from '../analysis/engines.js';
import type { AnalysisOptions, InstanceActivations, ProgressFactory, StimulusLabels, ZooAnalysis, ZooRdms } from '../analysis/types.js';
import { compareZoos, type ZooDifference } from '../analysis/zooDifference.js';
import { CancelledError, UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { writeNpy } from '../io/npy.js';
import { StagedDir } from '../io/stagedDir.js';
import { extractActivations } from '../extract/extractActivations.js';
import type { DeviceChoice } from '../extract/device.js';
import { packageRoot } from '../native/addon.js';
import { makeFigures } from '../report/figures.js';
import { reportHtml } from '../report/html.js';
import { buildResults, resultTables, type ResultsDocument, type RunMeta, type StimulusInfo, type ZooInfo } from '../report/results.js';
import { DEFAULT_STIMULI, loadStimuli, type StimulusSet } from '../stimuli/loadStimuli.js';
import { resolveLayers } from '../zoo/resolveLayers.js';
import { loadZoo, zooFromModels, type Zoo } from '../zoo/zoo.js';
import { PhaseTimer } from '../analysis/phaseTimer.js';
import { jsonReplacer } from './output.js';
import { ProgressBar } from './progressBar.js';

export const DEFAULT_ZOO = join('models', 'fmnist-allcnnc');

/** The analysis's own settings, plus where the zoos, stimuli and outputs come from. */
export interface RunOptions extends Pick<AnalysisOptions, 'metric' | 'compare' | 'permutations' | 'bootstrap' | 'seed' | 'threads'> {
  zoo?: string[];
  model?: string[];
  stimuli: string;
  layers?: string[];
  device: DeviceChoice;
  output: string;
  saveRdms: boolean;
  json: boolean;
  quiet: boolean;
}

export interface RunContext {
  command: string;
  versions: Record<string, string>;
  engines: AnalysisEngines;
  signal: AbortSignal;
  warn: (message: string) => void;
}

export interface RunOutcome {
  doc: ResultsDocument;
  outputDir: string;
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_') || '_';
}

function loadZoos(opts: RunOptions): Zoo[] {
  const zoos: Zoo[] = [];
  for (const dir of opts.zoo ?? []) zoos.push(loadZoo(dir));
  if (opts.model && opts.model.length > 0) zoos.push(zooFromModels(opts.model));
  if (zoos.length === 0) {
    const dir = join(packageRoot, DEFAULT_ZOO);
    if (!existsSync(join(dir, 'zoo.json'))) throw new UserError(`the default zoo ${dir} is not installed: give --zoo DIR or --model FILE`);
    zoos.push(loadZoo(dir));
  }
  const names = new Set<string>();
  for (const z of zoos) {
    if (names.has(z.name)) throw new UserError(`zoo name '${z.name}' appears twice: give each --zoo a different zoo`);
    names.add(z.name);
  }
  return zoos;
}

function zooInfo(z: Zoo, layers: { name: string; tensor: string }[]): ZooInfo {
  return {
    name: z.name,
    dir: z.dir ?? undefined,
    architecture: z.manifest?.architecture ?? undefined,
    dataset: z.manifest?.dataset ?? undefined,
    instances: z.instances.map((i) => ({ name: i.name, file: i.file, sha256: i.sha256, seed: i.seed, test_accuracy: i.testAccuracy })),
    layers: layers.map((l) => ({ name: l.name, tensor: l.tensor })),
  };
}

/** Extraction's instances in the analysis's shape; one bar shows both. */
async function* activationsOf(zoo: Zoo, stimuli: StimulusSet, layers: Awaited<ReturnType<typeof resolveLayers>>, opts: RunOptions, ctx: RunContext, bar: ProgressBar): AsyncGenerator<InstanceActivations> {
  const k = zoo.instances.length;
  for await (const inst of extractActivations(zoo, stimuli, {
    // Ctrl-C stops extraction after the current batch: the session worker is asked to
    // cancel and close (never terminated mid-run, which would abort the process).
    signal: ctx.signal,
    layers, threads: opts.threads, device: opts.device, onWarning: ctx.warn,
    // the analysis is done with an instance (it keeps RDMs only) before it asks for the next
    reuseBuffers: true,
    onProgress: (p) => bar.update(p.index + p.done / Math.max(1, p.total), k, `${p.instance} ${Math.round(p.imagesPerSecond)} img/s`),
  })) {
    // logitsShape is [N, ...]: the width of a row is what remains per stimulus
    const width = inst.logits ? inst.logits.length / stimuli.n : undefined;
    yield {
      instance: inst.instance.name,
      index: inst.index,
      layers: inst.layers.map((l) => ({ name: l.name, n: l.n, d: l.d, data: l.data })),
      logits: inst.logits ?? undefined,
      logitsWidth: width,
    };
  }
}

export async function runAnalysis(opts: RunOptions, ctx: RunContext): Promise<RunOutcome> {
  const started = performance.now();
  const timer = new PhaseTimer();
  const showProgress = !opts.json && !opts.quiet;
  const checkCancelled = (): void => {
    if (ctx.signal.aborted) throw new CancelledError();
  };
  const staged = new StagedDir(opts.output);
  try {
    const zoos = await timer.time('load', () => loadZoos(opts));
    const stimuliCache = new Map<string, StimulusSet>();
    const stimuliFor = async (z: Zoo): Promise<StimulusSet> => {
      const key = JSON.stringify(z.input);
      let s = stimuliCache.get(key);
      if (!s) {
        s = await loadStimuli(opts.stimuli, z.input, {});
        stimuliCache.set(key, s);
      }
      return s;
    };
    const analyses: { result: ZooAnalysis; rdms: ZooRdms }[] = [];
    const infos: ZooInfo[] = [];
    let firstStimuli: StimulusSet | undefined;
    let labels: StimulusLabels | undefined;
    for (const z of zoos) {
      checkCancelled();
      const stimuli = await timer.time('load', () => stimuliFor(z));
      const layers = await timer.time('load', () => resolveLayers(z, opts.layers ?? []));
      firstStimuli ??= stimuli;
      const classes = stimuli.classes ?? z.classes ?? undefined;
      const stimLabels: StimulusLabels = { n: stimuli.n, labels: stimuli.labels ?? undefined, classes };
      labels ??= stimLabels;
      if (firstStimuli.n !== stimuli.n) throw new UserError(`zoo ${z.name}: the stimuli give ${stimuli.n} images for this zoo's input but ${firstStimuli.n} for the first zoo`);
      const bar = new ProgressBar(`${z.name}: extract + RDMs`, showProgress);
      const factory: ProgressFactory = (label) => {
        if (label === 'extract + RDMs') return { update: (d, t) => bar.update(d, t), done: () => bar.done() };
        const b = new ProgressBar(`${z.name}: ${label}`, showProgress);
        return { update: (d, t) => b.update(d, t), done: () => b.done() };
      };
      const analysisOptions: AnalysisOptions = {
        metric: opts.metric, compare: opts.compare, permutations: opts.permutations, bootstrap: opts.bootstrap,
        seed: opts.seed, threads: opts.threads, progress: factory, checkCancelled,
        onRdm: opts.saveRdms
          ? (instance, layer, n, rdm) => writeRdmSquare(staged.file('rdms', safeName(z.name), safeName(instance), `${safeName(layer)}.npy`), rdm, n)
          : undefined,
      };
      const source: ZooSource = { name: z.name, expectedInstances: z.instances.length, activations: activationsOf(z, stimuli, layers, opts, ctx, bar) };
      const analysis = await analyseZoo(source, stimLabels, analysisOptions, ctx.engines);
      for (const [phase, s] of Object.entries(analysis.result.timing)) timer.add(phase, s);
      analyses.push(analysis);
      infos.push(zooInfo(z, layers));
    }
    const stim = firstStimuli!;
    let difference: ZooDifference | null = null;
    if (analyses.length >= 2) {
      if (analyses.length > 2) ctx.warn(`${analyses.length} zoos: the difference test compares the first two (${analyses[0]!.result.name}, ${analyses[1]!.result.name})`);
      difference = await timer.time('zoo_difference', () => compareZoos(analyses[0]!, analyses[1]!, {
        metric: opts.metric, compare: opts.compare, permutations: opts.permutations, bootstrap: opts.bootstrap, seed: opts.seed, threads: opts.threads,
        progress: (label) => {
          const b = new ProgressBar(label, showProgress);
          return { update: (d, t) => b.update(d, t), done: () => b.done() };
        },
      }, ctx.engines));
    }
    checkCancelled();
    const figBar = new ProgressBar('figures', showProgress);
    const figures = await timer.time('figures', () => makeFigures({ zoos: analyses, stimuli: labels!, difference }, (d, t) => {
      checkCancelled();
      figBar.update(d, t);
    }));
    figBar.done();

    const stimulusInfo: StimulusInfo = {
      spec: stim.spec, n: stim.n, labelled: stim.labels !== null, classes: labels?.classes, checksum: stim.checksum, per_class: stim.perClass,
    };
    const meta: RunMeta = {
      command: ctx.command,
      options: {
        zoo: opts.zoo ?? (opts.model?.length ? [] : [DEFAULT_ZOO]), model: opts.model ?? [], stimuli: opts.stimuli, layers: opts.layers ?? 'default',
        metric: opts.metric, compare: opts.compare, permutations: opts.permutations, bootstrap: opts.bootstrap, seed: opts.seed,
        threads: opts.threads, device: opts.device, output: opts.output, save_rdms: opts.saveRdms,
      },
      seed: opts.seed,
      versions: { ...ctx.versions, ...ctx.engines.describe() },
      created: new Date().toISOString(),
      stimuli: stimulusInfo,
      zoos: infos,
    };
    const doc = await timer.time('write', () => {
      const timing = { total_seconds: 0, phases: {} as Record<string, number> };
      const d = buildResults(meta, analyses.map((a) => a.result), difference, timing);
      for (const f of figures) {
        writeFileAtomic(staged.file('figures', `${f.id}.svg`), f.svg);
        writeFileAtomic(staged.file('figures', `${f.id}.png`), f.png);
      }
      for (const [name, text] of Object.entries(resultTables(d))) writeFileAtomic(staged.file(name), text);
      return d;
    });
    // timings last, so the document records the whole run including its own writing
    doc.timing.phases = timer.snapshot();
    doc.timing.total_seconds = Math.round((performance.now() - started)) / 1000;
    writeFileAtomic(staged.file('report.html'), reportHtml(doc, figures));
    writeFileAtomic(staged.file('results.json'), JSON.stringify(doc, jsonReplacer, 2) + '\n');
    checkCancelled();
    staged.commit();
    return { doc, outputDir: staged.target };
  } catch (err) {
    staged.discard();
    throw err;
  }
}

function writeRdmSquare(file: string, condensed: Float64Array, n: number): void {
  const sq = new Float32Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = condensed[k++]!;
      sq[i * n + j] = v;
      sq[j * n + i] = v;
    }
  }
  writeNpy(file, sq, [n, n]);
}

export { DEFAULT_STIMULI };
