/**
 * `seedscope bench` (the suite) as CI runs it, on its quickest operation:
 * the array for github-action-benchmark on stdout, the files of
 * --output-dir, and exit 1 naming the figures that regressed against an
 * older-format baseline. Nothing here depends on how fast the machine is:
 * the baseline claims a rate no machine reaches.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isOneLineError, runCli } from '../helpers/cli.js';
import { githubBenchmarkProblems } from '../helpers/githubBenchmarkFormat.js';
import { withTempDir } from '../helpers/tmp.js';

test('bench --format github-action-benchmark --repeat 2 --output-dir: valid arrays, the suite document, exit 1 naming the regressed figure', async () => {
  await withTempDir(async (dir) => {
    const baseline = join(dir, 'old.json');
    writeFileSync(baseline, JSON.stringify({ format: 'seedscope-bench/1', results: { permtest: { permutations_per_second: 1e15 }, rdm: { seconds_min: 1 } } }));
    const out = join(dir, 'out');
    const r = await runCli(['bench', '--only', 'permtest', '--repeat', '2', '--format', 'github-action-benchmark', '--output-dir', out, '--baseline', baseline]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(githubBenchmarkProblems(r.stdout), []);
    const smaller = JSON.parse(r.stdout) as { name: string; range?: string }[];
    assert.deepEqual(smaller.map((e) => e.name), ['permtest.seconds', 'permtest.seconds@gather']);
    assert.ok(smaller.every((e) => e.range !== undefined), 'two repeats give a range');
    assert.equal(readFileSync(join(out, 'smaller-is-better.json'), 'utf8'), r.stdout);
    const biggerText = readFileSync(join(out, 'bigger-is-better.json'), 'utf8');
    assert.deepEqual(githubBenchmarkProblems(biggerText), []);
    assert.deepEqual((JSON.parse(biggerText) as { name: string }[]).map((e) => e.name), ['permtest.permutations_per_second', 'permtest.permutations_per_second@gather']);
    const doc = JSON.parse(readFileSync(join(out, 'suite.json'), 'utf8'));
    assert.equal(doc.format, 'seedscope-bench/2');
    assert.equal(doc.repeat, 2);
    assert.equal(doc.runs.length, 2);
    for (const run of doc.runs) {
      for (const k of ['peak_gflops', 'triad_gb_per_s', 'gather_g_per_s']) assert.ok(run.speed[k] > 0, `${k} measured in every repeat`);
    }
    for (const k of ['peak_gflops', 'triad_gb_per_s', 'gather_g_per_s']) assert.equal(doc.speed[k], Math.max(doc.runs[0].speed[k], doc.runs[1].speed[k]), `${k}: the run's best reading`);
    assert.ok(doc.figures.every((f: { values: number[] }) => f.values.length === 2));
    assert.deepEqual(doc.baseline.regressions.map((x: { figure: string }) => x.figure), ['permtest.permutations_per_second']);
    assert.deepEqual(doc.baseline.missing, ['rdm.seconds_min']);
    assert.match(r.stderr, /seedscope: regression: permtest\.permutations_per_second: max of 2 .* vs the baseline's min of 1 /);
    assert.match(r.stderr, /seedscope: 1 figure\(s\) regressed: permtest\.permutations_per_second\n/);
  });
});

test('bench: the JSON document by default', async () => {
  const r = await runCli(['bench', '--only', 'compare']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.format, 'seedscope-bench/2');
  assert.deepEqual(Object.keys(doc.runs[0].results), ['compare']);
  assert.deepEqual(doc.figures.map((f: { name: string }) => f.name), ['compare.seconds_min', 'compare.seconds_min@triad']);
});

test('bench: a baseline that is not a suite document fails in one line before measuring', async () => {
  await withTempDir(async (dir) => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"figures": [{"name": "x", "unit": "s", "better": "smaller", "values": []}]}');
    const r = await runCli(['bench', '--baseline', bad]);
    assert.equal(r.code, 1);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    assert.match(r.stderr, /figures\[0\]\.values: expected a non-empty array of finite numbers/);
    const usage = await runCli(['bench', '--normalised']);
    assert.equal(usage.code, 2);
    assert.ok(isOneLineError(usage.stderr), usage.stderr);
  });
});

test('bench memory --json: both rates of the probe the suite normalises by', async () => {
  const r = await runCli(['bench', 'memory', '--seconds', '0.1', '--threads', '1', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.op, 'memory');
  assert.equal(doc.threads, 1);
  assert.ok(doc.triad_gb_per_s > 0 && doc.gather_g_per_s > 0);
  assert.equal(doc.gather_n, 1000);
});
