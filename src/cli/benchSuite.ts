/**
 * `seedscope bench` with no operation: the whole suite (rdm, compare,
 * permtest, extract, run) side by side in one JSON document; with
 * --baseline PREV.json it exits 1 naming every figure slower than the
 * tolerance, so a CI pipeline can guard performance.
 */
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { collectInfo } from './info.js';
import { compareWithBaseline, type BaselineComparison } from './benchBaseline.js';
import { printJson } from './output.js';
import { numberOption } from './parsers.js';
import { suiteEntries } from './benchSuiteEntries.js';

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

function readBaseline(file: string): unknown {
  if (!existsSync(file)) throw new UserError(`--baseline ${file}: file not found`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`--baseline ${file}: expected the JSON of an earlier \`seedscope bench\` but it cannot be parsed (${(err as Error).message})`);
  }
}

export function registerBenchSuite(bench: Command): void {
  bench
    .option('--baseline <file>', 'compare with an earlier suite result; exit 1 naming every figure slower than the tolerance')
    .option('--tolerance <x>', 'allowed slowdown as a fraction (0.10 = 10 %)', numberOption(0, 100), 0.1)
    .option('--only <ops>', 'run only these operations (comma-separated)')
    .action(async (opts: { baseline?: string; tolerance: number; only?: string }) => {
      const baseline = opts.baseline ? readBaseline(opts.baseline) : undefined;
      let entries = suiteEntries();
      if (opts.only) {
        const want = opts.only.split(',').map((s) => s.trim());
        const unknown = want.filter((w) => !entries.some((e) => e.name === w));
        if (unknown.length) throw new UserError(`--only: expected some of ${entries.map((e) => e.name).join(', ')} but received ${unknown.join(', ')}`);
        entries = entries.filter((e) => want.includes(e.name));
      }
      const doc = await runSuite(entries, (line) => process.stderr.write(line + '\n'));
      if (baseline !== undefined) {
        const cmp = compareWithBaseline(baseline, doc, opts.tolerance);
        doc.baseline = { file: opts.baseline!, ...cmp };
        printJson(doc);
        if (cmp.regressions.length > 0) {
          for (const r of cmp.regressions) {
            process.stderr.write(`seedscope: slower than the baseline by ${(r.slowdown * 100).toFixed(1)} % (tolerance ${(opts.tolerance * 100).toFixed(0)} %): ${r.figure} ${r.baseline} → ${r.current}\n`);
          }
          process.exitCode = 1;
        }
        return;
      }
      printJson(doc);
    });
}
