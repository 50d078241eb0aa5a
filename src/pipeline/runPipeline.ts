/**
 * One run, from plain options to the results document: load the zoos and
 * the stimuli, plan memory and disk, get every zoo's RDMs through the cache
 * (extracting and computing only what is missing), analyse them a layer at
 * a time, compare the zoos, draw the figures, and write everything into a
 * staged output folder that is renamed into place only when complete.
 * Progress leaves as phase events; one PhaseTimer times every phase.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseZoo, type ZooAnalysisOutput, type ZooPredictions } from '../analysis/analyseZoo.js';
import { addArchitectures, analysedZoos, joinedPredictions, plainFilesNote } from './mixedZoos.js';
import { JoinedRdmSet, type RdmSet } from '../analysis/rdmSet.js';
import type { AnalysisEngines } from '../analysis/engines.js';
import { PhaseTimer, type PhaseListener } from '../analysis/phases.js';
import type { AnalysisOptions, StimulusLabels } from '../analysis/types.js';
import { analyseZooDifference, type ZooDifference } from '../analysis/zooDifference.js';
import { CancelledError, UserError } from '../errors.js';
import type { DeviceChoice } from '../extract/device.js';
import { onExitCleanup } from '../io/exitCleanup.js';
import { StagedDir } from '../io/stagedDir.js';
import { MemoryRdmStore } from '../store/memoryStore.js';
import { memoisedHasher } from '../store/fileHash.js';
import { RdmCache, resolveCacheDir, type RdmStore } from '../store/rdmCache.js';
import { makeFigures } from '../report/figures.js';
import type { ResultsDocument, RunMeta, ZooInfo } from '../report/results.js';
import { loadStimuli, type StimulusSet } from '../stimuli/loadStimuli.js';
import type { ResolvedLayer } from '../zoo/resolveLayers.js';
import { resolveSharedLayers } from '../zoo/sharedLayers.js';
import type { Zoo } from '../zoo/zoo.js';
import { describeFeeds } from '../zoo/modelInputs.js';
import { countCached, zooRdmKeys, zooRdmsThroughCache, type ZooRdmContext, type ZooRdms } from './cachedRdms.js';
import { collectGarbage } from './collectGarbage.js';
import { GIB, checkPlan, defaultMemoryBudget, planRun, type RunPlan } from './planRun.js';
import { DEFAULT_ZOO, loadZoos, type ZooSources } from './loadZoos.js';
import { runVersions } from './systemInfo.js';
import { saveRdms, writeRunOutput } from './writeRunOutput.js';
import { uniqueFileNames } from '../io/fileNames.js';
import { ResultMemo } from '../store/resultMemo.js';

/** Everything a run needs to know, as plain values (the CLI's options, or a benchmark's). */
export interface RunOptions extends ZooSources, Pick<AnalysisOptions, 'metric' | 'compare' | 'permutations' | 'bootstrap' | 'seed' | 'threads'> {
  stimuli: string;
  perClass?: number;
  /** false: images of another size than the model input are an error */
  resize: boolean;
  layers?: string[];
  batch?: number;
  /** GiB the run may use (default: half the machine's memory, at most 16) */
  memory?: number;
  /** MiB: layers whose activations (N × D float32) are larger are spilled to disk even when memory would hold them */
  spillAbove?: number;
  device: DeviceChoice;
  output: string;
  saveRdms: boolean;
  /** the RDM cache folder; false: a temporary one, removed after the run (--no-cache); absent: the default */
  cache?: string | false;
  /** false: compute every statistic even when the cache holds it (benchmarks that time the statistics) */
  memoStatistics?: boolean;
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
  plan: RunPlan;
}

/** One zoo, loaded with its stimuli and layers, before any work. */
export interface PreparedZoo {
  zoo: Zoo;
  stimuli: StimulusSet;
  labels: StimulusLabels;
  layers: ResolvedLayer[];
}

/** An analysed zoo's entry in results.json; a mixed zoo's instances and layers say which architecture each is and has. */
function zooInfo(parts: readonly PreparedZoo[]): ZooInfo {
  const z = parts[0]!.zoo;
  const mixed = parts.length > 1;
  const arch = (p: PreparedZoo): string => p.zoo.architecture ?? p.zoo.name;
  return {
    name: z.name,
    dir: z.dir ?? undefined,
    architecture: mixed ? undefined : z.architecture ?? undefined,
    ...(mixed ? { architectures: parts.map(arch) } : {}),
    dataset: z.manifest?.dataset ?? undefined,
    instances: parts.flatMap((p) => p.zoo.instances.map((i) => ({
      name: i.name, file: i.file, sha256: i.sha256,
      ...(i.data.length > 0 ? { external_data: i.data.map((d) => ({ file: d.file, sha256: d.sha256 })) } : {}),
      seed: i.seed, test_accuracy: i.testAccuracy,
      ...(mixed ? { architecture: arch(p) } : {}),
    }))),
    layers: parts[0]!.layers.map((l, li) => {
      if (!mixed) return { name: l.name, tensor: l.tensor, ...(l.dtype && l.dtype !== 'float32' ? { cast_from: l.dtype } : {}) };
      const casts = parts.flatMap((p) => {
        const d = p.layers[li]!.dtype;
        return d && d !== 'float32' ? [[arch(p), d] as const] : [];
      });
      return {
        name: l.name,
        tensors: Object.fromEntries(parts.map((p) => [arch(p), p.layers[li]!.tensor])),
        ...(casts.length > 0 ? { cast_from: Object.fromEntries(casts) } : {}),
      };
    }),
    ...(mixed ? { feeds_by_architecture: Object.fromEntries(parts.map((p) => [arch(p), describeFeeds(p.zoo.feeds)])) } : { feeds: describeFeeds(z.feeds) }),
    ...(mixed
      ? { stimuli_checksum_by_architecture: Object.fromEntries(parts.map((p) => [arch(p), p.stimuli.checksum])) }
      : { stimuli_checksum: parts[0]!.stimuli.checksum }),
    ...(parts.some((p) => p.zoo.instances.some((i) => i.outsideZoo))
      ? { files_outside_zoo: parts.flatMap((p) => p.zoo.instances.flatMap((i) => (i.outsideZoo ? [i.outsideZoo] : []))) } : {}),
  };
}

/** The options as results.json records them. */
function recordedOptions(opts: RunOptions): Record<string, unknown> {
  return {
    zoo: opts.zoo ?? (opts.model?.length ? [] : [DEFAULT_ZOO]), model: opts.model ?? [], stimuli: opts.stimuli,
    per_class: opts.perClass ?? null, resize: opts.resize, layers: opts.layers ?? 'default',
    metric: opts.metric, compare: opts.compare, permutations: opts.permutations, bootstrap: opts.bootstrap, seed: opts.seed,
    threads: opts.threads, device: opts.device, batch: opts.batch ?? null, memory: opts.memory ?? null, spill_above: opts.spillAbove ?? null,
    allow_outside_zoo: Boolean(opts.allowOutsideZoo), input: opts.input ?? null, fill_inputs: opts.fillInputs ?? null,
    output: opts.output, save_rdms: opts.saveRdms, cache: opts.cache === false ? false : resolveCacheDir(opts.cache),
  };
}

/**
 * Every zoo with its stimuli (zoos of the same input share one preprocessed
 * set) and layers; a mixed zoo's parts (one per architecture) each with
 * their own stimuli and the layers they share (sharedLayers.ts).
 */
export async function prepareZoos(opts: RunOptions): Promise<PreparedZoo[]> {
  // with a cache, the models' checksums (which its keys name) come from its memo while their
  // size and mtime stand, rather than reading every model and data file each run
  const hash = opts.cache === false ? undefined : memoisedHasher(resolveCacheDir(opts.cache));
  const groups = analysedZoos(loadZoos(opts, { hash }).map((zoo) => ({ zoo })));
  const stimuliByInput = new Map<string, StimulusSet>();
  const prepared: PreparedZoo[] = [];
  for (const group of groups) {
    const layersOfPart = await resolveSharedLayers(group.map((g) => g.zoo), opts.layers ?? []);
    for (const [pi, { zoo }] of group.entries()) {
      const key = JSON.stringify([zoo.input, zoo.classes]);
      let stimuli = stimuliByInput.get(key);
      if (!stimuli) {
        stimuli = await loadStimuli(opts.stimuli, zoo.input, { perClass: opts.perClass ?? null, resize: opts.resize, classes: zoo.classes });
        stimuliByInput.set(key, stimuli);
      }
      const first = prepared[0]?.stimuli;
      if (first && first.n !== stimuli.n) throw new UserError(`zoo ${zoo.name}: the stimuli give ${stimuli.n} images for this zoo's input but ${first.n} for the first zoo`);
      const labels: StimulusLabels = { n: stimuli.n, labels: stimuli.labels ?? undefined, classes: stimuli.classes ?? zoo.classes ?? undefined };
      prepared.push({ zoo, stimuli, labels, layers: layersOfPart[pi]! });
    }
  }
  return prepared;
}

/**
 * A prepared zoo's RDMs through the store, extracted in the plan's passes
 * with its batch size and spills (`passes`: the plan's entry for this zoo):
 * how a run and an array task of --executor slurm get them.
 */
export function preparedRdms(p: PreparedZoo, passes: RunPlan['extraction_passes'][number], plan: RunPlan, opts: RunOptions, ctx: ZooRdmContext): Promise<ZooRdms> {
  return zooRdmsThroughCache(p.zoo, p.stimuli, p.labels, p.layers, {
    ...opts, passes: passes.passes, spilled: passes.spilled, batchMemory: plan.batch_mib, spillSegmentBytes: plan.spill_segment_bytes ?? undefined,
  }, ctx);
}

/** The plan of a run (memory, disk, step sizes) without running anything: `seedscope run --plan`. */
export async function planPipeline(opts: RunOptions): Promise<RunPlan> {
  const cacheDir = opts.cache === false ? tmpdir() : resolveCacheDir(opts.cache);
  return planFor(await prepareZoos(opts), opts, cacheDir);
}

export function planFor(prepared: readonly PreparedZoo[], opts: RunOptions, cacheDir: string): RunPlan {
  const cache = new RdmCache(cacheDir);
  const first = prepared[0]!;
  const classes = first.labels.labels ? new Set(first.labels.labels).size : 0;
  const analysedInstances = new Map(analysedZoos(prepared).flatMap((parts) => {
    const k = parts.reduce((s, p) => s + p.zoo.instances.length, 0);
    return parts.map((p) => [p, k] as const);
  }));
  return planRun({
    n: first.stimuli.n,
    classes,
    zoos: prepared.map((p) => ({
      // a mixed zoo's parts by their architecture
      name: p.zoo.part ? `${p.zoo.name} (${p.zoo.architecture})` : p.zoo.name,
      instances: p.zoo.instances.length,
      analysedInstances: analysedInstances.get(p),
      layers: p.layers,
      inputSize: p.zoo.input.shape.reduce((a, b) => a * b, 1),
      output: p.zoo.output,
      ...countCached(cache, zooRdmKeys(p.zoo, p.stimuli, p.labels, p.layers, opts)),
    })),
    permutations: opts.permutations,
    bootstrap: opts.bootstrap,
    secondOrderStreamed: opts.compare === 'pearson' || opts.compare === 'r2',
    budget: opts.memory !== undefined ? opts.memory * GIB : defaultMemoryBudget(),
    cacheDir,
    spillAbove: opts.spillAbove !== undefined ? opts.spillAbove * 1024 ** 2 : undefined,
    noCache: opts.cache === false,
  });
}

export async function runPipeline(opts: RunOptions, ctx: RunContext): Promise<RunOutcome> {
  const started = performance.now();
  const timer = new PhaseTimer(ctx.onEvent);
  const checkCancelled = (): void => {
    if (ctx.signal.aborted) throw new CancelledError();
  };
  const prepared = await timer.time('load', () => prepareZoos(opts));
  for (const parts of analysedZoos(prepared)) {
    const note = plainFilesNote(parts);
    if (note) ctx.warn(note);
  }
  const cacheOption = opts.cache;
  const cacheDir = cacheOption === false ? tmpdir() : resolveCacheDir(cacheOption);
  const plan = planFor(prepared, opts, cacheDir);
  checkPlan(plan);
  const staged = new StagedDir(opts.output, 'run', { warn: ctx.warn });
  const temporaryCache = cacheOption === false ? mkdtempSync(join(tmpdir(), 'seedscope-rdms-')) : null;
  const removeTemporaryCache = (): void => {
    if (temporaryCache) rmSync(temporaryCache, { recursive: true, force: true });
  };
  // also when a second Ctrl-C ends the process at once
  const unregisterCache = onExitCleanup(removeTemporaryCache);
  // --no-cache: the RDMs in memory when the plan found room, else in the temporary folder
  const cache: RdmStore = temporaryCache && plan.rdms_in_memory_bytes !== null ? new MemoryRdmStore(temporaryCache) : new RdmCache(temporaryCache ?? cacheDir);
  const rdmCounts = { computed: 0, reused: 0 };
  // statistics memoised beside the RDMs they depend on (not in a run's throw-away cache)
  const memo = temporaryCache || opts.memoStatistics === false ? undefined : new ResultMemo(cache.dir, ctx.warn);
  try {
    const analyses: ZooAnalysisOutput[] = [];
    const infos: ZooInfo[] = [];
    const analysisOptions: AnalysisOptions = {
      metric: opts.metric, compare: opts.compare, permutations: opts.permutations, bootstrap: opts.bootstrap,
      seed: opts.seed, threads: opts.threads, timer, checkCancelled,
      memory: Math.max(plan.budget_bytes - 0.2 * GIB, 0),
      release: collectGarbage,
      memo,
    };
    const groups = analysedZoos(prepared);
    // zoo names differ but can sanitise alike ("a/b", "a_b"): folder names made unique like layers'
    const zooDirs = uniqueFileNames(groups.map((g) => g[0]!.zoo.name));
    for (const [gi, parts] of groups.entries()) {
      const sets: RdmSet[] = [];
      const predictions: (ZooPredictions | null)[] = [];
      for (const part of parts) {
        checkCancelled();
        const rdms = await preparedRdms(part, plan.extraction_passes[prepared.indexOf(part)]!, plan, opts, {
          cache, engines: ctx.engines, timer, signal: ctx.signal, warn: ctx.warn, checkCancelled, release: collectGarbage,
        });
        rdmCounts.computed += rdms.computed;
        rdmCounts.reused += rdms.reused;
        sets.push(rdms.set);
        predictions.push(rdms.predictions);
      }
      const name = parts[0]!.zoo.name;
      const set = sets.length === 1 ? sets[0]! : new JoinedRdmSet(sets);
      if (opts.saveRdms) await timer.time('write', () => saveRdms(staged, zooDirs[gi]!, set));
      const joined = parts.length === 1 ? { joined: predictions[0]! } : joinedPredictions(parts, predictions);
      const analysis = await analyseZoo(name, set, joined.joined, parts[0]!.labels, analysisOptions, ctx.engines);
      if (parts.length > 1) addArchitectures(analysis.result, parts, joined.why);
      analyses.push(analysis);
      infos.push(zooInfo(parts));
    }
    const { stimuli, labels } = prepared[0]!;
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
        ...(stimuli.labelRule ? { label_rule: stimuli.labelRule } : {}),
      },
      zoos: infos,
      rdm_cache: { dir: temporaryCache ? null : cache.dir, ...(temporaryCache ? { in_memory: cache instanceof MemoryRdmStore } : {}), ...rdmCounts },
      statistics_cache: memo ? { ...memo.counts } : null,
    };
    const doc = await writeRunOutput(staged, { meta, analyses: analyses.map((a) => a.result), difference, figures }, timer, started);
    checkCancelled();
    staged.commit();
    return { doc, outputDir: staged.target, plan };
  } catch (err) {
    throw staged.fail(err);
  } finally {
    removeTemporaryCache();
    unregisterCache();
  }
}
