/**
 * The memory-speed probe (native/core/memory_probe.h): finite positive rates
 * for any thread count, sizes echoed, and arguments checked again in C++.
 * No speed is asserted: only that something was measured.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadAddon } from '../../src/native/addon.js';
import { memoryProbe } from '../../src/native/memoryProbe.js';

const positive = (x: number): boolean => Number.isFinite(x) && x > 0;

test('the probe measures both rates on the threads asked for, and echoes its sizes', async () => {
  const r = await memoryProbe(0.1, { threads: 2, triadArrayBytes: 1 << 20, gatherN: 300 });
  assert.ok(positive(r.triadGbPerSecond), `triad ${r.triadGbPerSecond}`);
  assert.ok(positive(r.gatherGPerSecond), `gather ${r.gatherGPerSecond}`);
  assert.equal(r.threads, 2);
  assert.equal(r.triadArrayBytes, 1 << 20);
  assert.equal(r.gatherN, 300);
  const all = await memoryProbe(0.05, { triadArrayBytes: 1 << 16 });
  assert.equal(all.threads, loadAddon().buildInfo().threads, '0 = all cores');
  assert.equal(all.gatherN, 1000, 'the default: a Mantel test at N = 1,000');
});

test('more threads than gather rows or triad elements still measure', async () => {
  const r = await memoryProbe(0.05, { threads: 8, triadArrayBytes: 1024, gatherN: 2 });
  assert.ok(positive(r.triadGbPerSecond) && positive(r.gatherGPerSecond));
  assert.equal(r.threads, 8);
});

test('bad arguments are rejected with the argument named', async () => {
  await assert.rejects(memoryProbe(0), /Expected a number of seconds in \(0, 60\] for seconds/);
  await assert.rejects(memoryProbe(61), /for seconds/);
  await assert.rejects(memoryProbe(NaN), /seconds/);
  await assert.rejects(memoryProbe(0.05, { gatherN: 1 }), /Expected an integer in \[2, 46340\] for options\.gatherN/);
  await assert.rejects(memoryProbe(0.05, { triadArrayBytes: 100 }), /options\.triadArrayBytes/);
  await assert.rejects(memoryProbe(0.05, { threads: -1 }), /threads/);
  assert.throws(() => loadAddon().memoryProbe(0.05, 3 as never), /Expected an options object for options/);
});
