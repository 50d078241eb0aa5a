/**
 * Work that is merely long stays cancellable: `permtest --all-pairs` with
 * 50 million permutations (allowed: its null maxima fit in memory) gets one
 * SIGINT after two seconds and must end with exit code 130 within seconds,
 * its resident memory no larger then than when the signal was sent (before the
 * fix the process kept growing for 21 s after Ctrl-C), and stderr lines that
 * all start with "seedscope:".
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeNpy } from '../../src/io/npy.js';
import { cliPath } from '../helpers/cli.js';
import { TestRng } from '../helpers/random.js';
import { withTempDir } from '../helpers/tmp.js';

/** A square Euclidean RDM of n random points in 5 dimensions. */
function randomRdm(rng: TestRng, n: number): Float64Array {
  const x = Array.from({ length: n }, () => rng.normals(5));
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < 5; t++) s += (x[i]![t]! - x[j]![t]!) ** 2;
      d[i * n + j] = Math.sqrt(s);
    }
  }
  return d;
}

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

test('permtest --all-pairs with 50 million permutations stops at one Ctrl-C: exit 130 within seconds, memory not growing', () => withTempDir(async (dir) => {
  const rng = new TestRng(21);
  const files = Array.from({ length: 5 }, (_, i) => {
    const f = join(dir, `r${i}.npy`);
    writeNpy(f, randomRdm(rng, 150), [150, 150]);
    return f;
  });
  const child = spawn(process.execPath, [cliPath, 'permtest', ...files, '--all-pairs', '--permutations', '50000000', '--json'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal(child.exitCode, null, `permtest ended before the signal: ${stderr}`);
  const rssAtSignal = rssKiB(child.pid!);
  const sentAt = Date.now();
  child.kill('SIGINT');
  let rssAfter = 0;
  const sampler = setInterval(() => {
    // a zombie's status has no VmRSS (NaN): the process has already let its memory go
    try { rssAfter = Math.max(rssAfter, rssKiB(child.pid!) || 0); } catch { /* exited */ }
  }, 50);
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const { code, signal } = await closed;
  clearInterval(sampler);
  clearTimeout(killer);
  const seconds = (Date.now() - sentAt) / 1000;
  assert.equal(signal, null, `ended by ${signal}: ${stderr}`);
  assert.equal(code, 130, stderr);
  assert.ok(seconds < 10, `took ${seconds} s to stop after SIGINT`);
  // a little slack for the stack unwinding; the bug grew ~155 MB/s
  assert.ok(rssAfter <= rssAtSignal + 64 * 1024, `RSS grew from ${rssAtSignal} to ${rssAfter} KiB after SIGINT`);
  const lines = stderr.replace(/\r/g, '\n').split('\n').filter((l) => l.trim().length > 0);
  assert.ok(lines.every((l) => l.startsWith('seedscope:')), stderr);
}));
