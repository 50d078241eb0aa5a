/**
 * The whole benchmark suite (rdm, compare, permtest, extract, run) side by
 * side in one document, each operation at its standard size, measured
 * `repeat` times with the machine's speed probed in each repeat; `seedscope
 * bench` with no operation prints it, and compares it with a baseline.
 */
import { collectInfo } from '../src/pipeline/systemInfo.js';
import type { BaselineComparison } from './baseline.js';
import { benchCompare } from './compare.js';
import { benchExtract } from './extract.js';
import { collectFigures, runSpeed, type FigureSeries } from './figures.js';
import { fasterOf, measureMachineSpeed, type MachineSpeed } from './machineSpeed.js';
import { benchPermtest } from './permtest.js';
import { benchRdm } from './rdm.js';
import { benchRun } from './run.js';

/** Format 2: every repeat's results and machine speed, and the figures drawn from them (format 1 had one `results`). */
export const BENCH_FORMAT = 'seedscope-bench/2';

export interface SuiteEntry {
  name: string;
  run: () => Promise<unknown>;
}

export interface SuiteRun {
  /** the machine's speed read in this repeat (the better of a probe before and one after its operations) */
  speed: MachineSpeed;
  results: Record<string, unknown>;
}

export interface SuiteDocument {
  format: string;
  created: string;
  machine: { isa: string; threads: number; build: string; node: string; seedscope: string };
  repeat: number;
  /** the best reading of each probe over all repeats: what the normalised figures are divided by */
  speed: MachineSpeed | null;
  runs: SuiteRun[];
  figures: FigureSeries[];
  seconds: number;
  baseline?: BaselineComparison & { file: string };
}

export interface SuiteOptions {
  /** times every operation is measured (rounds of the whole suite, so a slow spell of the machine touches every figure alike) */
  repeat: number;
  /** seconds of each machine-speed probe (half FMA peak, half memory) */
  probeSeconds: number;
  threads: number;
}

export async function runSuite(entries: readonly SuiteEntry[], log: (line: string) => void,
  opts: SuiteOptions = { repeat: 1, probeSeconds: 1, threads: 0 }): Promise<SuiteDocument> {
  const info = collectInfo();
  const t0 = performance.now();
  const runs: SuiteRun[] = [];
  for (let r = 0; r < opts.repeat; r++) {
    const tag = opts.repeat > 1 ? ` (repeat ${r + 1} of ${opts.repeat})` : '';
    log(`bench machine speed${tag} …`);
    const before = await measureMachineSpeed({ seconds: opts.probeSeconds, threads: opts.threads });
    const results: Record<string, unknown> = {};
    for (const e of entries) {
      log(`bench ${e.name}${tag} …`);
      results[e.name] = await e.run();
    }
    const after = await measureMachineSpeed({ seconds: opts.probeSeconds, threads: opts.threads });
    runs.push({ speed: fasterOf(before, after), results });
  }
  return {
    format: BENCH_FORMAT,
    created: new Date().toISOString(),
    machine: { isa: info.isa, threads: info.threads, build: `${info.build} ${info.build_type}`, node: info.node, seedscope: info.version },
    repeat: opts.repeat,
    speed: runSpeed(runs) ?? null,
    runs,
    figures: collectFigures(runs),
    seconds: Math.round(performance.now() - t0) / 1000,
  };
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
