/**
 * The figures of a suite run: which numbers of each operation's result are
 * tracked, in which unit, which way is better, and what limits them (so
 * which machine probe normalises them). Each figure is measured once per
 * repeat; a series keeps every value, and its normalised twin divides out the
 * machine's speed measured in the same run.
 */
import { fasterOf, PROBES, type Bound, type MachineSpeed } from './machineSpeed.js';

export type Better = 'smaller' | 'bigger';

export interface FigureSpec {
  op: string;
  /** the key of the operation's result */
  key: string;
  unit: string;
  better: Better;
  bound: Bound;
}

/** The tracked figures of each operation (the run's phases are added from its result). */
export const SUITE_FIGURES: readonly FigureSpec[] = [
  { op: 'rdm', key: 'seconds_min', unit: 's', better: 'smaller', bound: 'compute' },
  { op: 'rdm', key: 'gflops', unit: 'GFLOP/s', better: 'bigger', bound: 'compute' },
  { op: 'compare', key: 'seconds_min', unit: 's', better: 'smaller', bound: 'stream' },
  { op: 'permtest', key: 'seconds', unit: 's', better: 'smaller', bound: 'gather' },
  { op: 'permtest', key: 'permutations_per_second', unit: 'permutations/s', better: 'bigger', bound: 'gather' },
  { op: 'permtest_all_pairs', key: 'seconds', unit: 's', better: 'smaller', bound: 'gather' },
  { op: 'permtest_all_pairs', key: 'permutations_per_second', unit: 'permutations/s', better: 'bigger', bound: 'gather' },
  { op: 'extract', key: 'extract_images_per_s', unit: 'images/s', better: 'bigger', bound: 'compute' },
  { op: 'run', key: 'seconds', unit: 's', better: 'smaller', bound: 'compute' },
];

/**
 * What limits each phase of `seedscope run` (docs/ci.md lists them): network
 * inference and the RDM products are compute; comparisons of condensed RDMs,
 * loading and writing stream memory; resampling engines gather. Phases not
 * listed here are normalised as streaming.
 */
export const RUN_PHASE_BOUND: Readonly<Record<string, Bound>> = {
  extraction: 'compute',
  rdms: 'compute',
  figures: 'compute',
  consistency: 'stream',
  second_order: 'stream',
  behaviour: 'stream',
  load: 'stream',
  write: 'stream',
  bootstrap: 'gather',
  mantel: 'gather',
  zoo_difference: 'gather',
};

export interface FigureSeries {
  /** op.key, e.g. rdm.seconds_min; a normalised figure adds @peak, @triad or @gather */
  name: string;
  unit: string;
  better: Better;
  bound: Bound;
  /** the probe this figure was divided by; null for the figure as measured */
  normalised_by: 'peak' | 'triad' | 'gather' | null;
  /** one value per repeat in which the figure was measured */
  values: number[];
  min: number;
  max: number;
}

interface Measured {
  spec: FigureSpec;
  name: string;
  value: number;
}

function measured(results: Record<string, unknown>): Measured[] {
  const out: Measured[] = [];
  const field = (op: string, key: string): unknown => {
    const r = results[op];
    return r !== null && typeof r === 'object' ? (r as Record<string, unknown>)[key] : undefined;
  };
  for (const spec of SUITE_FIGURES) {
    const v = field(spec.op, spec.key);
    if (typeof v === 'number' && Number.isFinite(v)) out.push({ spec, name: `${spec.op}.${spec.key}`, value: v });
  }
  const phases = field('run', 'phases_seconds');
  if (phases !== null && typeof phases === 'object') {
    for (const [phase, v] of Object.entries(phases as Record<string, unknown>)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      const spec: FigureSpec = { op: 'run', key: `phases_seconds.${phase}`, unit: 's', better: 'smaller', bound: RUN_PHASE_BOUND[phase] ?? 'stream' };
      out.push({ spec, name: `run.phases_seconds.${phase}`, value: v });
    }
  }
  return out;
}

/**
 * A time times the probe's rate is the work the machine's limit would do in
 * that time (smaller is better still); a rate over the probe's rate is the
 * share of the machine's limit it reaches (bigger is better still).
 */
export function normalise(value: number, spec: Pick<FigureSpec, 'unit' | 'better' | 'bound'>, speed: MachineSpeed): { value: number; unit: string } | undefined {
  const probe = PROBES[spec.bound];
  const rate = speed[probe.key];
  if (!(rate > 0) || !Number.isFinite(rate)) return undefined;
  if (spec.better === 'smaller') return { value: value * rate, unit: spec.unit === 's' ? probe.workUnit : `${spec.unit} × ${probe.rateUnit}` };
  return { value: value / rate, unit: `${spec.unit} per ${probe.rateUnit}` };
}

function addValue(series: Map<string, FigureSeries>, name: string, base: Omit<FigureSeries, 'name' | 'values' | 'min' | 'max'>, value: number): void {
  let s = series.get(name);
  if (!s) {
    s = { name, ...base, values: [], min: value, max: value };
    series.set(name, s);
  }
  s.values.push(value);
  s.min = Math.min(s.min, value);
  s.max = Math.max(s.max, value);
}

/**
 * The machine's speed for a whole run: the best reading of each probe over
 * all its repeats. The probes and the operations take turns, never overlap,
 * so a per-repeat reading would add the probe's own noise to every figure's
 * range (measured on a busy 2-core machine: the RDM's spread grew from 12 %
 * to 40 %); the best reading is the machine's capability, the same for every
 * repeat, and ranges stay those of the figures themselves.
 */
export function runSpeed(runs: readonly { speed?: MachineSpeed }[]): MachineSpeed | undefined {
  const speeds = runs.map((r) => r.speed).filter((s): s is MachineSpeed => s !== undefined);
  return speeds.length ? speeds.reduce(fasterOf) : undefined;
}

/** Every figure of every repeat, measured and normalised, in a stable order (as measured, each followed by its normalised twin). */
export function collectFigures(runs: readonly { speed?: MachineSpeed; results: Record<string, unknown> }[]): FigureSeries[] {
  const speed = runSpeed(runs);
  const series = new Map<string, FigureSeries>();
  for (const run of runs) {
    for (const m of measured(run.results)) {
      const { unit, better, bound } = m.spec;
      addValue(series, m.name, { unit, better, bound, normalised_by: null }, m.value);
      const n = speed ? normalise(m.value, m.spec, speed) : undefined;
      if (n && Number.isFinite(n.value)) {
        const probe = PROBES[bound].suffix;
        addValue(series, `${m.name}@${probe}`, { unit: n.unit, better, bound, normalised_by: probe }, n.value);
      }
    }
  }
  return [...series.values()];
}
