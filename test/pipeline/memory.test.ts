/**
 * A run's memory is bounded by --memory, not by K · L · N²: the plan refuses
 * in one line what cannot fit, and a run of 3,000 stimuli with --memory 1
 * stays under 1.5 GiB resident (the process's own high-water mark).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isOneLineError, runCli } from '../helpers/cli.js';
import { withTempDir } from '../helpers/tmp.js';
import { packageRoot } from '../../src/native/addon.js';

const FMNIST = '/usr/share/datasets/fashion-mnist';
const IDX = `idx:${FMNIST}/t10k-images-idx3-ubyte.gz,${FMNIST}/t10k-labels-idx1-ubyte.gz`;
const haveData = existsSync(join(FMNIST, 't10k-images-idx3-ubyte.gz'));
const skip = haveData ? false : `Fashion-MNIST not installed (${FMNIST}; Debian: dataset-fashion-mnist)`;

test('the plan refuses a budget that cannot be met, in one line naming what is needed', { skip }, async () => {
  const r = await runCli(['run', '--stimuli', IDX, '--per-class', '300', '--memory', '1', '-o', join(packageRoot, 'dist', 'never-written')]);
  assert.equal(r.code, 1, r.stderr);
  assert.ok(isOneLineError(r.stderr), r.stderr);
  assert.match(r.stderr, /--memory 1\.00 GiB: the run needs about \d+\.\d+ GiB \(largest step: .*\); give --memory \d/);
  assert.ok(!existsSync(join(packageRoot, 'dist', 'never-written')));
  const plan = await runCli(['run', '--stimuli', IDX, '--per-class', '300', '--memory', '1', '--plan', '--json']);
  assert.equal(plan.code, 0, plan.stderr);
  const p = JSON.parse(plan.stdout) as { peak_bytes: number; budget_bytes: number; steps: unknown[] };
  assert.ok(p.peak_bytes > p.budget_bytes && p.steps.length >= 4);
});

test('N = 3,000 with --memory 1: planned in passes and tiles, peak resident memory under 1.5 GiB', { skip }, () => withTempDir(async (dir) => {
  const zoo = join(dir, 'zoo');
  const s = await runCli(['zoo', 'synth', '--from', join(packageRoot, 'models', 'fmnist-allcnnc', 'seed0.onnx'), '--instances', '4', '-o', zoo, '--quiet']);
  assert.equal(s.code, 0, s.stderr);
  const args = ['run', '--zoo', zoo, '--stimuli', IDX, '--per-class', '300', '--memory', '1', '--permutations', '20', '--bootstrap', '20', '--cache', join(dir, 'cache')];
  const plan = await runCli([...args, '--plan', '--json']);
  assert.equal(plan.code, 0, plan.stderr);
  const p = JSON.parse(plan.stdout) as { extraction_passes: { passes: string[][] }[]; second_order_group: number; second_order_block_entries: number | null };
  assert.ok(p.extraction_passes[0]!.passes.length > 1, 'one pass would hold every layer of an instance');
  assert.ok(p.second_order_group < 36, 'the tiled second-order comparison holds fewer than all 36 RDMs');
  assert.ok(p.second_order_block_entries !== null && p.second_order_block_entries < (3000 * 2999) / 2, 'pearson is streamed in blocks of entries');
  const r = await runCli([...args, '-o', join(dir, 'out'), '--quiet'], { timeoutMs: 600_000 });
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(readFileSync(join(dir, 'out', 'results.json'), 'utf8')) as { stimuli: { n: number }; timing: { peak_rss_mib: number } };
  assert.equal(doc.stimuli.n, 3000);
  assert.ok(doc.timing.peak_rss_mib < 1536, `peak RSS ${doc.timing.peak_rss_mib} MiB`);
}));
