/**
 * The figures of a suite run: which numbers are tracked, and their
 * normalisation by the machine's speed measured in the same repeat.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectFigures, normalise, RUN_PHASE_BOUND, runSpeed, SUITE_FIGURES } from '../../bench/figures.js';
import type { MachineSpeed } from '../../bench/machineSpeed.js';

const speed: MachineSpeed = { peak_gflops: 800, triad_gb_per_s: 25, gather_g_per_s: 1.5 };

test('times are multiplied by the probe of their bound, rates divided by it', () => {
  assert.deepEqual(normalise(2, { unit: 's', better: 'smaller', bound: 'compute' }, speed), { value: 1600, unit: 'peak-GFLOP' });
  assert.deepEqual(normalise(2, { unit: 's', better: 'smaller', bound: 'stream' }, speed), { value: 50, unit: 'triad-GB' });
  assert.deepEqual(normalise(3, { unit: 's', better: 'smaller', bound: 'gather' }, speed), { value: 4.5, unit: 'gather-G' });
  assert.deepEqual(normalise(400, { unit: 'GFLOP/s', better: 'bigger', bound: 'compute' }, speed), { value: 0.5, unit: 'GFLOP/s per peak-GFLOP/s' });
  assert.deepEqual(normalise(3000, { unit: 'permutations/s', better: 'bigger', bound: 'gather' }, speed), { value: 2000, unit: 'permutations/s per gather-G/s' });
  // a failed probe normalises nothing
  assert.equal(normalise(2, { unit: 's', better: 'smaller', bound: 'compute' }, { ...speed, peak_gflops: 0 }), undefined);
  assert.equal(normalise(2, { unit: 's', better: 'smaller', bound: 'stream' }, { ...speed, triad_gb_per_s: NaN }), undefined);
});

test('every repeat adds a value to each figure and its normalised twin, divided by the best probe reading of the run', () => {
  const runs = [
    { speed, results: { rdm: { seconds_min: 1.0, gflops: 98.3, seconds_median: 1.1 }, compare: { seconds_min: 0.2 } } },
    // a repeat whose probes read slower (contention while they ran): the machine is still the one of the first reading
    { speed: { ...speed, peak_gflops: 400, triad_gb_per_s: 40 }, results: { rdm: { seconds_min: 2.0, gflops: 49.1 }, compare: { seconds_min: 0.5 } } },
  ];
  assert.deepEqual(runSpeed(runs), { peak_gflops: 800, triad_gb_per_s: 40, gather_g_per_s: 1.5 });
  assert.equal(runSpeed([{}]), undefined);
  const f = new Map(collectFigures(runs).map((s) => [s.name, s]));
  assert.deepEqual([...f.keys()], [
    'rdm.seconds_min', 'rdm.seconds_min@peak', 'rdm.gflops', 'rdm.gflops@peak', 'compare.seconds_min', 'compare.seconds_min@triad',
  ]);
  assert.deepEqual(f.get('rdm.seconds_min')!.values, [1, 2]);
  assert.equal(f.get('rdm.seconds_min')!.min, 1);
  assert.equal(f.get('rdm.seconds_min')!.max, 2);
  assert.deepEqual(f.get('rdm.seconds_min@peak')!.values, [800, 1600]);
  assert.equal(f.get('rdm.seconds_min@peak')!.normalised_by, 'peak');
  assert.equal(f.get('rdm.seconds_min')!.normalised_by, null);
  assert.deepEqual(f.get('compare.seconds_min@triad')!.values, [8, 20]);
  // the normalised range is the measured one, scaled: the probe adds no noise of its own
  for (const name of ['rdm.seconds_min', 'rdm.gflops', 'compare.seconds_min']) {
    const raw = f.get(name)!;
    const norm = f.get(`${name}@${name.startsWith('compare') ? 'triad' : 'peak'}`)!;
    assert.ok(Math.abs(norm.max / norm.min - raw.max / raw.min) < 1e-12, name);
  }
  assert.equal(f.get('rdm.gflops')!.better, 'bigger');
  assert.equal(f.get('rdm.gflops@peak')!.better, 'bigger');
});

test('runners of different speed give the same normalised figures', () => {
  const fast = collectFigures([{ speed, results: { rdm: { seconds_min: 1.0 }, permtest: { seconds: 0.3 } } }]);
  const slow = collectFigures([{ speed: { peak_gflops: 400, triad_gb_per_s: 12.5, gather_g_per_s: 0.75 }, results: { rdm: { seconds_min: 2.0 }, permtest: { seconds: 0.6 } } }]);
  const norm = (fs: typeof fast): number[] => fs.filter((s) => s.normalised_by !== null).map((s) => s.min);
  assert.deepEqual(norm(fast), norm(slow));
  assert.notDeepEqual(fast.map((s) => s.min), slow.map((s) => s.min));
});

test("the run's phases are figures too, each normalised by what limits it; untracked and non-finite numbers are not", () => {
  const runs = [{
    speed,
    results: {
      run: { seconds: 45, n: 1000, phases_seconds: { extraction: 20, rdms: 8, mantel: 2, consistency: 4, some_new_phase: 1, broken: null } },
      extract: { extract_images_per_s: 2000, raw_session_run_images_per_s: 2200, overhead: 0.1 },
      permtest: { seconds: NaN, permutations_per_second: 5000 },
    },
  }];
  const f = new Map(collectFigures(runs).map((s) => [s.name, s]));
  assert.ok(f.has('run.phases_seconds.extraction@peak'));
  assert.ok(f.has('run.phases_seconds.rdms@peak'));
  assert.ok(f.has('run.phases_seconds.mantel@gather'));
  assert.ok(f.has('run.phases_seconds.consistency@triad'));
  assert.ok(f.has('run.phases_seconds.some_new_phase@triad'), 'phases not listed are normalised as streaming');
  assert.ok(!f.has('run.phases_seconds.broken'));
  assert.ok(!f.has('run.n'));
  assert.ok(!f.has('extract.overhead'));
  assert.ok(!f.has('permtest.seconds'), 'NaN is not a measurement');
  assert.ok(f.has('permtest.permutations_per_second@gather'));
  assert.deepEqual(f.get('extract.extract_images_per_s@peak')!.values, [2000 / 800]);
  // without a machine speed (an older document) only the figures as measured
  assert.ok(collectFigures([{ results: runs[0]!.results }]).every((s) => s.normalised_by === null));
});

test('every tracked figure names a direction, a unit and a bound', () => {
  for (const s of SUITE_FIGURES) {
    assert.ok(s.better === 'smaller' || s.better === 'bigger');
    assert.ok(s.unit.length > 0);
    assert.equal(s.better === 'smaller', s.unit === 's', `${s.op}.${s.key}: times are smaller-is-better, rates bigger`);
  }
  for (const b of Object.values(RUN_PHASE_BOUND)) assert.ok(['compute', 'stream', 'gather'].includes(b));
});
