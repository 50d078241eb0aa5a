/**
 * The baseline decision on synthetic figure series (no timing): a figure
 * regressed only when its best new repeat is worse than its worst old one by
 * more than the tolerance; older single-value files read as one repeat.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareWithBaseline, figuresOfDocument, NOISE_FLOOR_SECONDS } from '../../bench/baseline.js';
import { collectFigures, type Better, type FigureSeries } from '../../bench/figures.js';
import type { MachineSpeed } from '../../bench/machineSpeed.js';
import { UserError } from '../../src/errors.js';

function series(name: string, values: number[], better: Better = 'smaller', unit = 's', normalisedBy: FigureSeries['normalised_by'] = null): FigureSeries {
  return { name, unit, better, bound: 'compute', normalised_by: normalisedBy, values, min: Math.min(...values), max: Math.max(...values) };
}

const flagged = (old: FigureSeries[], now: FigureSeries[], tolerance = 0.1, normalised = false): string[] =>
  compareWithBaseline(old, now, { tolerance, normalised }).regressions.map((r) => r.figure).sort();

test('smaller is better: flagged only when min(new) > max(old) × (1 + tolerance)', () => {
  const old = [series('rdm.seconds_min', [1.0, 1.1, 1.05])];
  // the best new repeat 1.2 is within 10 % of the worst old one (1.1 × 1.1 = 1.21), though all are slower than the old best
  assert.deepEqual(flagged(old, [series('rdm.seconds_min', [1.2, 1.4, 1.3])]), []);
  // 1.22 > 1.21
  const c = compareWithBaseline(old, [series('rdm.seconds_min', [1.25, 1.22, 1.3])], { tolerance: 0.1 });
  assert.deepEqual(c.regressions.map((r) => r.figure), ['rdm.seconds_min']);
  const r = c.regressions[0]!;
  assert.ok(Math.abs(r.slowdown - (1.22 / 1.1 - 1)) < 1e-12);
  assert.deepEqual(r.baseline, { min: 1.0, max: 1.1, repeats: 3 });
  assert.deepEqual(r.current, { min: 1.22, max: 1.3, repeats: 3 });
  assert.equal(c.compared, 1);
  assert.match(c.rule, /min\(new\) > max\(old\) × \(1 \+ tolerance\)/);
});

test('one noisy repeat does not make a regression: ranges that overlap never do', () => {
  const old = [series('run.seconds', [40, 41])];
  assert.deepEqual(flagged(old, [series('run.seconds', [41, 80, 90])], 0.01), []);
  // and one lucky old repeat cannot hide a real slowdown in every new one
  assert.deepEqual(flagged(old, [series('run.seconds', [60, 62, 61])], 0.1), ['run.seconds']);
});

test('bigger is better: flagged only when max(new) < min(old) / (1 + tolerance)', () => {
  const old = [series('rdm.gflops', [400, 420], 'bigger', 'GFLOP/s')];
  assert.deepEqual(flagged(old, [series('rdm.gflops', [350, 370], 'bigger', 'GFLOP/s')]), []); // 400 / 370 − 1 = 8 %
  const c = compareWithBaseline(old, [series('rdm.gflops', [300, 360], 'bigger', 'GFLOP/s')], { tolerance: 0.1 });
  assert.deepEqual(c.regressions.map((r) => r.figure), ['rdm.gflops']);
  assert.ok(Math.abs(c.regressions[0]!.slowdown - (400 / 360 - 1)) < 1e-12);
  // faster is never a regression
  assert.deepEqual(flagged(old, [series('rdm.gflops', [900, 950], 'bigger', 'GFLOP/s')]), []);
  // a rate that fell to zero is
  assert.deepEqual(flagged(old, [series('rdm.gflops', [0], 'bigger', 'GFLOP/s')]), ['rdm.gflops']);
});

test('timings under the noise floor are never flagged, nor their normalised twins', () => {
  const tiny = NOISE_FLOOR_SECONDS / 10;
  const old = [series('run.phases_seconds.load', [tiny]), series('run.phases_seconds.load@triad', [0.01], 'smaller', 'triad-GB', 'triad')];
  const now = [series('run.phases_seconds.load', [tiny * 4]), series('run.phases_seconds.load@triad', [0.04], 'smaller', 'triad-GB', 'triad')];
  assert.deepEqual(flagged(old, now), []);
  assert.deepEqual(flagged(old, now, 0.1, true), []);
});

test('--normalised decides on the normalised figures only, and the measured basis ignores them', () => {
  const old = [series('rdm.seconds_min', [1.0]), series('rdm.seconds_min@peak', [100], 'smaller', 'peak-GFLOP', 'peak')];
  // a runner twice as slow: the time doubles, the work at the machine's peak stays
  const now = [series('rdm.seconds_min', [2.0]), series('rdm.seconds_min@peak', [101], 'smaller', 'peak-GFLOP', 'peak')];
  assert.deepEqual(flagged(old, now), ['rdm.seconds_min']);
  assert.deepEqual(flagged(old, now, 0.1, true), []);
  const c = compareWithBaseline(old, now, { tolerance: 0.1, normalised: true });
  assert.equal(c.basis, 'normalised');
  assert.equal(c.compared, 1);
});

test('figures absent from this run are listed as missing, not flagged', () => {
  const old = [series('rdm.seconds_min', [1]), series('extract.extract_images_per_s', [500], 'bigger', 'images/s')];
  const c = compareWithBaseline(old, [series('rdm.seconds_min', [1])], { tolerance: 0.1 });
  assert.deepEqual(c.missing, ['extract.extract_images_per_s']);
  assert.deepEqual(c.regressions, []);
  assert.equal(c.compared, 1);
});

test('an older baseline (format seedscope-bench/1, one value per figure) reads as one repeat', () => {
  const v1 = {
    format: 'seedscope-bench/1',
    results: {
      rdm: { seconds_min: 1.2, gflops: 400, peak_gflops: 900, seconds_median: 1.3 },
      permtest: { seconds: 0.5, permutations_per_second: 20000 },
      run: { seconds: 45, phases_seconds: { extraction: 21.9, mantel: 2.7 } },
    },
  };
  const figures = figuresOfDocument(v1, 'baseline.json');
  const byName = new Map(figures.map((f) => [f.name, f]));
  assert.deepEqual([...byName.keys()].sort(), [
    'permtest.permutations_per_second', 'permtest.seconds', 'rdm.gflops', 'rdm.seconds_min',
    'run.phases_seconds.extraction', 'run.phases_seconds.mantel', 'run.seconds',
  ]);
  assert.deepEqual(byName.get('rdm.seconds_min'), series('rdm.seconds_min', [1.2]));
  assert.equal(byName.get('rdm.gflops')!.better, 'bigger');
  // the old single value is both its min and its max: the new minimum must exceed it by the tolerance
  assert.deepEqual(flagged(figures, [series('rdm.seconds_min', [1.3, 1.5])]), []);
  assert.deepEqual(flagged(figures, [series('rdm.seconds_min', [1.33, 1.5])]), ['rdm.seconds_min']);
  // and it has no normalised figures to compare
  assert.equal(compareWithBaseline(figures, [series('rdm.seconds_min@peak', [1], 'smaller', 'peak-GFLOP', 'peak')], { tolerance: 0.1, normalised: true }).compared, 0);
});

test('a format-2 document reads back its figures; bad entries are named', () => {
  const speed: MachineSpeed = { peak_gflops: 1000, triad_gb_per_s: 20, gather_g_per_s: 2 };
  const runs = [
    { speed, results: { rdm: { seconds_min: 1.0, gflops: 98 } } },
    { speed: { ...speed, peak_gflops: 500 }, results: { rdm: { seconds_min: 2.0, gflops: 49 } } },
  ];
  const figures = collectFigures(runs);
  const doc = JSON.parse(JSON.stringify({ format: 'seedscope-bench/2', figures }));
  assert.deepEqual(figuresOfDocument(doc, 'b.json'), figures);
  const bad = JSON.parse(JSON.stringify(doc));
  bad.figures[1].values = [1, null];
  assert.throws(() => figuresOfDocument(bad, '--baseline b.json'), (e: unknown) => e instanceof UserError && /--baseline b\.json: figures\[1\]\.values: expected a non-empty array of finite numbers/.test(e.message));
  const badBetter = JSON.parse(JSON.stringify(doc));
  badBetter.figures[0].better = 'lower';
  assert.throws(() => figuresOfDocument(badBetter, 'b.json'), /figures\[0\]\.better: expected 'smaller' or 'bigger'/);
  assert.throws(() => figuresOfDocument({ format: 'x' }, 'b.json'), /has neither/);
  assert.throws(() => figuresOfDocument([1, 2], 'b.json'), /has neither/);
});
