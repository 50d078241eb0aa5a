/**
 * `seedscope permtest A.npy B.npy [C.npy …] [--all-pairs] …`: Mantel
 * permutation tests of RDMs (stimulus labels permuted), one pair or all pairs
 * with a correction for multiple comparisons.
 */
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { CORRECTIONS, type Correction } from '../stats/corrections.js';
import { correctFamily, permtestFamily, permtestPair } from '../stats/permtest.js';
import { printJson } from './output.js';
import { ProgressBar } from './progressBar.js';
import { loadRdmFiles, parseChoiceArg, parseIntArg, parseMethod, parseSeed } from './statsOptions.js';

interface PermtestCliOptions {
  method?: string;
  permutations?: string;
  seed?: string;
  threads?: string;
  allPairs?: boolean;
  correction?: string;
  json?: boolean;
  quiet?: boolean;
}

function fmt(v: number | null): string {
  return v === null ? '—' : v.toPrecision(4);
}

export function registerPermtest(program: Command): void {
  program
    .command('permtest')
    .description('Mantel permutation test of RDMs (.npy, square or condensed): stimulus labels of one RDM are permuted')
    .argument('<rdms...>', 'RDM files (2 without --all-pairs)')
    .option('--method <name>', 'pearson|r2|spearman|rho-a|tau-a|cosine (default pearson)')
    .option('--permutations <P>', 'permutations; all N! are enumerated when N! ≤ P (default 10000)')
    .option('--seed <s>', 'seed of the permutations, integer ≥ 0 (default 0)')
    .option('--threads <T>', 'threads (0 = all cores; results do not depend on it)')
    .option('--all-pairs', 'test all pairs of the RDMs given')
    .option('--correction <c>', 'with --all-pairs: maxstat|holm|bh|none (default maxstat)')
    .option('--json', 'print one JSON document')
    .option('--quiet', 'no progress on stderr')
    .addHelpText('after', `
p is one-sided: p = (k + 1)/(P + 1), k = permutations with a statistic at least
as large as observed (within 1e-9); with exact enumeration p = k/N!.`)
    .action(async (files: string[], opts: PermtestCliOptions) => {
      const method = parseMethod(opts.method, 'pearson');
      const permutations = parseIntArg('--permutations', opts.permutations, 10000, 1, 1e9);
      const seed = parseSeed(opts.seed);
      const threads = parseIntArg('--threads', opts.threads, 0, 0, 1024);
      const correction = parseChoiceArg<Correction>('--correction', opts.correction, CORRECTIONS, 'maxstat');
      if (!opts.allPairs && files.length !== 2) {
        throw new UserError(`expected exactly 2 RDM files (or --all-pairs) but received ${files.length}`, 2);
      }
      if (opts.allPairs && files.length < 2) throw new UserError(`expected at least 2 RDM files but received ${files.length}`, 2);
      const { n, values } = loadRdmFiles(files);
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
          statistic: layer.statistic, p: layer.p, p_corrected: corrected,
        });
        return;
      }
      const lines = [`${method}, ${family.permutations} permutations${family.exact ? ' (exact)' : ''}, seed ${seed}, correction ${correction}`];
      for (let a = 0; a < files.length; a++) {
        for (let b = a + 1; b < files.length; b++) {
          lines.push(`${files[a]} × ${files[b]}: ${fmt(layer.statistic[a]![b]!)}  p = ${fmt(layer.p[a]![b]!)}  corrected p = ${fmt(corrected[a]![b]!)}`);
        }
      }
      process.stdout.write(lines.join('\n') + '\n');
    });
}
