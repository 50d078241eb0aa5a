/**
 * The native engines' freed buffers go back to the system when the run
 * releases a step's memory (trimHeap, called by collectGarbage): glibc keeps
 * them resident otherwise, beside the next step's planned memory. Run in a
 * child process, so that its resident size is this test's alone.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../src/native/addon.js';

const script = `
import { readFileSync } from 'node:fs';
const { permtestFamily } = await import(${JSON.stringify(pathToFileURL(join(packageRoot, 'dist', 'src', 'stats', 'permtest.js')).href)});
const { collectGarbage } = await import(${JSON.stringify(pathToFileURL(join(packageRoot, 'dist', 'src', 'pipeline', 'collectGarbage.js')).href)});
const rss = () => Number(readFileSync('/proc/self/status', 'utf8').match(/VmRSS:\\s+(\\d+)/)[1]) / 1024;
const n = 700, k = 30, m = (n * (n - 1)) / 2;
let s = 1;
const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
const base = Float64Array.from({ length: m }, rnd);
const rdms = Array.from({ length: k }, () => base.map((v) => v + 0.5 * rnd()));
const before = rss();
await permtestFamily([{ name: 'l', n, rdms: () => rdms }], { permutations: 20, seed: 1 });
const after = rss();
collectGarbage();
console.log(JSON.stringify({ before, after, released: rss(), glibc: !!process.report.getReport().header.glibcVersionRuntime }));
`;

test('after a Mantel family of 30 RDMs, releasing returns the engine\'s buffers: resident size back near where it was', { skip: process.platform !== 'linux' && 'reads /proc' }, (t) => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout.trim()) as { before: number; after: number; released: number; glibc: boolean };
  if (!m.glibc) return t.skip('not glibc: nothing to trim');
  // the engine's square float32 rows, residuals and byte screen (about 100 MiB here) stay resident until trimmed
  assert.ok(m.after - m.before > 40, `the engine left ${(m.after - m.before).toFixed(0)} MiB resident (the case would not test anything)`);
  assert.ok(m.released - m.before < 0.25 * (m.after - m.before), `resident ${m.before.toFixed(0)} → ${m.after.toFixed(0)} → ${m.released.toFixed(0)} MiB after release`);
});
