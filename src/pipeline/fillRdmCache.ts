/**
 * The work of one array task of `--executor slurm`: the RDMs (and predicted
 * labels) of some instances into the cache, and nothing else. Instances are
 * numbered across the run's zoos in order (zoo 1's, then zoo 2's), the way
 * the client that shares them out numbers them (`workUnits`). The keys do not
 * depend on which other instances a zoo has, so the analysis job that runs
 * later over the whole zoo finds every entry a task stored.
 */
import type { AnalysisEngines } from '../analysis/engines.js';
import { PhaseTimer, type PhaseListener } from '../analysis/phases.js';
import { CancelledError, UserError } from '../errors.js';
import { LabelCache } from '../store/labelCache.js';
import { RdmCache, resolveCacheDir } from '../store/rdmCache.js';
import { zooRdmKeys } from './cachedRdms.js';
import { collectGarbage } from './collectGarbage.js';
import { checkPlan } from './planRun.js';
import { planFor, preparedRdms, prepareZoos, type PreparedZoo, type RunOptions } from './runPipeline.js';

/** One instance of the run: its zoo and its place in that zoo. */
export interface WorkUnit {
  /** the number across zoos (what `--instances` takes) */
  index: number;
  zoo: number;
  instance: number;
  name: string;
  /** true when every RDM and the predicted labels of the instance are cached */
  cached: boolean;
}

/** Every instance of the run, numbered across zoos, with whether the cache already holds all of its work. */
export function workUnits(prepared: readonly PreparedZoo[], opts: RunOptions, cacheDir: string): WorkUnit[] {
  const cache = new RdmCache(cacheDir);
  const labelCache = new LabelCache(cacheDir);
  const units: WorkUnit[] = [];
  for (const [zi, p] of prepared.entries()) {
    const k = zooRdmKeys(p.zoo, p.stimuli, p.labels, p.layers, opts);
    for (const [ii, inst] of p.zoo.instances.entries()) {
      let cached = [...k.keys.values()].every((byLayer) => byLayer.every((row) => cache.has(row[ii]!)));
      if (cached && k.labelKeys) cached = labelCache.get(k.labelKeys[ii]!).status === 'hit';
      units.push({ index: units.length, zoo: zi, instance: ii, name: `${p.zoo.name}/${inst.name}`, cached });
    }
  }
  return units;
}

export interface FillContext {
  engines: AnalysisEngines;
  signal: AbortSignal;
  warn: (message: string) => void;
  onEvent?: PhaseListener;
}

export interface FillOutcome {
  instances: string[];
  computed: number;
  reused: number;
}

/** Computes into the cache what is missing of the instances numbered `selection` (see `workUnits`). */
export async function fillRdmCache(opts: RunOptions, selection: readonly number[], ctx: FillContext): Promise<FillOutcome> {
  if (opts.cache === false) throw new UserError('--only-rdms fills the RDM cache: it cannot be combined with --no-cache', 2);
  const timer = new PhaseTimer(ctx.onEvent);
  const checkCancelled = (): void => {
    if (ctx.signal.aborted) throw new CancelledError();
  };
  const all = await timer.time('load', () => prepareZoos(opts));
  const total = all.reduce((s, p) => s + p.zoo.instances.length, 0);
  const bad = selection.find((i) => i >= total);
  if (bad !== undefined) throw new UserError(`--instances: expected instance numbers below ${total} (the run's instances across its zoos) but received ${bad}`, 2);
  // each zoo reduced to the selected instances: the plan and the extraction see only those
  let offset = 0;
  const prepared: PreparedZoo[] = [];
  const names: string[] = [];
  for (const p of all) {
    const keep = p.zoo.instances.filter((_, ii) => selection.includes(offset + ii));
    offset += p.zoo.instances.length;
    if (keep.length === 0) continue;
    prepared.push({ ...p, zoo: { ...p.zoo, instances: keep } });
    names.push(...keep.map((i) => `${p.zoo.name}/${i.name}`));
  }
  const cacheDir = resolveCacheDir(opts.cache);
  const plan = planFor(prepared, opts, cacheDir);
  checkPlan(plan);
  const cache = new RdmCache(cacheDir);
  let computed = 0;
  let reused = 0;
  for (const [zi, p] of prepared.entries()) {
    checkCancelled();
    const r = await preparedRdms(p, plan.extraction_passes[zi]!, plan, opts, {
      cache, engines: ctx.engines, timer, signal: ctx.signal, warn: ctx.warn, checkCancelled, release: collectGarbage,
    });
    computed += r.computed;
    reused += r.reused;
  }
  return { instances: names, computed, reused };
}
