/**
 * `seedscope bench` with no operation: the whole suite, repeated, printed as
 * seedscope's JSON or as github-action-benchmark's array, optionally written
 * to a folder and compared with a baseline. The measurements and the rule
 * live in bench/ (suite.ts, baseline.ts, githubActionBenchmark.ts).
 */
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { compareWithBaseline, readBaseline } from '../../bench/baseline.js';
import { githubBenchmarkEntries } from '../../bench/githubActionBenchmark.js';
import { runSuite, suiteEntries, type SuiteDocument } from '../../bench/suite.js';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { jsonText } from '../io/json.js';
import { interruptController } from './interrupt.js';
import { warn } from './output.js';
import { choiceArg, intArg, numberArg } from './parsers.js';

export const BENCH_OUTPUT_FORMATS = ['json', 'github-action-benchmark'] as const;
export type BenchOutputFormat = (typeof BENCH_OUTPUT_FORMATS)[number];

/** The files --output-dir writes: the suite document (a baseline for later runs) and one array per direction. */
export const BENCH_OUTPUT_FILES = {
  suite: 'suite.json',
  smaller: 'smaller-is-better.json',
  bigger: 'bigger-is-better.json',
} as const;

export interface BenchSuiteOptions {
  baseline?: string;
  tolerance: number;
  only?: string;
  repeat: number;
  format: BenchOutputFormat;
  outputDir?: string;
  normalised?: boolean;
}

function describe(x: number, unit: string): string {
  return `${Number(x.toPrecision(4))} ${unit}`;
}

function reportRegressions(doc: SuiteDocument, tolerance: number): void {
  const cmp = doc.baseline!;
  if (cmp.compared === 0) {
    warn(`--baseline ${cmp.file}: no ${cmp.basis} figure in common with this run${cmp.basis === 'normalised' ? ' (files of format seedscope-bench/1 have no normalised figures)' : ''}; nothing was compared`);
  }
  for (const r of cmp.regressions) {
    const [best, worst] = r.better === 'smaller' ? ['min', 'max'] as const : ['max', 'min'] as const;
    process.stderr.write(`seedscope: regression: ${r.figure}: ${best} of ${r.current.repeats} ${describe(r.current[best], r.unit)} vs the baseline's ${worst} of ${r.baseline.repeats} ` +
      `${describe(r.baseline[worst], r.unit)}: ${(r.slowdown * 100).toFixed(1)} % slower (tolerance ${(tolerance * 100).toFixed(0)} %)\n`);
  }
  if (cmp.regressions.length > 0) {
    process.stderr.write(`seedscope: ${cmp.regressions.length} figure(s) regressed: ${cmp.regressions.map((r) => r.figure).join(', ')}\n`);
    process.exitCode = 1;
  }
}

export async function benchSuiteAction(opts: BenchSuiteOptions): Promise<void> {
  // read the baseline first: a bad file should fail before minutes of measuring
  const baseline = opts.baseline ? readBaseline(opts.baseline) : undefined;
  let entries = suiteEntries({ signal: interruptController.signal });
  if (opts.only) {
    const want = opts.only.split(',').map((s) => s.trim());
    const unknown = want.filter((w) => !entries.some((e) => e.name === w));
    if (unknown.length) throw new UserError(`--only: expected some of ${entries.map((e) => e.name).join(', ')} but received ${unknown.join(', ')}`);
    entries = entries.filter((e) => want.includes(e.name));
  }
  const doc = await runSuite(entries, (line) => process.stderr.write(line + '\n'), { repeat: opts.repeat, probeSeconds: 1, threads: 0 });
  if (baseline !== undefined) {
    doc.baseline = { file: opts.baseline!, ...compareWithBaseline(baseline, doc.figures, { tolerance: opts.tolerance, normalised: opts.normalised }) };
  }
  const smaller = githubBenchmarkEntries(doc.figures, 'smaller', doc.machine);
  if (opts.outputDir) {
    writeFileAtomic(join(opts.outputDir, BENCH_OUTPUT_FILES.suite), jsonText(doc));
    writeFileAtomic(join(opts.outputDir, BENCH_OUTPUT_FILES.smaller), jsonText(smaller));
    writeFileAtomic(join(opts.outputDir, BENCH_OUTPUT_FILES.bigger), jsonText(githubBenchmarkEntries(doc.figures, 'bigger', doc.machine)));
  }
  process.stdout.write(jsonText(opts.format === 'json' ? doc : smaller));
  if (doc.baseline) reportRegressions(doc, opts.tolerance);
}

/** The suite's options live on `bench` itself; positional, so `bench rdm --repeat` stays the rdm benchmark's own. */
export function registerSuite(bench: Command): void {
  bench
    .enablePositionalOptions()
    .addOption(new Option('--format <f>', `what stdout carries: ${BENCH_OUTPUT_FORMATS.join('|')} (the latter: the smaller-is-better array of github-action-benchmark's customSmallerIsBetter)`)
      .argParser(choiceArg(BENCH_OUTPUT_FORMATS)).default('json'))
    .addOption(new Option('--repeat <R>', 'measure every figure R times (rounds of the whole suite)').argParser(intArg(1, 100)).default(1))
    .option('--output-dir <dir>', `also write ${Object.values(BENCH_OUTPUT_FILES).join(', ')} into this folder`)
    .option('--baseline <file>', 'compare with an earlier suite result; exit 1 naming every figure whose best new repeat is worse than the worst old one by more than the tolerance')
    .addOption(new Option('--tolerance <x>', 'allowed slowdown as a fraction (0.10 = 10 %)').argParser(numberArg(0, 100)).default(0.1))
    .option('--normalised', 'with --baseline: decide on the figures normalised by the machine\'s speed (runners of different speed), not on the figures as measured')
    .option('--only <ops>', 'run only these operations (comma-separated)')
    .action(async (opts: BenchSuiteOptions) => {
      if (opts.normalised && !opts.baseline) throw new UserError('--normalised needs --baseline', 2);
      await benchSuiteAction(opts);
    });
}
