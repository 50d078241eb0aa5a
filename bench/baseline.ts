/**
 * Comparing a suite run with an earlier one, so CI can guard performance
 * without flagging a shared runner's noise. Each figure was measured R times
 * in each run; a figure regressed only when every new repeat is worse than
 * every old one by more than the tolerance:
 *   smaller is better: min(new) > max(old) × (1 + tolerance)
 *   bigger is better:  max(new) < min(old) / (1 + tolerance)
 * Overlapping ranges are never a regression, so more repeats make the check
 * both more sensitive (tighter ranges from the best repeats) and less noisy.
 * Older baseline files (format seedscope-bench/1, one value per figure) are
 * read as one repeat: their min and max are that value.
 */
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../src/errors.js';
import { collectFigures, type Better, type FigureSeries } from './figures.js';

export const BASELINE_RULE = 'regression when min(new) > max(old) × (1 + tolerance) (smaller is better) or max(new) < min(old) / (1 + tolerance) (bigger is better)';

/** Timings under this many seconds are timer noise, not performance: never flagged. */
export const NOISE_FLOOR_SECONDS = 0.05;

export interface Regression {
  /** the figure's name, e.g. rdm.seconds_min or rdm.seconds_min@peak */
  figure: string;
  unit: string;
  better: Better;
  baseline: { min: number; max: number; repeats: number };
  current: { min: number; max: number; repeats: number };
  /** how much worse the best new repeat is than the worst old one, as a slowdown: 0.25 = 25 % */
  slowdown: number;
}

export interface BaselineComparison {
  rule: string;
  tolerance: number;
  /** which figures decided: as measured, or normalised by the machine's speed */
  basis: 'measured' | 'normalised';
  compared: number;
  regressions: Regression[];
  /** figures of the baseline that this run did not measure */
  missing: string[];
}

/** The figure as measured that a normalised one was derived from. */
const measuredName = (name: string): string => name.replace(/@[a-z]+$/, '');

function belowNoiseFloor(s: FigureSeries, baseline: Map<string, FigureSeries>, current: Map<string, FigureSeries>): boolean {
  if (s.better !== 'smaller') return false;
  const raw = measuredName(s.name);
  const old = baseline.get(raw);
  const now = current.get(raw);
  if (!old || !now || old.unit !== 's') return false;
  return Math.max(old.max, now.min) < NOISE_FLOOR_SECONDS;
}

export function compareWithBaseline(baseline: readonly FigureSeries[], current: readonly FigureSeries[],
  opts: { tolerance: number; normalised?: boolean }): BaselineComparison {
  const basis = opts.normalised ? 'normalised' : 'measured';
  const wanted = (s: FigureSeries): boolean => (s.normalised_by !== null) === (basis === 'normalised');
  const before = new Map(baseline.map((s) => [s.name, s]));
  const now = new Map(current.map((s) => [s.name, s]));
  const regressions: Regression[] = [];
  const missing: string[] = [];
  let compared = 0;
  for (const old of baseline.filter(wanted)) {
    const cur = now.get(old.name);
    if (!cur || cur.better !== old.better) {
      missing.push(old.name);
      continue;
    }
    compared++;
    // as a slowdown (a rate's inverse for rates), best new repeat against worst old one
    const slowdown = old.better === 'smaller'
      ? (old.max > 0 ? cur.min / old.max - 1 : 0)
      : (cur.max > 0 ? old.min / cur.max - 1 : Infinity);
    if (slowdown > opts.tolerance && !belowNoiseFloor(old, before, now)) {
      regressions.push({
        figure: old.name, unit: old.unit, better: old.better, slowdown,
        baseline: { min: old.min, max: old.max, repeats: old.values.length },
        current: { min: cur.min, max: cur.max, repeats: cur.values.length },
      });
    }
  }
  return { rule: BASELINE_RULE, tolerance: opts.tolerance, basis, compared, regressions, missing };
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A figure series of a format-2 document, checked field by field. */
function seriesFrom(v: unknown, where: string): FigureSeries {
  if (v === null || typeof v !== 'object') throw new UserError(`${where}: expected an object but received ${JSON.stringify(v)}`);
  const o = v as Record<string, unknown>;
  const need = (ok: boolean, field: string, expected: string): void => {
    if (!ok) throw new UserError(`${where}.${field}: expected ${expected} but received ${JSON.stringify(o[field])}`);
  };
  need(typeof o.name === 'string' && o.name.length > 0, 'name', 'a figure name');
  need(typeof o.unit === 'string', 'unit', 'a unit');
  need(o.better === 'smaller' || o.better === 'bigger', 'better', "'smaller' or 'bigger'");
  need(Array.isArray(o.values) && o.values.length > 0 && o.values.every(isFiniteNumber), 'values', 'a non-empty array of finite numbers');
  const values = o.values as number[];
  const normalisedBy = o.normalised_by ?? null;
  need(normalisedBy === null || normalisedBy === 'peak' || normalisedBy === 'triad' || normalisedBy === 'gather', 'normalised_by', "null, 'peak', 'triad' or 'gather'");
  const bound = o.bound === 'compute' || o.bound === 'stream' || o.bound === 'gather' ? o.bound : 'compute';
  // min and max are recomputed from the values: a hand-edited file cannot make them disagree
  return {
    name: o.name as string, unit: o.unit as string, better: o.better as Better, bound,
    normalised_by: normalisedBy as FigureSeries['normalised_by'], values, min: Math.min(...values), max: Math.max(...values),
  };
}

/**
 * The figures of a suite document of either format: format 2 lists them;
 * format 1 (and documents without a format) hold one result per operation,
 * read as one repeat of the figures as measured (they have no normalised ones).
 */
export function figuresOfDocument(doc: unknown, where: string): FigureSeries[] {
  const o = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? doc as Record<string, unknown> : undefined;
  if (o && Array.isArray(o.figures)) return o.figures.map((f, i) => seriesFrom(f, `${where}: figures[${i}]`));
  if (o && o.results !== null && typeof o.results === 'object' && !Array.isArray(o.results)) {
    return collectFigures([{ results: o.results as Record<string, unknown> }]);
  }
  throw new UserError(`${where}: expected the JSON of an earlier \`seedscope bench\` (format seedscope-bench/1 with "results", or /2 with "figures") but it has neither`);
}

export function readBaseline(file: string): FigureSeries[] {
  if (!existsSync(file)) throw new UserError(`--baseline ${file}: file not found`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`--baseline ${file}: expected the JSON of an earlier \`seedscope bench\` but it cannot be parsed (${(err as Error).message})`);
  }
  return figuresOfDocument(doc, `--baseline ${file}`);
}
