/**
 * Comparing a benchmark document with an earlier one, so CI can guard
 * performance: every timing (a key with "seconds") that grew, and every
 * rate (gflops, per second) that shrank, by more than the tolerance is
 * named. Figures present in only one document are ignored (listed apart).
 */

export interface Regression {
  /** dotted path of the figure, e.g. results.rdm.seconds_min */
  figure: string;
  baseline: number;
  current: number;
  /** relative slowdown: 0.25 = 25 % slower */
  slowdown: number;
}

export interface BaselineComparison {
  tolerance: number;
  compared: number;
  regressions: Regression[];
  missing: string[];
}

type Direction = 'lower' | 'higher';

/** Which way is better for a figure, or undefined for figures that are not performance. */
export function directionOf(key: string): Direction | undefined {
  const k = key.toLowerCase();
  if (/gflops|per_s($|_|ec)|throughput/.test(k)) return 'higher';
  if (/seconds|(^|_)ms$/.test(k)) return 'lower';
  return undefined;
}

/** Every performance figure by dotted path; a number under e.g. `phases_seconds` inherits that key's direction. */
function figures(doc: unknown, prefix = '', inherited?: Direction, out = new Map<string, { value: number; dir: Direction }>()): Map<string, { value: number; dir: Direction }> {
  if (Array.isArray(doc)) {
    doc.forEach((v, i) => figures(v, `${prefix}[${i}]`, inherited, out));
  } else if (doc !== null && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
      const path = prefix ? `${prefix}.${k}` : k;
      const dir = directionOf(k) ?? inherited;
      if (typeof v === 'number' && Number.isFinite(v) && dir) out.set(path, { value: v, dir });
      else if (typeof v === 'object') figures(v, path, dir, out);
    }
  }
  return out;
}

/** Timings under this many seconds are timer noise, not performance: never flagged. */
export const NOISE_FLOOR_SECONDS = 0.05;

export function compareWithBaseline(baseline: unknown, current: unknown, tolerance: number): BaselineComparison {
  const before = figures(baseline);
  const now = figures(current);
  const regressions: Regression[] = [];
  const missing: string[] = [];
  let compared = 0;
  for (const [path, { value: old, dir }] of before) {
    const cur = now.get(path)?.value;
    if (cur === undefined) {
      missing.push(path);
      continue;
    }
    compared++;
    // slowdown as the relative increase in time (a rate's inverse for rates)
    const slowdown = dir === 'lower' ? (old > 0 ? cur / old - 1 : 0) : (cur > 0 ? old / cur - 1 : Infinity);
    const noise = dir === 'lower' && Math.max(old, cur) < NOISE_FLOOR_SECONDS;
    if (slowdown > tolerance && !noise) regressions.push({ figure: path, baseline: old, current: cur, slowdown });
  }
  return { tolerance, compared, regressions, missing };
}
