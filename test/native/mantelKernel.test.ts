import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ISA_ORDER, isaHelperOutput } from '../helpers/isa.js';

for (const isa of ISA_ORDER) {
  const name = `one-pair kernel: every null statistic matches the reference, N = 3 to 90, with and without early stops`;
  test(`${name} (${isa} kernels)`, async (t) => {
    const out = await isaHelperOutput<{ kernel: string; mismatches: string[]; checked: number; bounded: number }>(t, 'mantelKernelCheck', isa);
    if (!out) return;
    assert.equal(out.kernel, isa);
    assert.deepEqual(out.mismatches, []);
    assert.ok(out.checked > 0);
    assert.ok(out.bounded > 0, 'no permutation was stopped early');
  });
}
