/**
 * The operations of the whole benchmark suite, each at the standard size its
 * issue names, calling the exported function behind `seedscope bench <op>`.
 */
import { benchCompare } from '../../bench/compare.js';
import { benchExtract } from '../../bench/extract.js';
import { benchPermtest } from '../../bench/permtest.js';
import { benchRdm } from '../../bench/rdm.js';
import { benchRun } from '../../bench/run.js';
import type { SuiteEntry } from './benchSuite.js';

export function suiteEntries(): SuiteEntry[] {
  return [
    { name: 'rdm', run: () => benchRdm({ n: 1000, d: 98304, metric: 'correlation', dtype: 'float32', repeat: 5, warmup: 1, threads: 0, peakSeconds: 0.5 }) },
    { name: 'compare', run: () => benchCompare({ n: 1000, k: 10, method: 'spearman', repeat: 3, threads: 0 }) },
    { name: 'permtest', run: () => benchPermtest({ n: 1000, k: 2, permutations: 10000, method: 'pearson', threads: 0, allPairs: false }) },
    { name: 'permtest_all_pairs', run: () => benchPermtest({ n: 1000, k: 10, permutations: 1000, method: 'pearson', threads: 0, allPairs: true }) },
    { name: 'extract', run: () => benchExtract({ batch: 100, threads: 0, instances: 3, stimuli: 'builtin:fmnist-1000' }) },
    { name: 'run', run: () => benchRun({}) },
  ];
}
