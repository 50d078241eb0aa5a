/**
 * `seedscope run`: the whole analysis of the paper on a zoo (or two) and a
 * stimulus set, written to results.json, CSV tables, figures and report.html.
 * This file parses the options, calls the pipeline and prints the summary.
 */
import { Option, type Command } from 'commander';
import type { AnalysisEngines } from '../analysis/engines.js';
import { nativeEngines } from '../analysis/nativeEngines.js';
import { DEFAULT_ZOO } from '../pipeline/loadZoos.js';
import { fmtGiB, type RunPlan } from '../pipeline/planRun.js';
import { planPipeline, runPipeline, type RunOptions } from '../pipeline/runPipeline.js';
import type { ResultsDocument, ZooSection } from '../report/results.js';
import { DEFAULT_STIMULI } from '../stimuli/loadStimuli.js';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { runOnSlurm } from '../pipeline/slurm/runOnSlurm.js';
import { fillRdmCache } from '../pipeline/fillRdmCache.js';
import { interruptController } from './interrupt.js';
import { printJson, warn } from './output.js';
import {
  addExtractionOptions, addStimuliOptions, addZooOptions, cacheDirOption, compareMethodOption, jsonOption, metricOption, permutationsOption, quietOption, seedOption,
} from './options.js';
import { choiceArg, intArg, numberArg } from './parsers.js';
import { phaseBars } from './phaseBars.js';

function fmt(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

function summaryLines(s: ZooSection): string[] {
  const lines: string[] = [];
  const acc = s.behaviour?.accuracy.filter((a) => Number.isFinite(a)) ?? [];
  const accText = acc.length ? `accuracy ${fmt(Math.min(...acc), 4)}–${fmt(Math.max(...acc), 4)}` : 'accuracy –';
  lines.push(`${s.zoo.name}: ${s.instances.length} instances, ${accText}`);
  const header = ['layer', 'mean r²', '95% interval', 'centroid r²', 'within r²'];
  const rows = s.layers.map((l) => [
    l.name, fmt(l.consistency.mean_r2),
    l.consistency.ci95 ? `[${fmt(l.consistency.ci95[0])}, ${fmt(l.consistency.ci95[1])}]` : '–',
    fmt(l.centroid?.mean_r2), fmt(l.within_category?.mean_r2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  lines.push(line(header));
  for (const r of rows) lines.push(line(r));
  return lines;
}

export function summaryTable(doc: ResultsDocument, outputDir: string): string {
  const lines: string[] = [];
  for (const s of doc.zoos ?? [doc]) lines.push(...summaryLines(s));
  if (doc.zoo_difference) {
    const d = doc.zoo_difference;
    const sig = d.layers.filter((l) => l.p_corrected < 0.05).map((l) => l.name);
    lines.push(`${d.zoos[0]} vs ${d.zoos[1]}: consistency differs (corrected p < 0.05) at ${sig.length ? sig.join(', ') : 'no layer'}`);
  }
  for (const s of (doc.zoos ?? [doc]).flatMap((z) => z.skipped)) lines.push(`skipped: ${s}`);
  lines.push(`wrote ${outputDir}/ (results.json, report.html, CSV, figures) in ${fmt(doc.timing.total_seconds, 1)} s`);
  return lines.join('\n') + '\n';
}

export function planText(plan: RunPlan): string {
  const lines = [`memory: about ${fmtGiB(plan.peak_bytes)} at the peak, of a budget of ${fmtGiB(plan.budget_bytes)} (--memory)`];
  for (const st of plan.steps) lines.push(`  ${fmtGiB(st.bytes).padStart(10)}  ${st.step}`);
  if (plan.rdms_in_memory_bytes !== null) lines.push(`  ${fmtGiB(plan.rdms_in_memory_bytes).padStart(10)}  the RDMs, held in memory throughout (--no-cache; they fit)`);
  for (const z of plan.extraction_passes) {
    lines.push(`extraction of ${z.zoo}: ${z.passes.length} pass${z.passes.length === 1 ? '' : 'es'} per instance (${z.passes.map((p) => p.join(',')).join(' | ')}), batches of ${plan.batch_mib} MiB`);
    if (z.spilled.length > 0 && plan.spill_segment_bytes !== null) {
      lines.push(`  spilled to disk, RDMs out of core in row segments of up to ${fmtGiB(plan.spill_segment_bytes)}: ${z.spilled.join(', ')}`);
    }
  }
  lines.push(plan.second_order_block_entries !== null
    ? `second order: streamed, blocks of ${plan.second_order_block_entries} entries of every RDM`
    : `second-order tiles: ${plan.second_order_group} RDM(s) per group`);
  const free = plan.disk.free_bytes === null ? 'unknown' : fmtGiB(plan.disk.free_bytes);
  const spill = plan.disk.spill_bytes > 0 ? ` and up to ${fmtGiB(plan.disk.spill_bytes)} of spilled activations at a time` : '';
  lines.push(`disk: ${fmtGiB(plan.disk.need_bytes)} of new RDMs${spill} in ${plan.disk.cache_dir} (${free} free)`);
  return lines.join('\n') + '\n';
}

const EXECUTORS = ['local', 'slurm'] as const;

interface RunCliOptions extends RunOptions {
  json?: boolean;
  quiet?: boolean;
  plan?: boolean;
  executor: (typeof EXECUTORS)[number];
  slurmArgs?: string;
  tasks?: number;
  wait: boolean;
  dryRun?: boolean;
  attach?: string;
  onlyRdms?: boolean;
  instances?: number[];
}

/** `--instances 0,3,4`: instance numbers ≥ 0. */
function indexListArg(value: string): number[] {
  return value.split(',').map((s) => intArg(0)(s.trim()));
}

/** The executor's options make sense only together; one line naming what was expected otherwise. */
function checkExecutorOptions(o: RunCliOptions): void {
  if (o.executor !== 'slurm') {
    const used = [o.slurmArgs !== undefined && '--slurm-args', o.tasks !== undefined && '--tasks', !o.wait && '--no-wait', o.dryRun && '--dry-run', o.attach !== undefined && '--attach'].filter(Boolean);
    if (used.length > 0) throw new UserError(`${used.join(', ')}: expected --executor slurm with ${used.length === 1 ? 'this option' : 'these options'}`, 2);
  }
  if (o.onlyRdms && o.instances === undefined) throw new UserError('--only-rdms: expected --instances with the instance numbers to compute', 2);
  if (o.instances !== undefined && !o.onlyRdms) throw new UserError('--instances: expected --only-rdms with it (it is for the array tasks of --executor slurm)', 2);
  if (o.onlyRdms && o.executor === 'slurm') throw new UserError('--only-rdms: expected --executor local (it is what an array task runs)', 2);
  if (o.executor === 'slurm' && o.attach !== undefined && o.dryRun) throw new UserError('--attach, --dry-run: expected one of them', 2);
}

export function registerRun(program: Command, engines: () => AnalysisEngines = () => nativeEngines({ warn })): void {
  const cmd = program
    .command('run')
    .description(`the whole analysis: consistency per layer with intervals and Mantel tests, centroid/exemplar analysis, second-order MDS, behaviour; results.json, CSV, figures and report.html (default: ${DEFAULT_ZOO} on ${DEFAULT_STIMULI}; two --zoo also test their difference per layer)`);
  addZooOptions(cmd);
  addStimuliOptions(cmd);
  addExtractionOptions(cmd);
  cmd
    .addOption(metricOption())
    .addOption(compareMethodOption('--compare', 'r2', 'RDM comparison (r and r² are always both reported)'))
    .addOption(permutationsOption(1000, 0, 'Mantel and zoo-difference permutations (0: no tests)'))
    .addOption(new Option('--bootstrap <n>', 'two-factor bootstrap samples for intervals (0: none)').argParser(intArg(0, 1e8)).default(1000))
    .addOption(seedOption())
    .option('-o, --output <dir>', 'output folder (written atomically)', 'seedscope-out')
    .option('--save-rdms', 'also save every RDM as rdms/<zoo>/<instance>/<layer>.npy (N × N float32)', false)
    .addOption(new Option('--spill-above <MiB>', 'write a layer\'s activations to a temporary file in the cache folder and compute its RDMs out of core when they exceed this size (layers larger than --memory allows always are)').argParser(numberArg(0, 1 << 30)))
    .addOption(cacheDirOption())
    .addOption(new Option('--no-cache', 'keep this run\'s RDMs in a temporary folder removed afterwards (nothing is reused or left behind)'))
    .addOption(jsonOption('print results.json to stdout (and nothing else there)'))
    .addOption(quietOption())
    .option('--plan', 'print the plan (memory, disk, step sizes) and exit without running')
    .addOption(new Option('--executor <e>', 'where the work runs: local (this process) | slurm (an sbatch array job fills --cache with the RDMs, a dependent job runs the analysis)').argParser(choiceArg(EXECUTORS)).default('local'))
    .addOption(new Option('--slurm-args <args>', 'with --executor slurm: options for every sbatch, as one string (e.g. "--partition=gpu --time=01:00:00")'))
    .addOption(new Option('--tasks <n>', 'with --executor slurm: array tasks to share the instances that miss RDMs (default: one per instance)').argParser(intArg(1, 100000)))
    .addOption(new Option('--no-wait', 'with --executor slurm: submit, print the job ids and the command that waits for them, and exit'))
    .addOption(new Option('--dry-run', 'with --executor slurm: print the batch scripts and sbatch commands without submitting'))
    .addOption(new Option('--attach <jobid>', 'with --executor slurm: wait for the analysis job of an earlier --no-wait submission (same --cache)'))
    .addOption(new Option('--only-rdms', 'internal (the array tasks of --executor slurm): fill the cache with the RDMs of --instances and exit').hideHelp())
    .addOption(new Option('--instances <list>', 'internal: with --only-rdms, the instance numbers across the zoos, comma-separated').argParser(indexListArg).hideHelp())
    .action(async (opts: RunCliOptions) => {
      checkExecutorOptions(opts);
      if (opts.onlyRdms) {
        const r = await fillRdmCache(opts, opts.instances!, { engines: engines(), signal: interruptController.signal, warn, onEvent: phaseBars(!opts.json && !opts.quiet) });
        if (opts.json) printJson(r);
        else if (!opts.quiet) process.stderr.write(`RDMs of ${r.instances.join(', ')}: ${r.computed} computed, ${r.reused} found in the cache\n`);
        return;
      }
      if (opts.executor === 'slurm' && !opts.plan) {
        const out = await runOnSlurm(opts, { slurmArgs: opts.slurmArgs, tasks: opts.tasks, wait: opts.wait, dryRun: opts.dryRun, attach: opts.attach, json: opts.json }, {
          argv: process.argv.slice(process.argv.indexOf('run', 2) + 1), node: process.execPath, entry: resolve(process.argv[1]!), cwd: process.cwd(),
          signal: interruptController.signal, warn,
          say: opts.json || opts.quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
          print: (text) => process.stdout.write(text),
        });
        if (out.outputDir === undefined) return;
        const doc = JSON.parse(readFileSync(join(out.outputDir, 'results.json'), 'utf8')) as ResultsDocument;
        if (opts.json) printJson(doc);
        else if (!opts.quiet) process.stderr.write(summaryTable(doc, out.outputDir));
        return;
      }
      if (opts.plan) {
        const plan = await planPipeline(opts);
        if (opts.json) printJson(plan);
        else process.stdout.write(planText(plan));
        return;
      }
      const { doc, outputDir } = await runPipeline(opts, {
        command: ['seedscope', ...process.argv.slice(2)].join(' '),
        engines: engines(),
        signal: interruptController.signal,
        warn,
        onEvent: phaseBars(!opts.json && !opts.quiet),
      });
      if (opts.json) printJson(doc);
      else if (!opts.quiet) process.stderr.write(summaryTable(doc, outputDir));
    });
}
