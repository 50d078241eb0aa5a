/**
 * `seedscope bootstrap R1.npy … Rk.npy --over stimuli|instances|both`: the mean
 * pairwise consistency of instance RDMs with a bootstrap confidence interval.
 */
import { Option, type Command } from 'commander';
import { readRdms } from '../io/rdmFile.js';
import type { CompareMethod } from '../native/compare.js';
import { RESAMPLE_OVER, bootstrapConsistency, type ResampleOver } from '../stats/bootstrap.js';
import { compareMethodOption, jsonOption, quietOption, seedOption, threadsOption } from './options.js';
import { printJson } from './output.js';
import { choiceArg, intArg, numberArg } from './parsers.js';
import { ProgressBar } from './progressBar.js';

const INTERVALS = ['percentile', 'bca'] as const;

interface BootstrapCliOptions {
  over: ResampleOver;
  samples: number;
  ci: (typeof INTERVALS)[number];
  level: number;
  method: CompareMethod;
  seed: number;
  threads: number;
  json?: boolean;
  quiet?: boolean;
}

export function registerBootstrap(program: Command): void {
  program
    .command('bootstrap')
    .description('mean pairwise consistency of instance RDMs (.npy) with a bootstrap confidence interval')
    .argument('<rdms...>', 'one RDM per instance, same stimuli')
    .addOption(new Option('--over <what>', `resample ${RESAMPLE_OVER.join('|')}`).argParser(choiceArg(RESAMPLE_OVER)).makeOptionMandatory())
    .addOption(new Option('--samples <B>', 'bootstrap samples').argParser(intArg(1, 1e8)).default(1000))
    .addOption(new Option('--ci <kind>', `interval: ${INTERVALS.join('|')}`).argParser(choiceArg(INTERVALS)).default('percentile'))
    .addOption(new Option('--level <x>', 'coverage of the interval, in (0, 1)').argParser(numberArg(1e-9, 1 - 1e-9)).default(0.95))
    .addOption(compareMethodOption('--method', 'r2', 'statistic'))
    .addOption(seedOption('seed of the resampling'))
    .addOption(threadsOption())
    .addOption(jsonOption())
    .addOption(quietOption())
    .action(async (files: string[], opts: BootstrapCliOptions) => {
      const { over, samples, ci, level, method, seed, threads } = opts;
      const rdms = readRdms(files);
      const n = rdms[0]!.n;
      const values = rdms.map((r) => r.values);
      const bar = new ProgressBar('bootstrap', !opts.json && !opts.quiet);
      const r = await bootstrapConsistency(values, n, {
        over, samples, ci, level, method, seed, threads, labels: files, onProgress: (d, t) => bar.update(d, t),
      });
      bar.done();
      if (opts.json) {
        printJson({
          method: r.method, over: r.over, estimate: r.estimate,
          ci: { method: r.ci.method, level: r.ci.level, lower: r.ci.lower, upper: r.ci.upper,
            ...(r.ci.method === 'bca' ? { bias_correction: r.ci.biasCorrection, acceleration: r.ci.acceleration } : {}) },
          standard_error: r.standardError, samples: r.samples, valid_samples: r.validSamples, seed: r.seed,
          instances: r.instances, stimuli: r.stimuli,
        });
        return;
      }
      process.stdout.write(`mean pairwise ${method} = ${r.estimate.toPrecision(5)}, ${Math.round(level * 100)}% ${ci} interval ` +
        `[${r.ci.lower.toPrecision(5)}, ${r.ci.upper.toPrecision(5)}] (bootstrap over ${over}, ${r.validSamples}/${samples} samples, seed ${seed})\n`);
    });
}
