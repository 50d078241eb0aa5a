import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAddon } from '../../src/native/addon.js';

const addon = loadAddon();
const f64 = (n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
const method = { method: 'pearson' as const };

/** Calls the addon with arguments TypeScript would refuse. */
function raw(fn: 'compareRdms' | 'compareTwo' | 'linearCka', ...args: unknown[]): unknown {
  return (addon[fn] as unknown as (...a: unknown[]) => unknown)(...args);
}

test('compareRdms rejects bad buffers, lengths and options without crashing', () => {
  assert.throws(() => raw('compareRdms', 'x', 3, method), { name: 'TypeError', message: /for vectors but received string 'x'/ });
  assert.throws(() => raw('compareRdms', [f64(3), new Float32Array(3)], 3, method), { name: 'TypeError', message: /Float64Array for vectors\[1\] but received Float32Array/ });
  assert.throws(() => raw('compareRdms', [f64(3), f64(4)], 3, method), { name: 'RangeError', message: /vectors\[1\] but received 4/ });
  assert.throws(() => raw('compareRdms', [], 3, method), { name: 'RangeError', message: /vectors/ });
  assert.throws(() => raw('compareRdms', f64(7), 3, method), { name: 'RangeError', message: /packed Float64Array .* for vectors but received 7/ });
  assert.throws(() => raw('compareRdms', [f64(3)], 0, method), { name: 'RangeError', message: /for length/ });
  assert.throws(() => raw('compareRdms', [f64(3)], 2.5, method), { name: 'TypeError', message: /for length/ });
  assert.throws(() => raw('compareRdms', [f64(3)], 3, { method: 'kendall' }), { name: 'TypeError', message: /one of pearson\|r2\|spearman\|rho-a\|tau-a\|cosine for options.method but received string 'kendall'/ });
  assert.throws(() => raw('compareRdms', [f64(3)], 3), { name: 'TypeError', message: /options.method but received undefined/ });
  assert.throws(() => raw('compareRdms', [f64(3)], 3, { method: 'r2', threads: -1 }), { name: 'RangeError', message: /threads/ });
  assert.throws(() => raw('compareRdms', [f64(3)], 3, { method: 'r2', onProgress: 5 }), { name: 'TypeError', message: /onProgress/ });
});

test('compareTwo and linearCka reject bad buffers without crashing', () => {
  assert.throws(() => raw('compareTwo', f64(3), f64(4), method), { name: 'RangeError', message: /for b but received 4/ });
  assert.throws(() => raw('compareTwo', new Float64Array(0), new Float64Array(0), method), { name: 'RangeError', message: /for a/ });
  assert.throws(() => raw('compareTwo', f64(3), [1, 2, 3], method), { name: 'TypeError', message: /Float64Array for b but received Array/ });
  assert.throws(() => raw('linearCka', f64(6), 3, 2, f64(5), 2), { name: 'RangeError', message: /6 elements for y but received 5/ });
  assert.throws(() => raw('linearCka', new Int32Array(6), 3, 2, f64(6), 2), { name: 'TypeError', message: /for x but received Int32Array/ });
  assert.throws(() => raw('linearCka', f64(6), 0, 2, f64(6), 2), { name: 'RangeError', message: /for n/ });
  assert.throws(() => raw('linearCka', f64(6), 3, NaN, f64(6), 2), { name: 'TypeError', message: /for dx but received NaN/ });
  assert.throws(() => raw('linearCka', f64(6), 3, 2, f64(6), 2, { unbiased: 'yes' }), { name: 'TypeError', message: /boolean for options.unbiased/ });
  assert.throws(() => raw('linearCka', f64(6), 2 ** 40, 2, f64(6), 2), { name: 'RangeError', message: /for n/ });
});

test('the packed form and the array form agree, and the addon stays usable after rejections', async () => {
  const a = f64(10);
  const b = Float64Array.from(a, (x, i) => x + Math.cos(3 * i));
  const packed = new Float64Array(20);
  packed.set(a, 0);
  packed.set(b, 10);
  const m1 = await addon.compareRdms([a, b], 10, { method: 'spearman' });
  const m2 = await addon.compareRdms(packed, 10, { method: 'spearman' });
  assert.deepEqual(m1, m2);
  assert.equal(await addon.compareTwo(a, b, { method: 'spearman' }), m1[1]);
  assert.equal(m1.length, 4);
});

test('a timer fires while a large comparison runs on a worker thread', async () => {
  const n = 400_000;
  const vecs = [0, 1, 2].map((s) => Float64Array.from({ length: n }, (_, i) => Math.sin(i * (s + 1.3))));
  let ticks = 0;
  const timer = setInterval(() => { ticks++; }, 1);
  await addon.compareRdms(vecs, n, { method: 'tau-a', threads: 1 });
  clearInterval(timer);
  assert.ok(ticks > 0, 'the event loop ran during the comparison');
});
