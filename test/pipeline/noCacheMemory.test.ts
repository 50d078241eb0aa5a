/**
 * --no-cache: the RDMs are held in memory (float32, as the cache stores them)
 * when they fit the budget beside the rest of the run, instead of being
 * written to a temporary folder and deleted; the results are those of a run
 * with a cache, and the plan counts them in memory and not on disk.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tmpdir } from 'node:os';
import { GIB, planRun, type PlanInput } from '../../src/pipeline/planRun.js';
import { MemoryRdmStore } from '../../src/store/memoryStore.js';
import type { ResolvedLayer } from '../../src/zoo/resolveLayers.js';
import { runCli } from '../helpers/cli.js';
import { science } from '../helpers/science.js';
import { withTempDir } from '../helpers/tmp.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const layer = (name: string, size: number): ResolvedLayer => ({ name, tensor: `${name}_out`, op: 'Relu', node: 0, shape: [size], size });

function input(budget: number, noCache: boolean): PlanInput {
  return {
    n: 2_000, classes: 10, permutations: 0, bootstrap: 0, secondOrderStreamed: true, budget, cacheDir: tmpdir(), noCache,
    zoos: [{ name: 'z', instances: 10, inputSize: 784, cached: 0, entries: 90, layers: [layer('a', 1000), layer('b', 100), layer('c', 10)] }],
  };
}

test('the plan holds --no-cache RDMs in memory only where they fit beside the peak', () => {
  const withCache = planRun(input(16 * GIB, false));
  assert.equal(withCache.rdms_in_memory_bytes, null);
  // 30 full and 30 centroid-removed RDMs of 2,000 stimuli (float32), 30 centroid RDMs of 10 classes
  const full = (2000 * 1999) / 2 * 4 + 256;
  const centroid = (10 * 9) / 2 * 4 + 256;
  const rdms = Math.round(30 * (2 * full + centroid));
  assert.equal(withCache.disk.need_bytes, rdms);
  const held = planRun(input(16 * GIB, true));
  assert.equal(held.rdms_in_memory_bytes, rdms);
  assert.equal(held.peak_bytes, withCache.peak_bytes + rdms);
  assert.equal(held.disk.need_bytes, 0);
  // budgets from 16 GiB down: the RDMs are held only where the peak with them fits; below that,
  // a budget that still holds the run sends them to files, as before
  let filesAndFits = 0;
  for (let b = 16 * GIB; b > 0.25 * GIB; b -= 0.05 * GIB) {
    const plan = planRun(input(b, true));
    if (plan.rdms_in_memory_bytes !== null) {
      assert.ok(plan.peak_bytes <= b, `${plan.peak_bytes} > ${b}`);
    } else if (plan.peak_bytes <= b) {
      filesAndFits++;
      assert.equal(plan.disk.need_bytes, rdms);
      assert.ok(plan.peak_bytes + rdms > b);
    }
  }
  assert.ok(filesAndFits > 0, 'some budget holds the run but not its RDMs');
});

test('the memory store keeps float32 values as the cache does and reads ranges of them', () => {
  const store = new MemoryRdmStore(tmpdir());
  const values = Float64Array.from({ length: 6 }, (_, i) => 0.1 * (i + 1));
  assert.equal(store.put('k', 4, values, { metric: 'correlation', variant: 'full' }).status, 'written');
  assert.equal(store.put('k', 4, values, { metric: 'correlation', variant: 'full' }).status, 'exists');
  assert.throws(() => store.put('x', 4, new Float64Array(5), { metric: 'correlation', variant: 'full' }), /has 6 values but received 5/);
  values.fill(9); // copied
  const got = store.get('k');
  assert.equal(got.status, 'hit');
  const out = new Float64Array(8);
  if (got.status === 'hit') {
    assert.equal(got.entry.readRange(1, 4, out, 2), 3);
    assert.throws(() => got.entry.readRange(2, 7, out), /expected 0 ≤ start ≤ end ≤ 6/);
  }
  assert.deepEqual([...out.subarray(2, 5)], [0.2, 0.3, 0.4].map(Math.fround));
  assert.equal(store.bytes, 24);
  assert.ok(store.remove('k') && !store.has('k'));
  assert.equal(store.bytes as number, 0);
  assert.equal(store.get('k').status, 'miss');
});

test('a --no-cache run holds its RDMs in memory; its results equal a run with a cache', () => withTempDir(async (dir) => {
  const args = ['run', '--per-class', '6', '--permutations', '19', '--bootstrap', '10', '--threads', '2', '--quiet', '--save-rdms'];
  const mem = await runCli([...args, '--no-cache', '-o', join(dir, 'mem')]);
  assert.equal(mem.code, 0, mem.stderr);
  const disk = await runCli([...args, '--cache', join(dir, 'cache'), '-o', join(dir, 'disk')]);
  assert.equal(disk.code, 0, disk.stderr);
  const [a, b] = ['mem', 'disk'].map((d) => JSON.parse(readFileSync(join(dir, d, 'results.json'), 'utf8')) as Json);
  assert.deepEqual(a!.rdm_cache, { dir: null, in_memory: true, computed: 270, reused: 0 });
  assert.equal(b!.rdm_cache.computed, 270);
  assert.deepEqual(science(a!), science(b!));
  // --save-rdms writes the same values from either store
  const file = join('rdms', 'fmnist-allcnnc', 'seed3', 'conv5.npy');
  assert.deepEqual(readFileSync(join(dir, 'mem', file)), readFileSync(join(dir, 'disk', file)));
}));
