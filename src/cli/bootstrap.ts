/**
 * `seedscope bootstrap R1.npy … Rk.npy --over stimuli|instances|both`: the mean
 * pairwise consistency of instance RDMs with a bootstrap confidence interval.
 */
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { RESAMPLE_OVER, bootstrapConsistency, type ResampleOver } from '../stats/bootstrap.js';
import { printJson } from './output.js';
import { ProgressBar } from './progressBar.js';
import { loadRdmFiles, parseChoiceArg, parseIntArg, parseMethod, parseSeed } from './statsOptions.js';

interface BootstrapCliOptions {
  over: string;
  samples?: string;
  ci?: string;
  level?: string;
  method?: string;
  seed?: string;
  threads?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerBootstrap(program: Command): void {
  program
    .command('bootstrap')
    .description('mean pairwise consistency of instance RDMs (.npy) with a bootstrap confidence interval')
    .argument('<rdms...>', 'one RDM per instance, same stimuli')
    .requiredOption('--over <what>', 'resample stimuli|instances|both')
    .option('--samples <B>', 'bootstrap samples (default 1000)')
    .option('--ci <kind>', 'percentile|bca (default percentile)')
    .option('--level <x>', 'coverage of the interval (default 0.95)')
    .option('--method <name>', 'pearson|r2|spearman|rho-a|tau-a|cosine (default r2)')
    .option('--seed <s>', 'seed of the resampling, integer ≥ 0 (default 0)')
    .option('--threads <T>', 'threads (0 = all cores; results do not depend on it)')
    .option('--json', 'print one JSON document')
    .option('--quiet', 'no progress on stderr')
    .action(async (files: string[], opts: BootstrapCliOptions) => {
      const over = parseChoiceArg<ResampleOver>('--over', opts.over, RESAMPLE_OVER, 'stimuli');
      const samples = parseIntArg('--samples', opts.samples, 1000, 1, 1e8);
      const ci = parseChoiceArg('--ci', opts.ci, ['percentile', 'bca'] as const, 'percentile');
      const method = parseMethod(opts.method, 'r2');
      const seed = parseSeed(opts.seed);
      const threads = parseIntArg('--threads', opts.threads, 0, 0, 1024);
      let level = 0.95;
      if (opts.level !== undefined) {
        level = Number(opts.level);
        if (!(level > 0 && level < 1)) {
          throw new UserError(`--level: expected a number in (0, 1) but received '${opts.level}'`, 2);
        }
      }
      const { n, values } = loadRdmFiles(files);
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
