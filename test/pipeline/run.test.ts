import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { interruptCli, isOneLineError, runCli, runCliJson } from '../helpers/cli.js';
import { copyZoo, makeStimuli, tinyZoo } from '../helpers/runFixtures.js';
import { withTempDir } from '../helpers/tmp.js';
import { packageRoot } from '../../src/native/addon.js';

const FAST = ['--permutations', '19', '--bootstrap', '20', '--threads', '2'];

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function assertNumberOrNull(v: unknown, what: string): void {
  assert.ok(v === null || typeof v === 'number', `${what} should be a number or null, got ${JSON.stringify(v)}`);
}

test('seedscope run --json on a small zoo: results.json with every required key, CSVs, figures, report', () => withTempDir(async (dir) => {
  const stimuli = makeStimuli(dir);
  const out = join(dir, 'out');
  const { json: doc, stderr } = await runCliJson<Json>(['run', '--zoo', tinyZoo, '--stimuli', stimuli, ...FAST, '-o', out, '--json']);
  assert.equal(stderr.trim(), '', 'no progress or table with --json');
  const onDisk = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Json;
  assert.deepEqual(onDisk.layers, doc.layers);

  assert.equal(doc.seed, 0);
  assert.ok(doc.options && doc.versions && doc.inputs && doc.timing);
  assert.match(doc.inputs.stimuli.checksum, /^[0-9a-f]{64}$/);
  assert.equal(doc.zoo.stimuli_checksum, doc.inputs.stimuli.checksum, 'one zoo: its stimuli are the run\'s');
  assert.equal(doc.inputs.zoos[0].files.length, 3);
  assert.equal(typeof doc.timing.total_seconds, 'number');
  for (const phase of ['extraction', 'rdms', 'consistency', 'bootstrap', 'mantel', 'second_order', 'figures']) {
    assert.equal(typeof doc.timing.phases[phase], 'number', `timing.phases.${phase}`);
    // CPU seconds of the process per phase, beside the wall seconds
    assert.ok(typeof doc.timing.phases_cpu[phase] === 'number' && doc.timing.phases_cpu[phase] >= 0, `timing.phases_cpu.${phase}`);
  }
  assert.deepEqual(Object.keys(doc.timing.phases_cpu), Object.keys(doc.timing.phases));
  assert.ok(doc.layers.length >= 3);
  for (const l of doc.layers as Json[]) {
    assert.equal(typeof l.name, 'string');
    assertNumberOrNull(l.consistency.mean_r, 'mean_r');
    assertNumberOrNull(l.consistency.mean_r2, 'mean_r2');
    assert.equal(l.consistency.ci95.length, 2);
    assert.ok(l.consistency.ci95[0] <= l.consistency.ci95[1]);
    assert.equal(l.consistency.pairs.length, 3);
    for (const p of l.consistency.pairs as Json[]) {
      for (const k of ['a', 'b', 'r', 'r2', 'p', 'p_corrected']) assert.ok(k in p, `pair key ${k}`);
      assert.ok(p.p >= 1 / 20 && p.p <= 1 && p.p_corrected >= p.p);
    }
    for (const k of ['centroid', 'within_category', 'between_category', 'centroid_removed']) assertNumberOrNull(l[k].mean_r2, `${k}.mean_r2`);
  }
  assert.equal(doc.behaviour.accuracy.length, 3);
  assert.equal(doc.behaviour.error_consistency.length, 3);
  assert.equal(doc.behaviour.error_consistency[0].length, 3);
  assert.equal(doc.second_order.mds.length, 3 * doc.layers.length);
  for (const p of doc.second_order.mds as Json[]) assert.ok(typeof p.instance === 'string' && typeof p.layer === 'string' && Number.isFinite(p.x) && Number.isFinite(p.y));

  for (const csv of ['consistency_by_layer.csv', 'pairs.csv', 'centroid_exemplar.csv', 'behaviour.csv']) {
    const lines = readFileSync(join(out, csv), 'utf8').trim().split('\n');
    assert.ok(lines.length >= 2, csv);
  }
  const pairsCsv = readFileSync(join(out, 'pairs.csv'), 'utf8').trim().split('\n');
  assert.equal(pairsCsv.length, 1 + 3 * doc.layers.length);
  const figures = readdirSync(join(out, 'figures'));
  for (const id of ['consistency_by_layer', 'consistency_matrix', 'rdm_heatmaps', 'stimulus_mds', 'second_order_mds', 'centroid_exemplar', 'behaviour']) {
    for (const ext of ['svg', 'png']) {
      assert.ok(figures.includes(`${id}.${ext}`), `${id}.${ext}`);
      assert.ok(statSync(join(out, 'figures', `${id}.${ext}`)).size > 1000);
    }
  }
  assert.ok(readFileSync(join(out, 'report.html'), 'utf8').includes('<svg'));
  // nothing staged is left beside the output
  assert.deepEqual(readdirSync(dir).filter((e) => e.includes('partial')), []);
}));

test('two zoos: everything for each plus the per-layer difference test; --save-rdms writes N × N .npy', () => withTempDir(async (dir) => {
  const stimuli = makeStimuli(dir, 30, 3);
  const b = copyZoo(dir, 'tiny-b');
  const out = join(dir, 'out');
  const r = await runCli(['run', '--zoo', tinyZoo, '--zoo', b, '--stimuli', stimuli, ...FAST, '-o', out, '--save-rdms', '--layers', 'conv1,relu3,logits']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /mean r²/);
  const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Json;
  assert.equal(doc.zoos.length, 2);
  assert.deepEqual(doc.layers.map((l: Json) => l.name), ['conv1', 'relu3', 'logits']);
  assert.equal(doc.zoo_difference.layers.length, 3);
  for (const l of doc.zoo_difference.layers as Json[]) {
    // identical zoos: no difference at any layer
    assert.ok(Math.abs(l.difference) < 1e-9);
    assert.ok(l.p_corrected >= l.p);
  }
  const rdm = join(out, 'rdms', 'tiny-b', 'seed1', 'relu3.npy');
  assert.ok(existsSync(rdm));
  assert.match(readFileSync(rdm).subarray(0, 128).toString('latin1'), /'shape': \(30, 30\)/);
  assert.ok(existsSync(join(out, 'zoo_difference.csv')));
}));

test('one instance and unlabelled stimuli: the run does what makes sense and says what it skipped', () => withTempDir(async (dir) => {
  const stimuli = makeStimuli(dir, 24, 3, false);
  const solo = copyZoo(dir, 'solo', 1);
  const out = join(dir, 'out');
  const r = await runCli(['run', '--zoo', solo, '--stimuli', stimuli, ...FAST, '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /skipped: .*1 instance/);
  assert.match(r.stderr, /skipped: .*no labels/);
  const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Json;
  assert.equal(doc.behaviour, null);
  assert.equal(doc.layers[0].consistency.pairs.length, 0);
  assert.ok(doc.skipped.length >= 2);
  assert.ok(existsSync(join(out, 'report.html')));
}));

test('a failed run leaves an earlier output untouched and nothing half-written', () => withTempDir(async (dir) => {
  const out = join(dir, 'out');
  mkdirSync(out);
  writeFileSync(join(out, 'results.json'), '{"earlier": true}\n');
  const r = await runCli(['run', '--zoo', tinyZoo, '--stimuli', `npy:${join(dir, 'missing.npy')}`, '-o', out]);
  assert.equal(r.code, 1);
  assert.ok(isOneLineError(r.stderr), r.stderr);
  assert.equal(readFileSync(join(out, 'results.json'), 'utf8'), '{"earlier": true}\n');
  assert.deepEqual(readdirSync(dir).sort(), ['out']);
  // a folder of somebody else's files is never replaced
  const other = join(dir, 'other');
  mkdirSync(other);
  writeFileSync(join(other, 'thesis.tex'), 'x');
  const r2 = await runCli(['run', '--zoo', tinyZoo, '--stimuli', makeStimuli(dir), '-o', other]);
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /exists and is not a seedscope output \(it holds thesis\.tex and no \.seedscope-output marker\); choose a new folder or remove it/);
  assert.deepEqual(readdirSync(other), ['thesis.tex']);
}));

for (const phase of ['extract', 'Mantel']) test(`Ctrl-C during a run (${phase}) exits 130 and leaves no output`, () => withTempDir(async (dir) => {
  const stimuli = makeStimuli(dir, 40);
  const out = join(dir, 'out');
  const r = await interruptCli(['run', '--zoo', tinyZoo, '--stimuli', stimuli, '--permutations', '2000000', '--bootstrap', '0', '-o', out],
    (stderr) => stderr.includes(phase), { timeoutMs: 60_000 });
  assert.ok(r.interrupted, `never reached ${phase}: ${r.stderr}`);
  assert.equal(r.code, 130, r.stderr);
  assert.deepEqual(readdirSync(dir).filter((e) => e !== 'stimuli.npy' && e !== 'labels.npy'), []);
}));

test('bad options are one-line errors', async () => {
  const r = await runCli(['run', '--metric', 'manhattan']);
  assert.equal(r.code, 2);
  const z = await runCli(['run', '--zoo', join(packageRoot, 'no-such-zoo'), '-o', join(packageRoot, 'dist', 'never')]);
  assert.equal(z.code, 1);
  assert.ok(isOneLineError(z.stderr), z.stderr);
  assert.ok(!existsSync(join(packageRoot, 'dist', 'never')));
});
