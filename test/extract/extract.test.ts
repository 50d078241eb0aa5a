import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError } from '../../src/errors.js';
import { CUDA_REINSTALL } from '../../src/extract/device.js';
import { FAST_BATCH_MB, batchFromMemory, extractActivations, planBatch, type ExtractedInstance } from '../../src/extract/extractActivations.js';
import { defaultZooDir } from '../../src/pipeline/loadZoos.js';
import { layerCatalog } from '../../src/zoo/layerCatalog.js';
import { loadStimuli } from '../../src/stimuli/loadStimuli.js';
import { loadZoo, zooFromModels } from '../../src/zoo/zoo.js';
import { maxAbsDiff, onnxFixture, readGolden, tinyZoo } from '../helpers/fixtures.js';

async function collect(gen: AsyncGenerator<ExtractedInstance>): Promise<ExtractedInstance[]> {
  const out: ExtractedInstance[] = [];
  for await (const r of gen) out.push(r);
  return out;
}

for (const [model, batch] of [['cnn', 4], ['nhwc', 2], ['batch1', 8]] as const) {
  test(`${model}.onnx: every layer equals PyTorch's own activations within 1e-5`, async () => {
    const golden = readGolden(model);
    const zoo = zooFromModels([onnxFixture(`${model}.onnx`)]);
    const stimuli = await loadStimuli(`npy:${golden.input}`, zoo.input);
    const [r] = await collect(extractActivations(zoo, stimuli, { layers: Object.keys(golden.tensors), batch, threads: 1 }));
    assert.ok(r);
    assert.equal(r.layers.length, Object.keys(golden.tensors).length);
    for (const l of r.layers) {
      const g = golden.tensors[l.tensor]!;
      assert.deepEqual(l.shape, g.shape, l.tensor);
      assert.equal(l.n, stimuli.n);
      assert.equal(l.d * l.n, l.data.length);
      assert.ok(maxAbsDiff(l.data, g.data) < 1e-5, `${l.tensor}: max difference ${maxAbsDiff(l.data, g.data)}`);
    }
    assert.ok(maxAbsDiff(r.logits!, golden.tensors.logits!.data) < 1e-5);
  });
}

test('a zoo over the built-in stimuli: one instance at a time, preprocessing as in PyTorch, labels and logits', async () => {
  const zoo = loadZoo(tinyZoo);
  const stimuli = await loadStimuli('builtin:fmnist-1000', zoo.input, { perClass: 2 });
  const golden = readGolden('zoo-tiny-seed1-fmnist');
  const progress: number[] = [];
  const results = await collect(extractActivations(zoo, stimuli, { batch: 3, onProgress: (p) => progress.push(p.index * 1000 + p.done) }));
  assert.deepEqual(results.map((r) => r.instance.name), ['seed0', 'seed1', 'seed2']);
  assert.deepEqual(results[1]!.layers.map((l) => l.name), ['conv1', 'relu1', 'pool1', 'relu2', 'bn2', 'relu3', 'logits']);
  for (const l of results[1]!.layers) {
    assert.ok(maxAbsDiff(l.data, golden.tensors[l.tensor]!.data) < 1e-5, l.name);
  }
  assert.notDeepEqual(Array.from(results[0]!.logits!), Array.from(results[1]!.logits!));
  assert.deepEqual(results[0]!.logitsShape, [20, 10]);
  assert.ok(progress.includes(20) && progress.includes(1020) && progress.includes(2020));
});

test('a fixed batch size of 1 is honoured whatever --batch says, and the last batch is handled', async () => {
  const zoo = zooFromModels([onnxFixture('batch1.onnx')]);
  assert.equal(await planBatch(zoo, 10, { batch: 16 }), 1);
  const stimuli = await loadStimuli('builtin:fmnist-1000', zoo.input, { perClass: 1 });
  const [r] = await collect(extractActivations(zoo, stimuli, { layers: ['logits'], batch: 16 }));
  assert.equal(r!.layers[0]!.data.length, 100);
});

test('batches from a memory budget', async () => {
  assert.equal(batchFromMemory(1024 * 1024, 64, 1000), 64);
  assert.equal(batchFromMemory(1024 * 1024, 64, 10), 10);
  assert.equal(batchFromMemory(1e12, 1, 1000), 1);
  const zoo = loadZoo(tinyZoo);
  const b = await planBatch(zoo, 1000, { memoryMB: 1 });
  assert.ok(b >= 1 && b < 100, String(b));
});

test('a large memory budget still gives batches whose tensors stay within FAST_BATCH_MB (onnxruntime slows down on larger ones)', async () => {
  const zoo = loadZoo(defaultZooDir());
  const catalog = await layerCatalog(zoo);
  const bytesPerImage = 4 * (zoo.input.shape.reduce((a, b) => a * b, 1) + catalog.reduce((a, l) => a + l.size, 0));
  const b = await planBatch(zoo, 1000, { memoryMB: 512 });
  assert.equal(b, Math.floor((FAST_BATCH_MB * 1024 * 1024) / bytesPerImage));
  assert.ok(b >= 16 && b < 1000, String(b));
  // a tight budget still wins
  assert.ok(await planBatch(zoo, 1000, { memoryMB: 4 }) < b);
  // an explicit --batch is honoured
  assert.equal(await planBatch(zoo, 1000, { batch: 500 }), 500);
});

test('cuda without its provider: an error with the reinstall command; auto: the CPU with one warning', async () => {
  const zoo = loadZoo(tinyZoo);
  const stimuli = await loadStimuli('builtin:fmnist-1000', zoo.input, { perClass: 1 });
  const saved = process.env.SEEDSCOPE_NO_CUDA;
  process.env.SEEDSCOPE_NO_CUDA = '1';
  try {
    await assert.rejects(collect(extractActivations(zoo, stimuli, { device: 'cuda' })), (e: Error) => e.message.includes(CUDA_REINSTALL));
    const warnings: string[] = [];
    const results = await collect(extractActivations(zoo, stimuli, { device: 'auto', layers: ['logits'], onWarning: (m) => warnings.push(m) }));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /running on the CPU/);
    assert.ok(results.every((r) => r.device === 'cpu'));
  } finally {
    if (saved === undefined) delete process.env.SEEDSCOPE_NO_CUDA;
    else process.env.SEEDSCOPE_NO_CUDA = saved;
  }
});

test('an aborted signal stops extraction with a cancellation', async () => {
  const zoo = loadZoo(tinyZoo);
  const stimuli = await loadStimuli('builtin:fmnist-1000', zoo.input);
  const controller = new AbortController();
  let seen = 0;
  await assert.rejects(collect(extractActivations(zoo, stimuli, {
    batch: 10,
    signal: controller.signal,
    onProgress: (p) => { if (p.done > 0 && ++seen === 2) controller.abort(); },
  })), (e: Error) => e instanceof CancelledError);
});

test('reuseBuffers: later instances write into the previous instance’s arrays and still match', async () => {
  const zoo = loadZoo(tinyZoo);
  const stimuli = await loadStimuli('builtin:fmnist-1000', zoo.input, { perClass: 2 });
  const golden = readGolden('zoo-tiny-seed1-fmnist');
  const fresh = (await collect(extractActivations(zoo, stimuli, { layers: ['relu2', 'logits'] }))).map((r) => Array.from(r.layers[0]!.data));
  let k = 0;
  for await (const r of extractActivations(zoo, stimuli, { layers: ['relu2', 'logits'], reuseBuffers: true })) {
    assert.deepEqual(Array.from(r.layers[0]!.data), fresh[k]);
    if (k === 1) assert.ok(maxAbsDiff(r.logits!, golden.tensors.logits!.data) < 1e-5);
    k++;
  }
  assert.equal(k, 3);
});

test('a symbolic image size needs --input-size; with it, shapes come from a dummy batch and activations match', async () => {
  const file = onnxFixture('symbolic_hw.onnx');
  assert.throws(() => zooFromModels([file]), /symbolic image size .* give it with --input-size H,W/);
  const zoo = zooFromModels([file], { input: { size: [28, 28] } });
  const golden = readGolden('cnn');
  const stimuli = await loadStimuli(`npy:${golden.input}`, zoo.input);
  const [r] = await collect(extractActivations(zoo, stimuli, { layers: ['op:Relu', 'logits'] }));
  assert.deepEqual(r!.layers.map((l) => l.shape), [[4, 28, 28], [8, 7, 7], [16], [10]]);
  for (const l of r!.layers) assert.ok(maxAbsDiff(l.data, golden.tensors[l.tensor]!.data) < 1e-5, l.tensor);
});
