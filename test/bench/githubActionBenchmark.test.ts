/**
 * `--format github-action-benchmark`: the arrays that the action's
 * customSmallerIsBetter / customBiggerIsBetter tools read, checked against
 * the fields it documents (test/helpers/githubBenchmarkFormat.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectFigures } from '../../bench/figures.js';
import { githubBenchmarkEntries } from '../../bench/githubActionBenchmark.js';
import type { MachineSpeed } from '../../bench/machineSpeed.js';
import { jsonText } from '../../src/io/json.js';
import { githubBenchmarkProblems } from '../helpers/githubBenchmarkFormat.js';

const speed: MachineSpeed = { peak_gflops: 800, triad_gb_per_s: 25, gather_g_per_s: 1.5 };
const results = (k: number): Record<string, unknown> => ({
  rdm: { seconds_min: 1 + k / 10, gflops: 98 / (1 + k / 10) },
  compare: { seconds_min: 0.3 },
  permtest: { seconds: 0.4, permutations_per_second: 25000 },
  extract: { extract_images_per_s: 2000 - k },
  run: { seconds: 45 + k, phases_seconds: { extraction: 20, rdms: 8 + k, load: 0.01 } },
});
const figures = collectFigures([0, 1, 2].map((k) => ({ speed: { ...speed, peak_gflops: 800 - k }, results: results(k) })));
const machine = { isa: 'avx512', threads: 2 };

test('each direction is a valid array for the action, as written to disk', () => {
  for (const better of ['smaller', 'bigger'] as const) {
    const text = jsonText(githubBenchmarkEntries(figures, better, machine));
    assert.deepEqual(githubBenchmarkProblems(text), [], better);
  }
});

test('the smaller array holds the times (measured and normalised) at their best repeat, the bigger one the rates at theirs', () => {
  const smaller = githubBenchmarkEntries(figures, 'smaller', machine);
  const bigger = githubBenchmarkEntries(figures, 'bigger', machine);
  const s = new Map(smaller.map((e) => [e.name, e]));
  const b = new Map(bigger.map((e) => [e.name, e]));
  assert.ok(s.has('rdm.seconds_min') && s.has('rdm.seconds_min@peak') && s.has('run.phases_seconds.rdms@peak'));
  assert.ok(!s.has('rdm.gflops') && b.has('rdm.gflops') && b.has('rdm.gflops@peak') && b.has('extract.extract_images_per_s'));
  assert.equal(smaller.length + bigger.length, figures.length);
  assert.equal(s.get('rdm.seconds_min')!.value, 1);
  assert.equal(s.get('rdm.seconds_min')!.unit, 's');
  assert.equal(s.get('rdm.seconds_min')!.range, '± 0.2');
  assert.equal(s.get('rdm.seconds_min@peak')!.unit, 'peak-GFLOP');
  assert.equal(b.get('extract.extract_images_per_s')!.value, 2000);
  assert.equal(b.get('extract.extract_images_per_s')!.range, '± 2');
  // repeats that agree have a zero range, still of the action's form
  assert.equal(s.get('compare.seconds_min')!.range, '± 0');
  assert.match(s.get('run.seconds')!.extra!, /^best of 3 repeats: 45, 46, 47\navx512, 2 threads$/);
  assert.match(s.get('run.seconds@peak')!.extra!, /normalised: seconds × the fp32 FMA peak/);
  assert.match(b.get('permtest.permutations_per_second@gather')!.extra!, /normalised: rate ÷ the permuted-gather rate/);
});

test('a single repeat has no range; no figure at all is an empty array (the action would refuse it)', () => {
  const one = githubBenchmarkEntries(collectFigures([{ speed, results: results(0) }]), 'smaller');
  assert.ok(one.length > 0 && one.every((e) => e.range === undefined));
  assert.deepEqual(githubBenchmarkProblems(jsonText(one)), []);
  assert.deepEqual(githubBenchmarkEntries([], 'smaller'), []);
});

test('the format check itself catches what the action would reject', () => {
  assert.deepEqual(githubBenchmarkProblems('[{"name":"a","unit":"s","value":1}]'), []);
  assert.equal(githubBenchmarkProblems('[{"name":"a","unit":"s","value":null}]').length, 1);
  assert.equal(githubBenchmarkProblems('[{"name":"a","value":1}]').length, 1);
  assert.equal(githubBenchmarkProblems('[{"name":"a","unit":"s","value":1,"range":"3 to 4"}]').length, 1);
  assert.equal(githubBenchmarkProblems('{"name":"a"}').length, 1);
  assert.equal(githubBenchmarkProblems('[]').length, 1);
});
