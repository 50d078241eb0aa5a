import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ISA_ORDER, isaHelperOutput } from '../helpers/isa.js';
import { loadAddon } from '../../src/native/addon.js';

for (const isa of ISA_ORDER) {
  const name = 'screen, one pair and all pairs: counts and bounds equal the full computation, N = 128 to 257, ties, unrelated data';
  test(`${name} (${isa} kernels)`, async (t) => {
    const out = await isaHelperOutput<{ kernel: string; screen: string; mismatches: string[]; checked: number; screened: number; screenedFamilies: number }>(t, 'mantelScreenCheck', isa);
    if (!out) return;
    assert.equal(out.kernel, isa);
    assert.deepEqual(out.mismatches, []);
    assert.ok(out.checked > 0);
    // The screen runs exactly where it has kernels (AVX2 and up), and then decides permutations.
    if (isa === 'portable') assert.equal(out.screen, 'none');
    if (isa === 'avx2') assert.equal(out.screen, 'avx2');
    if (out.screen !== 'none') {
      assert.ok(out.screened > out.screenedFamilies, 'the screen decided no permutation of a single pair');
      assert.ok(out.screenedFamilies > 0, 'the screen decided no permutation of a family');
    } else {
      assert.equal(out.screened, 0);
    }
  });
}

for (const isa of ISA_ORDER) {
  test(`the screen alone: its bound is never below the permuted sum, is within a few % of it, and stops early only below \`stop\` (${isa} kernels)`, async (t) => {
    const out = await isaHelperOutput<{ screen: string; ran: boolean; checked: number; failures: string[] }>(t, 'mantelScreenBoundCheck', isa);
    if (!out) return;
    assert.deepEqual(out.failures, []);
    if (out.screen === 'none') return t.skip('no screen kernels with the portable instruction set');
    assert.ok(out.ran && out.checked > 0);
  });
}

test('the screen alone: bad arguments are clear errors', async () => {
  const addon = loadAddon();
  const a = new Float32Array(3), b = new Float32Array(3);
  await assert.rejects(async () => addon.mantelScreenCheck(a, b, 3, Int32Array.from([0, 0, 1]), 0), /not a permutation/);
  await assert.rejects(async () => addon.mantelScreenCheck(a, b, 3, Int32Array.from([0, 1]), 0), /multiple of n/);
  await assert.rejects(async () => addon.mantelScreenCheck(a, new Float32Array(2), 3, Int32Array.from([0, 1, 2]), 0), /b/);
  await assert.rejects(async () => addon.mantelScreenCheck(a, b, 3, Int32Array.from([0, 1, 2]), Infinity), /stop/);
});
