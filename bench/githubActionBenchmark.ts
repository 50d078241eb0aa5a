/**
 * A suite run as benchmark-action/github-action-benchmark reads it: for the
 * tools customSmallerIsBetter and customBiggerIsBetter, a JSON array of
 * { name, unit, value, range?, extra? } (name, unit and value required;
 * range and extra free strings). One array serves one tool, so the suite
 * gives two: the figures where smaller is better (times, and times
 * normalised by the machine's speed) and those where bigger is better
 * (rates). `value` is the best repeat, `range` "± (max − min)" of the
 * repeats (the action reads a range of the form "± <number>" and scales it
 * with the value when units change), `extra` the tooltip: every repeat and
 * what the figure was normalised by.
 */
import type { Better, FigureSeries } from './figures.js';

export interface GithubBenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  range?: string;
  extra?: string;
}

/** Six significant digits: enough for any timer, short in a tooltip. */
const short = (x: number): number => Number(x.toPrecision(6));

const PROBE_TEXT = {
  peak: 'the fp32 FMA peak (GFLOP/s)',
  triad: 'the streaming triad bandwidth (GB/s)',
  gather: 'the permuted-gather rate (1e9 elements/s)',
} as const;

export function githubBenchmarkEntries(figures: readonly FigureSeries[], better: Better,
  machine?: { isa: string; threads: number }): GithubBenchmarkEntry[] {
  return figures.filter((f) => f.better === better && f.values.length > 0).map((f) => {
    const value = better === 'smaller' ? f.min : f.max;
    const lines = [`best of ${f.values.length} repeat${f.values.length === 1 ? '' : 's'}: ${f.values.map(short).join(', ')}`];
    if (f.normalised_by) {
      lines.push(`normalised: ${better === 'smaller' ? 'seconds ×' : 'rate ÷'} ${PROBE_TEXT[f.normalised_by]} measured in the same run (its best reading)`);
    }
    if (machine) lines.push(`${machine.isa}, ${machine.threads} threads`);
    const entry: GithubBenchmarkEntry = { name: f.name, unit: f.unit, value: short(value) };
    if (f.values.length > 1) entry.range = `± ${short(f.max - f.min)}`;
    entry.extra = lines.join('\n');
    return entry;
  });
}
