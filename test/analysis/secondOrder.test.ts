import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entriesPerBlock, secondOrder } from '../../src/analysis/secondOrder.js';
import { MemoryRdmSet } from '../../src/analysis/rdmSet.js';
import { nativeEngines } from '../../src/analysis/nativeEngines.js';
import type { AnalysisEngines } from '../../src/analysis/engines.js';
import { gramAccumulate } from '../../src/native/gram.js';
import { TestRng } from '../helpers/random.js';

/** A set of K instances × L layers of random condensed RDMs of n stimuli, made by `entry`. */
function randomSet(k: number, l: number, n: number, entry: (rng: TestRng, inst: number, layer: number) => number): MemoryRdmSet {
  const rng = new TestRng(7);
  const set = new MemoryRdmSet(n);
  const m = (n * (n - 1)) / 2;
  const layers = Array.from({ length: l }, (_, j) => ({ name: `l${j}`, n, d: 4 }));
  for (let i = 0; i < k; i++) {
    set.add(`i${i}`, layers, layers.map((_, j) => ({ full: Float64Array.from({ length: m }, () => entry(rng, i, j)) })));
  }
  return set;
}

/** The same engines without the streaming operation: the tiled path. */
function tiledOnly(e: AnalysisEngines): AnalysisEngines {
  return { ...e, compare: { compareAll: e.compare.compareAll.bind(e.compare) } };
}

const opts = (memory?: number) => ({ threads: 1, memory });

function maxDiff(a: number[][], b: number[][]): number {
  let d = 0;
  a.forEach((row, i) => row.forEach((v, j) => {
    const w = b[i]![j]!;
    assert.equal(Number.isNaN(v), Number.isNaN(w), `NaN at ${i},${j}`);
    if (!Number.isNaN(v)) d = Math.max(d, Math.abs(v - w));
  }));
  return d;
}

test('gramAccumulate adds the shifted Gram and row sums of a block to what is there', async () => {
  const rng = new TestRng(3);
  const rows = 3;
  const cols = 5;
  const data = rng.normals(rows * cols);
  const shift = Float64Array.from([0.5, -1, 2]);
  const gram = new Float64Array(rows * rows).fill(1);
  const sums = new Float64Array(rows).fill(2);
  await gramAccumulate(data, rows, cols, shift, gram, sums, { threads: 1 });
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let k = 0; k < cols; k++) s += data[i * cols + k]! - shift[i]!;
    assert.ok(Math.abs(sums[i]! - (2 + s)) < 1e-12);
    for (let j = 0; j < rows; j++) {
      let g = 0;
      for (let k = 0; k < cols; k++) g += (data[i * cols + k]! - shift[i]!) * (data[j * cols + k]! - shift[j]!);
      assert.ok(Math.abs(gram[i * rows + j]! - (1 + g)) < 1e-12, `gram ${i},${j}`);
    }
  }
  await assert.rejects(gramAccumulate(data, rows, cols + 1, shift, gram, sums), /Expected 18 elements|data/);
});

test('second order: streamed pearson equals the tiled comparison, in one block or many', async () => {
  const engines = nativeEngines();
  // ties (rounded values), a constant RDM (undefined: NaN row) and N = 3 and 40
  for (const n of [3, 40]) {
    const set = randomSet(3, 4, n, (rng, i, j) => (i === 1 && j === 2 ? 0.5 : Math.round(rng.normal() * 4) / 4 + j));
    const tiled = await secondOrder(set, 'pearson', opts(), tiledOnly(engines));
    const m = (n * (n - 1)) / 2;
    for (const blockEntries of [m, Math.min(7, m), 1]) {
      // a budget that gives blocks of `blockEntries` entries of the 12 RDMs
      const memory = blockEntries * 4 * 2 * 8 * 12;
      assert.equal(entriesPerBlock(12, m, memory), blockEntries);
      const streamed = await secondOrder(set, 'pearson', opts(memory), engines);
      assert.ok(maxDiff(streamed!.matrix, tiled!.matrix) < 1e-12, `n ${n}, blocks of ${blockEntries}`);
      assert.ok(Number.isNaN(streamed!.matrix[1 * 4 + 2]![0]!), 'the constant RDM is undefined');
      for (let i = 0; i < 12; i++) assert.ok(Math.abs(streamed!.mds[i]!.x - tiled!.mds[i]!.x) < 1e-9);
    }
  }
});

test('second order: RDMs with NaN entries and rank methods take the tiled path, with the same result', async () => {
  const engines = nativeEngines();
  const set = randomSet(2, 3, 12, (rng) => (rng.next() < 0.05 ? Number.NaN : rng.normal()));
  const a = await secondOrder(set, 'pearson', opts(2000), engines);
  const b = await secondOrder(set, 'pearson', opts(2000), tiledOnly(engines));
  assert.deepEqual(a!.matrix, b!.matrix);
  const s = await secondOrder(set, 'spearman', opts(2000), engines);
  const t = await secondOrder(set, 'spearman', opts(2000), tiledOnly(engines));
  assert.deepEqual(s!.matrix, t!.matrix);
});
