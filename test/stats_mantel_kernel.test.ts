import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ISA_ORDER, isaUnsupported, runHelperWithIsa } from './helpers/isa.js';

for (const isa of ISA_ORDER) {
  const name = `one-pair kernel: every null statistic matches the reference, N = 3 to 90, with and without early stops`;
  test(`${name} (${isa} kernels)`, async (t) => {
    const unsupported = isaUnsupported(isa);
    if (unsupported) return t.skip(unsupported);
    const r = await runHelperWithIsa('mantelKernelCheck', isa);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { kernel: string; mismatches: string[]; checked: number; bounded: number };
    assert.equal(out.kernel, isa);
    assert.deepEqual(out.mismatches, []);
    assert.ok(out.checked > 0);
    assert.ok(out.bounded > 0, 'no permutation was stopped early');
  });
}
