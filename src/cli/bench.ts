/**
 * `seedscope bench <op>`: benchmarks measured side by side in one run. Each
 * operation lives in bench/<op>.ts and registers itself below.
 */
import type { Command } from 'commander';
import { registerBenchCompare } from '../../bench/compare.js';
import { registerBenchExtract } from '../../bench/extract.js';

/** A benchmark operation: adds its subcommand to `bench`. */
export type BenchRegistrar = (bench: Command) => void;

const registrars: BenchRegistrar[] = [
  // one line per operation, e.g. registerBenchRdm,
  registerBenchCompare,
  registerBenchExtract,
];

export function registerBench(program: Command): void {
  const bench = program
    .command('bench')
    .description('benchmarks of the native core and the pipeline (JSON with --json)');
  for (const r of registrars) r(bench);
}
