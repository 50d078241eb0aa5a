import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapPearson } from '../../src/native/bootstrapPearson.js';
import { bootstrapConsistency } from '../../src/stats/bootstrap.js';
import { TestRng } from '../helpers/random.js';

function rdms(k: number, n: number, seed: number): Float64Array[] {
  const rng = new TestRng(seed);
  const m = (n * (n - 1)) / 2;
  const shared = rng.normals(m);
  // a large common offset: the fast path must not lose precision to it
  return Array.from({ length: k }, () => shared.map((v) => 5 + 0.1 * (v + 0.8 * rng.normal())));
}

for (const [over, k] of [['both', 5], ['stimuli', 2]] as const) {
  for (const method of ['r2', 'pearson'] as const) {
    test(`bootstrapPearson gives stats' bootstrapConsistency replicates (${method}, over ${over}, K = ${k})`, async () => {
      const n = 57;
      const data = rdms(k, n, 3);
      const fast = await bootstrapPearson(data, n, { samples: 70, seed: 9, over, squared: method === 'r2', threads: 2 });
      const ref = await bootstrapConsistency(data, n, { over, method, samples: 70, seed: 9, threads: 1 });
      assert.equal(fast.length, 70);
      for (let s = 0; s < 70; s++) {
        const a = fast[s]!;
        const b = ref.replicates[s]!;
        if (Number.isNaN(b)) assert.ok(Number.isNaN(a), `sample ${s}`);
        else assert.ok(Math.abs(a - b) < 2e-5, `sample ${s}: ${a} vs ${b}`);
      }
    });
  }
}

test('bootstrapPearson: the same replicates for 1 and 2 threads; bad input rejected', async () => {
  const data = rdms(4, 40, 5);
  const one = await bootstrapPearson(data, 40, { samples: 65, seed: 1, over: 'both', threads: 1 });
  const two = await bootstrapPearson(data, 40, { samples: 65, seed: 1, over: 'both', threads: 2 });
  assert.deepEqual(Array.from(one), Array.from(two));
  await assert.rejects(bootstrapPearson(data.slice(0, 2), 40, { samples: 10, over: 'both' }), /at least 3 RDMs/);
  await assert.rejects(bootstrapPearson([data[0]!, data[1]!.subarray(1)], 40, { samples: 10, over: 'stimuli' }), RangeError);
});
