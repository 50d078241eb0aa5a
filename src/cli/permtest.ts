/**
 * `seedscope permtest A.npy B.npy [C.npy …] [--all-pairs] …`: Mantel
 * permutation tests of RDMs (stimulus labels permuted), one pair or all pairs
 * with a correction for multiple comparisons.
 */
import { Option, type Command } from 'commander';
import { UserError } from '../errors.js';
import { readRdms } from '../io/rdmFile.js';
import type { CompareMethod } from '../native/compare.js';
import { matrixRows } from '../native/compare.js';
import { CORRECTIONS, type Correction } from '../stats/corrections.js';
import { correctFamily, permtestFamily, permtestPair } from '../stats/permtest.js';
import { compareMethodOption, jsonOption, permutationsOption, quietOption, seedOption, threadsOption } from './options.js';
import { printJson } from './output.js';
import { choiceArg } from './parsers.js';
import { ProgressBar } from './progressBar.js';

interface PermtestCliOptions {
  method: CompareMethod;
  permutations: number;
  seed: number;
  threads: number;
  allPairs?: boolean;
  correction: Correction;
  json?: boolean;
  quiet?: boolean;
}

function fmt(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '—' : v.toPrecision(4);
}

export function registerPermtest(program: Command): void {
  program
    .command('permtest')
    .description('Mantel permutation test of RDMs (.npy, square or condensed): stimulus labels of one RDM are permuted')
    .argument('<rdms...>', 'RDM files (2 without --all-pairs)')
    .addOption(compareMethodOption('--method', 'pearson', 'statistic'))
    .addOption(permutationsOption(10000, 1, 'permutations; all N! are enumerated when N! ≤ P'))
    .addOption(seedOption('seed of the permutations'))
    .addOption(threadsOption())
    .option('--all-pairs', 'test all pairs of the RDMs given')
    .addOption(new Option('--correction <c>', `with --all-pairs: ${CORRECTIONS.join('|')}`).argParser(choiceArg(CORRECTIONS)).default('maxstat'))
    .addOption(jsonOption())
    .addOption(quietOption())
    .addHelpText('after', `
p is one-sided: p = (k + 1)/(P + 1), k = permutations with a statistic at least
as large as observed (within 1e-9); with exact enumeration p = k/N!.`)
    .action(async (files: string[], opts: PermtestCliOptions) => {
      const { method, permutations, seed, threads, correction } = opts;
      if (!opts.allPairs && files.length !== 2) {
        throw new UserError(`expected exactly 2 RDM files (or --all-pairs) but received ${files.length}`, 2);
      }
      if (opts.allPairs && files.length < 2) throw new UserError(`expected at least 2 RDM files but received ${files.length}`, 2);
      const rdms = readRdms(files);
      const n = rdms[0]!.n;
      const values = rdms.map((r) => r.values);
      const bar = new ProgressBar('permtest', !opts.json && !opts.quiet);
      const onProgress = (d: number, t: number): void => bar.update(d, t);
      if (!opts.allPairs) {
        const r = await permtestPair(values[0]!, values[1]!, n, { method, permutations, seed, threads, onProgress },
          [files[0]!, files[1]!]);
        bar.done();
        if (opts.json) printJson(r);
        else process.stdout.write(`${method} = ${r.statistic.toPrecision(6)}, p = ${r.p.toPrecision(4)} (${r.permutations} permutations${r.exact ? ', exact' : ''}, seed ${r.seed})\n`);
        return;
      }
      const family = await permtestFamily([{ rdms: values, n, labels: files }], { method, permutations, seed, threads, onProgress });
      bar.done();
      const layer = family.layers[0]!;
      const corrected = correctFamily(family, correction)[0]!;
      if (opts.json) {
        printJson({
          method, permutations: family.permutations, exact: family.exact, seed, correction, files,
          statistic: matrixRows(layer.statistic, files.length), p: matrixRows(layer.p, files.length), p_corrected: matrixRows(corrected, files.length),
        });
        return;
      }
      const lines = [`${method}, ${family.permutations} permutations${family.exact ? ' (exact)' : ''}, seed ${seed}, correction ${correction}`];
      for (let a = 0; a < files.length; a++) {
        for (let b = a + 1; b < files.length; b++) {
          const at = a * files.length + b;
          lines.push(`${files[a]} × ${files[b]}: ${fmt(layer.statistic[at])}  p = ${fmt(layer.p[at])}  corrected p = ${fmt(corrected[at])}`);
        }
      }
      process.stdout.write(lines.join('\n') + '\n');
    });
}
