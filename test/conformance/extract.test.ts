/**
 * Conformance, `seedscope extract`: for every real exporter's model
 * (test/fixtures/make_exporters.py) and each of its three seeds, the inner
 * tensors seedscope extracts equal PyTorch's own activations (forward hooks)
 * within the case's tolerance: 1e-4 of the tensor's largest magnitude for
 * float32 models, a stated looser bound for the float16 one (its manifest
 * says why). The extraction manifest records what the models were fed and
 * which activations were cast from float16.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../src/io/npy.js';
import type { ExtractManifest } from '../../src/extract/writeExtraction.js';
import { runCliJson } from '../helpers/cli.js';
import { caseArgs, CONFORMANCE_CASES, conformanceCase, conformanceFixture, relativeError, torchActivations } from '../helpers/exporters.js';

const fx = conformanceFixture('seedscope-conformance-extract-');

for (const name of CONFORMANCE_CASES) {
  test(`extract: ${name}, three seeds, inner tensors equal PyTorch's`, async (t) => {
    if (fx.ex.skip) return t.skip(fx.ex.skip);
    const c = conformanceCase(fx.ex, name);
    const out = join(fx.dir, name);
    const { json: m } = await runCliJson<ExtractManifest>(['extract', ...caseArgs(fx.ex, c), '--layers', c.tensors.map((x) => x.tensor).join(','), '-o', out, '--json']);
    assert.equal(m.instances.length, 3);
    assert.equal(m.stimuli.n, c.stimuli.n);
    assert.deepEqual(m.layers.map((l) => l.tensor), c.tensors.map((x) => x.tensor));
    assert.equal(m.feeds.image, c.input.name);
    assert.equal(m.feeds.dtype, c.input.dtype);
    if (c.input.batch !== 'dynamic') assert.equal(m.batch, c.input.batch, 'a static batch is looped');
    for (const l of m.layers) {
      assert.equal(l.dtype, c.input.dtype);
      assert.equal(l.cast_from, c.input.dtype === 'float32' ? undefined : c.input.dtype, `${l.tensor}: cast recorded`);
    }
    if (name === 'two_inputs') assert.deepEqual(m.feeds.filled, [{ name: 'class_id', dtype: 'int64', shape: ['batch'], value: 0 }]);
    if (name === 'resnet18') assert.ok(m.instances.every((i) => (i.external_data?.length ?? 0) === 1), 'external data recorded');
    const worst: string[] = [];
    m.instances.forEach((inst, i) => {
      assert.equal(inst.seed, null);
      m.layers.forEach((l, k) => {
        const ours = readNpy(join(out, inst.files[l.name]!));
        const theirs = torchActivations(fx.ex, c, i, k);
        assert.deepEqual(ours.shape, theirs.shape, `${inst.name} ${l.tensor}: shape`);
        const err = relativeError(ours.data as Float32Array, theirs.data);
        worst.push(`${inst.name} ${c.tensors[k]!.module}: ${err.toExponential(1)}`);
        assert.ok(err <= c.tolerance.relative, `${name} ${inst.name} ${l.tensor} (PyTorch's ${c.tensors[k]!.module}): relative error ${err} > ${c.tolerance.relative} (${c.tolerance.reason})`);
      });
    });
    t.diagnostic(worst.join('; '));
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).feeds, m.feeds);
  });
}
