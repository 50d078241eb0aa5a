/**
 * The plan's spilling decisions (src/pipeline/planRun.ts): a layer whose
 * activations exceed what a pass may hold, or --spill-above, is spilled and
 * takes no memory in its pass; its files are counted against the disk.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPlan, GIB, planRun, type PlanInput } from '../../src/pipeline/planRun.js';
import type { ResolvedLayer } from '../../src/zoo/resolveLayers.js';
import { tmpdir } from 'node:os';

const layer = (name: string, size: number): ResolvedLayer => ({ name, tensor: `${name}_out`, op: 'Relu', node: 0, shape: [size], size });

function input(budget: number, spillAbove?: number): PlanInput {
  return {
    n: 10_000, classes: 10, permutations: 0, bootstrap: 0, secondOrderStreamed: true, budget, cacheDir: tmpdir(), spillAbove,
    zoos: [{ name: 'z', instances: 2, inputSize: 784, cached: 0, entries: 18, layers: [layer('huge', 802_816), layer('mid', 20_000), layer('small', 10)] }],
  };
}

test('a layer larger than a pass may hold is spilled; the others share passes as before', () => {
  // 10,000 × 802,816 floats = 30 GiB: more than a 16 GiB budget allows a pass
  const plan = planRun(input(16 * GIB));
  const z = plan.extraction_passes[0]!;
  assert.deepEqual(z.spilled, ['huge']);
  assert.deepEqual(z.passes, [['huge', 'mid', 'small']], 'a spilled layer takes no memory in its pass');
  assert.ok(plan.spill_segment_bytes !== null && plan.spill_segment_bytes < 16 * GIB);
  assert.equal(plan.disk.spill_bytes, 10_000 * 802_816 * 4);
  assert.ok(plan.steps.some((s) => s.step.startsWith('RDMs of a spilled layer')));
  assert.ok(!plan.steps.some((s) => s.step.includes('802816 features')), 'the spilled layer is not planned in memory');
  assert.ok(plan.peak_bytes <= plan.budget_bytes, `${plan.peak_bytes} > ${plan.budget_bytes}`);
});

test('--spill-above spills smaller layers too and bounds their segments; nothing is spilled without a reason', () => {
  const plan = planRun(input(16 * GIB, 100 * 1024 ** 2));
  assert.deepEqual(plan.extraction_passes[0]!.spilled, ['huge', 'mid']);
  assert.equal(plan.spill_segment_bytes, 100 * 1024 ** 2);
  const none = planRun({ ...input(16 * GIB), zoos: [{ ...input(16 * GIB).zoos[0]!, layers: [layer('mid', 20_000)] }] });
  assert.deepEqual(none.extraction_passes[0]!.spilled, []);
  assert.equal(none.spill_segment_bytes, null);
  assert.equal(none.disk.spill_bytes, 0);
  // the output tensor (logits) stays in memory: the predictions are read from it
  const withOutput = planRun({ ...input(16 * GIB, 0), zoos: [{ ...input(16 * GIB).zoos[0]!, output: 'small_out' }] });
  assert.deepEqual(withOutput.extraction_passes[0]!.spilled, ['huge', 'mid']);
});

test('the disk check counts the spill files', () => {
  const plan = planRun(input(16 * GIB));
  const free = plan.disk.need_bytes + plan.disk.spill_bytes / 2;
  assert.throws(() => checkPlan({ ...plan, disk: { ...plan.disk, free_bytes: free } }), /spilled activations/);
  checkPlan({ ...plan, disk: { ...plan.disk, free_bytes: plan.disk.need_bytes + plan.disk.spill_bytes } });
});
