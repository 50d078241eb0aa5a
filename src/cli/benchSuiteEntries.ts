/**
 * The operations of the whole benchmark suite, each at its standard size,
 * calling the exported function behind `seedscope bench <op>`.
 */
import { benchRun } from '../../bench/run.js';
import type { SuiteEntry } from './benchSuite.js';

export function suiteEntries(): SuiteEntry[] {
  return [
    { name: 'run', run: () => benchRun({}) },
  ];
}
