/**
 * `seedscope bench [<op>]`: the benchmarks of bench/, measured side by side
 * in one run. This file only declares the commands and prints; the
 * measurements live in bench/<op>.ts.
 */
import { Option, type Command } from 'commander';
import { benchCompare } from '../../bench/compare.js';
import { benchExtract, type BenchExtractOptions } from '../../bench/extract.js';
import { benchMemory } from '../../bench/memory.js';
import { benchPeak } from '../../bench/peak.js';
import { benchPermtest, type BenchPermtestParams } from '../../bench/permtest.js';
import { benchRdm } from '../../bench/rdm.js';
import { benchRun, type BenchRunOptions } from '../../bench/run.js';
import { SCALE_CASES, benchScale, type ScaleCase } from '../../bench/scale.js';
import { UserError } from '../errors.js';
import type { CompareMethod } from '../native/compare.js';
import type { RdmMetric } from '../native/rdm.js';
import { DEFAULT_STIMULI } from '../stimuli/loadStimuli.js';
import { interruptController } from './interrupt.js';
import { registerSuite } from './benchSuite.js';
import { compareMethodOption, jsonOption, metricOption, permutationsOption, threadsOption } from './options.js';
import { printJson, warn } from './output.js';
import { choiceArg, intArg, numberArg, repeatArg } from './parsers.js';

const intOpt = (flags: string, help: string, min: number, max: number, dflt?: number): Option => {
  const o = new Option(flags, help).argParser(intArg(min, max));
  return dflt === undefined ? o : o.default(dflt);
};

function registerRunBench(bench: Command): void {
  bench
    .command('run')
    .description('time the whole `seedscope run` end to end and per phase, each phase beside its floor (the raw kernel alone)')
    .option('--zoo <dir>', 'zoo folder (default: the default zoo)')
    .option('--stimuli <spec>', 'stimulus set', DEFAULT_STIMULI)
    .addOption(permutationsOption(1000, 0, 'permutations'))
    .addOption(intOpt('--bootstrap <n>', 'bootstrap samples', 0, 1e8, 1000))
    .addOption(threadsOption())
    .addOption(jsonOption('print one JSON document (the default output anyway)'))
    .action(async (o: BenchRunOptions) => {
      printJson(await benchRun(o, { signal: interruptController.signal, warn }));
    });
}

function registerCompareBench(bench: Command): void {
  bench
    .command('compare')
    .description('K × K comparison of K random condensed RDMs of N stimuli (all pairs)')
    .addOption(intOpt('--n <N>', 'stimuli per RDM', 2, 100_000, 1000))
    .addOption(intOpt('--k <K>', 'number of RDMs', 2, 10_000, 10))
    .addOption(compareMethodOption('--method', 'spearman', 'comparison'))
    .addOption(intOpt('--repeat <R>', 'timed repetitions', 1, 1000, 3))
    .addOption(threadsOption())
    .addOption(jsonOption())
    .action(async (o: { n: number; k: number; method: CompareMethod; repeat: number; threads: number; json?: boolean }) => {
      const r = await benchCompare(o);
      if (o.json) printJson(r);
      else {
        process.stdout.write(`compare ${r.method}: K = ${r.k} RDMs of N = ${r.n} (${r.pairs} pairs, ${r.threads} threads): ` +
          `min ${r.seconds_min.toFixed(3)} s, median ${r.seconds_median.toFixed(3)} s\n`);
      }
    });
}

function registerExtractBench(bench: Command): void {
  bench
    .command('extract')
    .description('images/s of extraction with all layers exposed vs raw onnxruntime session.run of the same model and batch')
    .option('--zoo <dir>', 'a zoo folder (default: models/fmnist-allcnnc, else a generated All-CNN-C-like model)')
    .addOption(new Option('--model <file>', 'plain ONNX files (repeatable)').argParser(repeatArg))
    .addOption(intOpt('--batch <n>', 'images per batch', 1, 65536, 100))
    .addOption(threadsOption('onnxruntime intra-op threads (0 = all cores)'))
    .addOption(intOpt('--instances <k>', 'instances to run (repeats the zoo’s when it has fewer)', 1, 100, 3))
    .option('--stimuli <spec>', 'stimulus set', DEFAULT_STIMULI)
    .addOption(intOpt('--per-class <k>', 'first K images of each class', 1, 1e9))
    .addOption(jsonOption())
    .action(async (opts: BenchExtractOptions & { json?: boolean }) => {
      const r = await benchExtract(opts);
      if (opts.json) {
        printJson(r);
        return;
      }
      const f = (x: unknown): string => (typeof x === 'number' ? x.toFixed(0) : String(x));
      process.stdout.write([
        `extract benchmark: ${String(r.source)} (${String(r.zoo)}), ${String(r.n)} stimuli, batch ${String(r.batch)}, ${String(r.layers)} layers (${String(r.features_per_image)} features/image)`,
        `raw session.run, same outputs:   ${f(r.raw_session_run_images_per_s)} images/s`,
        `raw session.run, logits only:    ${f(r.raw_unexposed_model_images_per_s)} images/s`,
        `seedscope extract (end to end):  ${f(r.extract_images_per_s)} images/s`,
        `seedscope extract (batches only): ${f(r.extract_batches_only_images_per_s)} images/s`,
        `overhead vs raw: ${((r.overhead as number) * 100).toFixed(1)} % of wall time, ${((r.cpu_overhead as number) * 100).toFixed(1)} % of CPU time (target < 10 %)`,
      ].join('\n') + '\n');
    });
}

function registerRdmBench(bench: Command): void {
  bench
    .command('rdm')
    .description('time one RDM of random N × D activations; gflops = N·N·D / seconds_min / 1e9')
    .addOption(intOpt('--n <n>', 'stimuli', 2, 46340, 1000))
    .addOption(intOpt('--d <d>', 'features', 1, Number.MAX_SAFE_INTEGER, 98304))
    .addOption(metricOption())
    .addOption(new Option('--dtype <dtype>', 'dtype of the activations: float32|float64').argParser(choiceArg(['float32', 'float64'] as const)).default('float32'))
    .addOption(intOpt('--repeat <k>', 'timed runs (the minimum is reported)', 1, 1000, 5))
    .addOption(intOpt('--warmup <k>', 'untimed runs first', 0, 100, 1))
    .addOption(threadsOption())
    .addOption(new Option('--peak-seconds <s>', 'seconds of the FMA peak measurement (0 skips it)').argParser(numberArg(0, 60)).default(0.5))
    .addOption(jsonOption())
    .action(async (o: { n: number; d: number; metric: RdmMetric; dtype: 'float32' | 'float64'; repeat: number; warmup: number; threads: number; peakSeconds: number; json?: boolean }) => {
      const r = await benchRdm(o);
      if (o.json) {
        printJson(r);
        return;
      }
      const peak = r.peak_gflops ? `; peak ${r.peak_gflops.toFixed(0)} GFLOP/s, ${(100 * r.fraction_of_peak!).toFixed(0)} % of it` +
        `; per CPU-second ${r.gflops_per_cpu_second.toFixed(1)} of ${r.peak_gflops_per_cpu_second!.toFixed(1)} per core (${(100 * r.cpu_fraction_of_peak!).toFixed(0)} %)` : '';
      process.stdout.write(`rdm ${r.metric} n=${r.n} d=${r.d} ${r.dtype} on ${r.threads} threads (${r.isa}): ` +
        `min ${r.seconds_min.toFixed(3)} s, median ${r.seconds_median.toFixed(3)} s, ${r.gflops.toFixed(1)} gflops${peak}\n`);
    });
}

function registerPeakBench(bench: Command): void {
  bench
    .command('peak')
    .description('fp32 FMA peak of this machine (GFLOP/s, register-only loop on all threads)')
    .addOption(new Option('--seconds <s>', 'how long to run').argParser(numberArg(0.01, 60)).default(1))
    .addOption(threadsOption())
    .addOption(jsonOption())
    .action(async (o: { seconds: number; threads: number; json?: boolean }) => {
      const r = await benchPeak(o);
      if (o.json) {
        printJson(r);
        return;
      }
      process.stdout.write(`fp32 FMA peak: ${r.gflops.toFixed(1)} GFLOP/s on ${r.threads} threads (${r.isa}), ` +
        `${r.gflops_per_cpu_second.toFixed(1)} per CPU-second of one core; ` +
        'an RDM at N·N·D / s reaching this figure would be at 100 % of peak\n');
    });
}

function registerMemoryBench(bench: Command): void {
  bench
    .command('memory')
    .description('memory speed of this machine: streaming triad (GB/s) and permuted gather (1e9 elements/s), all threads')
    .addOption(new Option('--seconds <s>', 'how long to run (half triad, half gather)').argParser(numberArg(0.01, 60)).default(1))
    .addOption(threadsOption())
    .addOption(jsonOption())
    .action(async (o: { seconds: number; threads: number; json?: boolean }) => {
      const r = await benchMemory(o);
      if (o.json) {
        printJson(r);
        return;
      }
      process.stdout.write(`memory on ${r.threads} threads: triad ${r.triad_gb_per_s.toFixed(1)} GB/s (3 × ${(r.triad_array_bytes / 2 ** 20).toFixed(0)} MiB), ` +
        `permuted gather ${r.gather_g_per_s.toFixed(2)} G elements/s (${r.gather_n} × ${r.gather_n} float32)\n`);
    });
}

function registerPermtestBench(bench: Command): void {
  bench
    .command('permtest')
    .description('Mantel permutation test on random RDMs: one pair, or all pairs of K with --all-pairs')
    .addOption(intOpt('--n <N>', 'stimuli', 3, 20000, 1000))
    .addOption(intOpt('--k <K>', 'RDMs with --all-pairs (default 10)', 2, 1000))
    .addOption(permutationsOption(10000, 1, 'permutations'))
    .addOption(compareMethodOption('--method', 'pearson', 'statistic'))
    .addOption(threadsOption())
    .option('--all-pairs', 'all pairs of K RDMs')
    .addOption(jsonOption())
    .action(async (o: Omit<BenchPermtestParams, 'k' | 'allPairs'> & { k?: number; allPairs?: boolean; json?: boolean }) => {
      if (!o.allPairs && o.k !== undefined) throw new UserError('--k needs --all-pairs', 2);
      const k = o.allPairs ? o.k ?? 10 : 2;
      const r = await benchPermtest({ n: o.n, k, permutations: o.permutations, method: o.method, threads: o.threads, allPairs: Boolean(o.allPairs) });
      if (o.json) printJson(r);
      else process.stdout.write(`permtest n=${o.n} k=${k} ${o.method}: ${String(r.permutations)} permutations in ${(r.seconds as number).toFixed(3)} s (${String(r.engine)}, ${String(r.isa)}, ${String(r.threads)} threads)\n`);
    });
}

function registerScaleBench(bench: Command): void {
  bench
    .command('scale')
    .description('how seedscope scales: N = 10,000 on the default zoo, 100 synthetic instances, and the default run from a warm cache; wall time, phases, peak RSS, disk, cost per unit')
    .addOption(new Option('--cases <list>', `cases to run, comma-separated: ${SCALE_CASES.join(',')}`).argParser((v: string) => v.split(',').map((c) => c.trim()).filter((c) => c.length > 0)).default([...SCALE_CASES]))
    .addOption(permutationsOption(1000, 0, 'permutations of every run'))
    .addOption(intOpt('--bootstrap <n>', 'bootstrap samples of every run', 0, 1e8, 1000))
    .addOption(new Option('--memory <GiB>', 'memory budget of every run (default: the run\'s default)').argParser(numberArg(0.05, 1 << 20)))
    .addOption(threadsOption())
    .option('--work-dir <dir>', 'keep the caches and outputs here (default: a temporary folder, removed afterwards)')
    .addOption(jsonOption('print one JSON document (the default output anyway)'))
    .action(async (o: { cases: string[]; permutations: number; bootstrap: number; memory?: number; threads: number; workDir?: string }) => {
      const bad = o.cases.filter((c) => !(SCALE_CASES as readonly string[]).includes(c));
      if (bad.length > 0) throw new UserError(`--cases: expected some of ${SCALE_CASES.join(',')} but received ${bad.join(',')}`, 2);
      printJson(await benchScale({ ...o, cases: o.cases as ScaleCase[] }, (line) => process.stderr.write(line + '\n')));
    });
}

export function registerBench(program: Command): void {
  const bench = program
    .command('bench')
    .description('benchmarks of the native core and the pipeline; with no operation, the whole suite as one JSON document');
  for (const register of [registerRunBench, registerScaleBench, registerCompareBench, registerExtractBench, registerRdmBench, registerPeakBench, registerMemoryBench, registerPermtestBench, registerSuite]) {
    register(bench);
  }
}
