/**
 * One run, from plain options to the results document: load the zoos and
 * the stimuli, stream every zoo's instances through extraction into the
 * analysis, compare the zoos, draw the figures, and write everything into a
 * staged output folder that is renamed into place only when complete.
 * Progress leaves as phase events; one PhaseTimer times every phase.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseZoo, type ZooAnalysisOutput } from '../analysis/analyseZoo.js';
import type { AnalysisEngines, CompareMethod, Metric } from '../analysis/engines.js';
import { PhaseTimer, type PhaseListener } from '../analysis/phases.js';
import type { AnalysisOptions, StimulusLabels } from '../analysis/types.js';
import { analyseZooDifference, type ZooDifference } from '../analysis/zooDifference.js';
import { CancelledError, UserError } from '../errors.js';
import type { DeviceChoice } from '../extract/device.js';
import { RUN_MARKERS, StagedDir } from '../io/stagedDir.js';
import { RdmCache, resolveCacheDir } from '../store/rdmCache.js';
import { makeFigures } from '../report/figures.js';
import type { ResultsDocument, RunMeta, ZooInfo } from '../report/results.js';
import { loadStimuli, type StimulusSet } from '../stimuli/loadStimuli.js';
import { resolveLayers, type ResolvedLayer } from '../zoo/resolveLayers.js';
import type { Zoo } from '../zoo/zoo.js';
import { zooRdmsThroughCache } from './cachedRdms.js';
import { DEFAULT_ZOO, loadZoos, type ZooSources } from './loadZoos.js';
import { runVersions } from './systemInfo.js';
import { saveRdms, writeRunOutput } from './writeRunOutput.js';

/** Everything a run needs to know, as plain values (the CLI's options, or a benchmark's). */
export interface RunOptions extends ZooSources {
  stimuli: string;
  perClass?: number;
  /** false: images of another size than the model input are an error */
  resize: boolean;
  layers?: string[];
  batch?: number;
  /** MiB for one extraction batch */
  memory?: number;
  device: DeviceChoice;
  metric: Metric;
  compare: CompareMethod;
  permutations: number;
  bootstrap: number;
  seed: number;
  threads: number;
  output: string;
  saveRdms: boolean;
  /** the RDM cache folder; false: a temporary one, removed after the run (--no-cache); absent: the default */
  cache?: string | false;
}

export interface RunContext {
  /** the command line as typed, recorded in results.json */
  command: string;
  engines: AnalysisEngines;
  signal: AbortSignal;
  warn: (message: string) => void;
  /** progress of every phase */
  onEvent?: PhaseListener;
  /** recorded in results.json (default: this installation's) */
  versions?: Record<string, string>;
}

export interface RunOutcome {
  doc: ResultsDocument;
  outputDir: string;
}

function zooInfo(z: Zoo, layers: readonly ResolvedLayer[]): ZooInfo {
  return {
    name: z.name,
    dir: z.dir ?? undefined,
    architecture: z.manifest?.architecture ?? undefined,
    dataset: z.manifest?.dataset ?? undefined,
    instances: z.instances.map((i) => ({ name: i.name, file: i.file, sha256: i.sha256, seed: i.seed, test_accuracy: i.testAccuracy })),
    layers: layers.map((l) => ({ name: l.name, tensor: l.tensor })),
  };
}

/** The options as results.json records them. */
function recordedOptions(opts: RunOptions): Record<string, unknown> {
  return {
    zoo: opts.zoo ?? (opts.model?.length ? [] : [DEFAULT_ZOO]), model: opts.model ?? [], stimuli: opts.stimuli,
    per_class: opts.perClass ?? null, resize: opts.resize, layers: opts.layers ?? 'default',
    metric: opts.metric, compare: opts.compare, permutations: opts.permutations, bootstrap: opts.bootstrap, seed: opts.seed,
    threads: opts.threads, device: opts.device, batch: opts.batch ?? null, memory: opts.memory ?? null,
    output: opts.output, save_rdms: opts.saveRdms, cache: opts.cache === false ? false : resolveCacheDir(opts.cache),
  };
}

export async function runPipeline(opts: RunOptions, ctx: RunContext): Promise<RunOutcome> {
  const started = performance.now();
  const timer = new PhaseTimer(ctx.onEvent);
  const checkCancelled = (): void => {
    if (ctx.signal.aborted) throw new CancelledError();
  };
  const staged = new StagedDir(opts.output, RUN_MARKERS);
  const cacheOption = opts.cache;
  const temporaryCache = cacheOption === false ? mkdtempSync(join(tmpdir(), 'seedscope-rdms-')) : null;
  const cache = new RdmCache(cacheOption === false ? temporaryCache! : resolveCacheDir(cacheOption));
  const rdmCounts = { computed: 0, reused: 0 };
  try {
    const zoos = await timer.time('load', () => loadZoos(opts));
    // zoos with the same input share one preprocessed stimulus set
    const stimuliByInput = new Map<string, StimulusSet>();
    const stimuliFor = async (z: Zoo): Promise<StimulusSet> => {
      const key = JSON.stringify(z.input);
      let s = stimuliByInput.get(key);
      if (!s) {
        s = await loadStimuli(opts.stimuli, z.input, { perClass: opts.perClass ?? null, resize: opts.resize });
        stimuliByInput.set(key, s);
      }
      return s;
    };
    const analyses: ZooAnalysisOutput[] = [];
    const infos: ZooInfo[] = [];
    let first: { stimuli: StimulusSet; labels: StimulusLabels } | undefined;
    const analysisOptions: AnalysisOptions = {
      metric: opts.metric, compare: opts.compare, permutations: opts.permutations, bootstrap: opts.bootstrap,
      seed: opts.seed, threads: opts.threads, timer, checkCancelled,
    };
    for (const z of zoos) {
      checkCancelled();
      const stimuli = await timer.time('load', () => stimuliFor(z));
      const layers = await timer.time('load', () => resolveLayers(z, opts.layers ?? []));
      const labels: StimulusLabels = { n: stimuli.n, labels: stimuli.labels ?? undefined, classes: stimuli.classes ?? z.classes ?? undefined };
      first ??= { stimuli, labels };
      if (first.stimuli.n !== stimuli.n) throw new UserError(`zoo ${z.name}: the stimuli give ${stimuli.n} images for this zoo's input but ${first.stimuli.n} for the first zoo`);
      const rdms = await zooRdmsThroughCache(z, stimuli, labels, layers, opts, {
        cache, engines: ctx.engines, timer, signal: ctx.signal, warn: ctx.warn, checkCancelled,
      });
      rdmCounts.computed += rdms.computed;
      rdmCounts.reused += rdms.reused;
      if (opts.saveRdms) await timer.time('write', () => saveRdms(staged, z.name, rdms.set));
      analyses.push(await analyseZoo(z.name, rdms.set, rdms.predictions, labels, analysisOptions, ctx.engines));
      infos.push(zooInfo(z, layers));
    }
    const { stimuli, labels } = first!;
    let difference: ZooDifference | null = null;
    if (analyses.length >= 2) {
      if (analyses.length > 2) ctx.warn(`${analyses.length} zoos: the difference test compares the first two (${analyses[0]!.result.name}, ${analyses[1]!.result.name})`);
      difference = await timer.time('zoo_difference', () => analyseZooDifference(analyses[0]!, analyses[1]!, analysisOptions, ctx.engines));
    }
    checkCancelled();
    const figures = await timer.time('figures', () => makeFigures({ zoos: analyses, stimuli: labels, difference }, (d, t) => {
      checkCancelled();
      timer.progress('figures', undefined, d, t);
    }));
    timer.finish('figures');

    const meta: RunMeta = {
      command: ctx.command,
      options: recordedOptions(opts),
      seed: opts.seed,
      versions: { ...(ctx.versions ?? runVersions()), ...ctx.engines.describe() },
      created: new Date().toISOString(),
      stimuli: {
        spec: stimuli.spec, n: stimuli.n, labelled: stimuli.labels !== null, classes: labels.classes, checksum: stimuli.checksum, per_class: stimuli.perClass,
      },
      zoos: infos,
      rdm_cache: { dir: temporaryCache ? null : cache.dir, ...rdmCounts },
    };
    const doc = await writeRunOutput(staged, { meta, analyses: analyses.map((a) => a.result), difference, figures }, timer, started);
    checkCancelled();
    staged.commit();
    return { doc, outputDir: staged.target };
  } catch (err) {
    staged.discard();
    throw err;
  } finally {
    if (temporaryCache) rmSync(temporaryCache, { recursive: true, force: true });
  }
}
