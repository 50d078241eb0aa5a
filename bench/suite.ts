/**
 * The whole benchmark suite (rdm, compare, permtest, extract, run) side by
 * side in one document, each operation at its standard size; `seedscope
 * bench` with no operation prints it, and compares it with a baseline.
 */
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../src/errors.js';
import { collectInfo } from '../src/pipeline/systemInfo.js';
import type { BaselineComparison } from './baseline.js';
import { benchCompare } from './compare.js';
import { benchExtract } from './extract.js';
import { benchPermtest } from './permtest.js';
import { benchRdm } from './rdm.js';
import { benchRun } from './run.js';

export const BENCH_FORMAT = 'seedscope-bench/1';

export interface SuiteEntry {
  name: string;
  run: () => Promise<unknown>;
}

export interface SuiteDocument {
  format: string;
  created: string;
  machine: { isa: string; threads: number; build: string; node: string; seedscope: string };
  results: Record<string, unknown>;
  seconds: number;
  baseline?: BaselineComparison & { file: string };
}

export async function runSuite(entries: readonly SuiteEntry[], log: (line: string) => void): Promise<SuiteDocument> {
  const info = collectInfo();
  const t0 = performance.now();
  const results: Record<string, unknown> = {};
  for (const e of entries) {
    log(`bench ${e.name} …`);
    results[e.name] = await e.run();
  }
  return {
    format: BENCH_FORMAT,
    created: new Date().toISOString(),
    machine: { isa: info.isa, threads: info.threads, build: `${info.build} ${info.build_type}`, node: info.node, seedscope: info.version },
    results,
    seconds: Math.round(performance.now() - t0) / 1000,
  };
}

export function readBaseline(file: string): unknown {
  if (!existsSync(file)) throw new UserError(`--baseline ${file}: file not found`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`--baseline ${file}: expected the JSON of an earlier \`seedscope bench\` but it cannot be parsed (${(err as Error).message})`);
  }
}

/** The operations of the suite, each at the standard size its issue names. */
export function suiteEntries(ctx: { signal?: AbortSignal } = {}): SuiteEntry[] {
  return [
    { name: 'rdm', run: () => benchRdm({ n: 1000, d: 98304, metric: 'correlation', dtype: 'float32', repeat: 5, warmup: 1, threads: 0, peakSeconds: 0.5 }) },
    { name: 'compare', run: () => benchCompare({ n: 1000, k: 10, method: 'spearman', repeat: 3, threads: 0 }) },
    { name: 'permtest', run: () => benchPermtest({ n: 1000, k: 2, permutations: 10000, method: 'pearson', threads: 0, allPairs: false }) },
    { name: 'permtest_all_pairs', run: () => benchPermtest({ n: 1000, k: 10, permutations: 1000, method: 'pearson', threads: 0, allPairs: true }) },
    { name: 'extract', run: () => benchExtract({ batch: 100, threads: 0, instances: 3, stimuli: 'builtin:fmnist-1000' }) },
    { name: 'run', run: () => benchRun({}, ctx) },
  ];
}
