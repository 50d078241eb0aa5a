import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAddon } from '../../src/native/addon.js';

const addon = loadAddon();
const triangle = (n: number) => (n * (n - 1)) / 2;

test('the pool runs many consecutive regions with every task done once', async () => {
  for (let call = 0; call < 300; call++) {
    const n = 1 + (call % 37);
    const r = await addon.threadPoolCheck(n, 2, 'sum');
    assert.equal(r.sum, triangle(n));
    assert.ok(r.workers >= 1 && r.workers <= 2);
  }
});

test('more threads than cores and more workers than before still cover every task', async () => {
  const r = await addon.threadPoolCheck(400, 6, 'sum');
  assert.equal(r.sum, triangle(400));
  assert.ok(r.workers >= 1 && r.workers <= 6);
  const again = await addon.threadPoolCheck(50, 3, 'sum');
  assert.equal(again.sum, triangle(50));
});

test('concurrent operations (two libuv threads) each get all their tasks', async () => {
  const runs = [];
  for (let k = 0; k < 8; k++) runs.push(addon.threadPoolCheck(200 + k, k % 2 ? 2 : 3, 'sum'));
  const results = await Promise.all(runs);
  results.forEach((r, k) => assert.equal(r.sum, triangle(200 + k)));
});

test('an exception in a task rejects the promise and leaves the pool usable', async () => {
  await assert.rejects(addon.threadPoolCheck(100, 2, 'throw'), /task 50 failed/);
  await assert.rejects(Promise.all([addon.threadPoolCheck(60, 2, 'throw'), addon.threadPoolCheck(60, 2, 'throw')]), /task 30 failed/);
  const r = await addon.threadPoolCheck(100, 2, 'sum');
  assert.equal(r.sum, triangle(100));
});

test('a parallel_for inside a task runs inline without deadlock', async () => {
  const n = 40;
  const want = triangle(n * 10);  // Σ over i, j of i·10 + j covers 0 .. 10n − 1 once each
  const [a, b] = await Promise.all([addon.threadPoolCheck(n, 2, 'nested'), addon.threadPoolCheck(n, 2, 'nested')]);
  assert.equal(a.sum, want);
  assert.equal(b.sum, want);
});
