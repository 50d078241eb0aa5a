/**
 * `seedscope compare A.npy B.npy [C.npy ...] --method M [--threads T] [--json]`:
 * compare RDMs (square N × N or condensed N(N−1)/2 .npy). Two files give one
 * value, more give the matrix of all pairs.
 */
import type { Command } from 'commander';
import { basename } from 'node:path';
import { UserError } from '../errors.js';
import { readRdms } from '../io/rdmFile.js';
import { compareRdms, matrixRows, type CompareMethod } from '../native/compare.js';
import { printJson, warn } from './output.js';
import { compareMethodOption, jsonOption, threadsOption } from './options.js';

export interface CompareTwoReport {
  method: CompareMethod;
  value: number;
  files: string[];
}

export interface CompareManyReport {
  method: CompareMethod;
  files: string[];
  matrix: number[][];
}

interface CompareCliOptions {
  method: CompareMethod;
  threads: number;
  json?: boolean;
}

function countNaN(v: Float64Array): number {
  let c = 0;
  for (const x of v) if (Number.isNaN(x)) c++;
  return c;
}

function formatValue(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : 'NaN';
}

/** Short, distinct column labels: base names unless two files share one. */
function labels(files: readonly string[]): string[] {
  const base = files.map((f) => basename(f));
  return new Set(base).size === base.length ? base : [...files];
}

function table(files: readonly string[], rows: number[][]): string {
  const names = labels(files);
  const width = Math.max(7, ...names.map((n) => n.length));
  const head = ' '.repeat(width) + names.map((n) => '  ' + n.padStart(width)).join('');
  const body = rows.map((row, p) => names[p]!.padEnd(width) + row.map((x) => '  ' + formatValue(x).padStart(width)).join(''));
  return [head, ...body].join('\n') + '\n';
}

export async function runCompare(files: string[], opts: CompareCliOptions): Promise<CompareTwoReport | CompareManyReport> {
  if (files.length < 2) throw new UserError(`expected at least two RDM files to compare but received ${files.length}`, 2);
  const rdms = readRdms(files);
  for (const r of rdms) {
    const nan = countNaN(r.values);
    if (nan > 0) warn(`${r.file}: ${nan} of ${r.values.length} entries are NaN; they are dropped from every comparison with this RDM`);
  }
  const matrix = await compareRdms(rdms.map((r) => r.values), opts.method, { threads: opts.threads });
  if (files.length === 2) return { method: opts.method, value: matrix[1]!, files };
  return { method: opts.method, files, matrix: matrixRows(matrix, files.length) };
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare RDMs (.npy, square N × N or condensed N(N−1)/2): one value for two files, all pairs for more')
    .argument('<rdms...>', 'two or more RDM files with the same N')
    .addOption(compareMethodOption('--method', 'r2', 'comparison'))
    .addOption(threadsOption())
    .addOption(jsonOption())
    .action(async (files: string[], opts: CompareCliOptions) => {
      const r = await runCompare(files, opts);
      if (opts.json) printJson(r);
      else if ('value' in r) process.stdout.write(`${r.method}(${r.files[0]}, ${r.files[1]}) = ${formatValue(r.value)}\n`);
      else process.stdout.write(`${r.method}\n${table(r.files, r.matrix)}`);
    });
}
