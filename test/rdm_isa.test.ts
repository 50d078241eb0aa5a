import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ISA_ORDER, isaUnsupported, runHelperWithIsa } from './helpers/isa.js';

for (const isa of ISA_ORDER) {
  test(`RDMs on the ${isa} kernels match the float64 reference`, async (t) => {
    const unsupported = isaUnsupported(isa);
    if (unsupported) return t.skip(unsupported);
    const r = await runHelperWithIsa('rdmIsaCheck', isa);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { kernel: string; results: { case: string; ratio: number }[] };
    assert.equal(out.kernel, isa);
    const failed = out.results.filter((c) => !(c.ratio <= 1));
    assert.deepEqual(failed, [], `cases beyond tolerance on ${isa}`);
  });
}
