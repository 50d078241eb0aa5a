/**
 * The native engines' freed buffers go back to the system when the run
 * releases a step's memory holding more than 1 GiB (trimHeap, called by
 * collectGarbage): glibc keeps them resident otherwise, beside the next
 * step's planned memory. Run in a child process, so that its resident size
 * is this test's alone.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { loadAddon, packageRoot } from '../../src/native/addon.js';

const script = `
import { readFileSync } from 'node:fs';
const { permtestFamily } = await import(${JSON.stringify(pathToFileURL(join(packageRoot, 'dist', 'src', 'stats', 'permtest.js')).href)});
const { trimNativeHeap } = await import(${JSON.stringify(pathToFileURL(join(packageRoot, 'dist', 'src', 'native', 'processControl.js')).href)});
const rss = () => Number(readFileSync('/proc/self/status', 'utf8').match(/VmRSS:\\s+(\\d+)/)[1]) / 1024;
const n = 700, k = 30, m = (n * (n - 1)) / 2;
let s = 1;
const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
const base = Float64Array.from({ length: m }, rnd);
const rdms = Array.from({ length: k }, () => base.map((v) => v + 0.5 * rnd()));
const before = rss();
await permtestFamily([{ name: 'l', n, rdms: () => rdms }], { permutations: 20, seed: 1 });
const after = rss();
const small = trimNativeHeap(1e15); // more than lies free: nothing returned
const kept = rss();
const trimmed = trimNativeHeap();
console.log(JSON.stringify({ before, after, small, kept, trimmed, released: rss(), glibc: !!process.report.getReport().header.glibcVersionRuntime }));
`;

test('after a Mantel family of 30 RDMs, a heap trim returns the engine\'s buffers: resident size back near where it was', { skip: process.platform !== 'linux' && 'reads /proc' }, (t) => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout.trim()) as { before: number; after: number; small: boolean; kept: number; trimmed: boolean; released: number; glibc: boolean };
  if (!m.glibc) return t.skip('not glibc: nothing to trim');
  assert.equal(m.small, false, 'below minFree nothing is trimmed');
  assert.ok(m.kept > m.after - 10, `resident ${m.after.toFixed(0)} → ${m.kept.toFixed(0)} MiB without a trim`);
  assert.equal(m.trimmed, true);
  // the engine's square float32 rows, residuals and byte screen (about 100 MiB here) stay resident until trimmed
  assert.ok(m.after - m.before > 40, `the engine left ${(m.after - m.before).toFixed(0)} MiB resident (the case would not test anything)`);
  assert.ok(m.released - m.before < 0.25 * (m.after - m.before), `resident ${m.before.toFixed(0)} → ${m.after.toFixed(0)} → ${m.released.toFixed(0)} MiB after release`);
});

test('trimHeap refuses a minFree that is not a number of bytes ≥ 0', () => {
  const addon = loadAddon();
  for (const bad of [-1, Number.NaN, '1', null]) assert.throws(() => addon.trimHeap(bad as unknown as number), /minFree must be a number of bytes ≥ 0/);
  const r = addon.trimHeap(1e15);
  assert.equal(r.trimmed, false);
  assert.ok(Number.isFinite(r.free) && r.free >= 0);
});
