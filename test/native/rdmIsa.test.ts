import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ISA_ORDER, isaHelperOutput } from '../helpers/isa.js';

for (const isa of ISA_ORDER) {
  test(`RDMs on the ${isa} kernels match the float64 reference`, async (t) => {
    const out = await isaHelperOutput<{ kernel: string; results: { case: string; ratio: number }[] }>(t, 'rdmIsaCheck', isa);
    if (!out) return;
    assert.equal(out.kernel, isa);
    const failed = out.results.filter((c) => !(c.ratio <= 1));
    assert.deepEqual(failed, [], `cases beyond tolerance on ${isa}`);
  });
}
