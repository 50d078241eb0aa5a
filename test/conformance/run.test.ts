/**
 * Conformance, `seedscope run`: a zoo of the three seeds of every real
 * exporter's model (test/fixtures/make_exporters.py) runs the whole analysis,
 * and each layer's consistency (r² of every pair of instances' correlation
 * RDMs) equals the one computed from PyTorch's own activations. results.json
 * records what the models were fed (--input, --fill-inputs) and which layers
 * were cast from float16.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ResultsDocument } from '../../src/report/results.js';
import { runCliJson } from '../helpers/cli.js';
import { caseArgs, CONFORMANCE_CASES, conformanceCase, conformanceFixture, torchActivations, type ConformanceCase } from '../helpers/exporters.js';
import { pearson } from '../helpers/compareReference.js';
import { condensed, referenceRdm } from '../helpers/rdmReference.js';

const fx = conformanceFixture('seedscope-conformance-run-');

/** r² of every pair of instances' correlation RDMs of tensor k, from PyTorch's activations. */
function torchConsistency(c: ConformanceCase, k: number): number[][] {
  const n = c.stimuli.n;
  const rdms = c.instances.map((_, i) => {
    const a = torchActivations(fx.ex, c, i, k);
    return condensed(referenceRdm(a.data, n, a.shape[1]!, 'correlation'), n);
  });
  return rdms.map((a) => rdms.map((b) => pearson(a, b) ** 2));
}

for (const name of CONFORMANCE_CASES) {
  test(`run: ${name}, three seeds, consistency equals PyTorch's`, async (t) => {
    if (fx.ex.skip) return t.skip(fx.ex.skip);
    const c = conformanceCase(fx.ex, name);
    const out = join(fx.dir, name);
    const { json: doc } = await runCliJson<ResultsDocument>(['run', ...caseArgs(fx.ex, c), '--layers', c.tensors.map((x) => x.tensor).join(','),
      '--permutations', '9', '--bootstrap', '10', '--no-cache', '-o', out, '--json', '--quiet']);
    assert.equal(doc.instances.length, 3);
    assert.deepEqual(doc.layers.map((l) => l.name), c.tensors.map((x) => x.tensor));
    const zoo = doc.zoo!;
    assert.equal(zoo.feeds?.image, c.input.name);
    assert.equal(zoo.feeds?.dtype, c.input.dtype);
    for (const l of zoo.layers) assert.equal(l.cast_from, c.input.dtype === 'float32' ? undefined : c.input.dtype);
    const two = name === 'two_inputs';
    assert.equal(doc.options.input, two ? 'image' : null);
    assert.equal(doc.options.fill_inputs, two ? 'zeros' : null);
    assert.deepEqual(zoo.feeds?.filled.map((f) => f.name), two ? ['class_id'] : []);
    // float32: r² agrees to 1e-4 (measured: at most 2e-6); float16 activations differ from PyTorch's by up to the
    // case's tolerance (see its reason), which moves r² further (measured: at most 1.1e-3, at the logits)
    const tol = c.input.dtype === 'float32' ? 1e-4 : 1e-2;
    const report: string[] = [];
    doc.layers.forEach((l, k) => {
      const ref = torchConsistency(c, k);
      const ours = l.consistency.matrix_r2!;
      let worst = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) worst = Math.max(worst, Math.abs(ours[i]![j]! - ref[i]![j]!));
      report.push(`${c.tensors[k]!.module}: r² ${l.consistency.mean_r2.toFixed(3)}, |Δ| ${worst.toExponential(1)}`);
      assert.ok(worst <= tol, `${name} ${l.name}: consistency differs from PyTorch's by ${worst} (> ${tol})`);
    });
    t.diagnostic(report.join('; '));
  });
}
