import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpy } from '../../src/io/npy.js';
import { isOneLineError, runCli } from '../helpers/cli.js';
import { makeStimuli, tinyZoo } from '../helpers/runFixtures.js';
import { withTempDir } from '../helpers/tmp.js';

function rdmFiles(dir: string, k: number, n = 6): string[] {
  return Array.from({ length: k }, (_, r) => {
    const m = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = i === j ? 0 : 1 + ((i + j + r) % 5) + r * 0.1 * Math.abs(i - j);
    const f = join(dir, `r${r}.npy`);
    writeNpy(f, m, [n, n]);
    return f;
  });
}

test('permtest --all-pairs --permutations 1e9 is refused at once with the memory it would need (it grew until killed)', () => withTempDir(async (dir) => {
  const files = rdmFiles(dir, 3, 14);
  const r = await runCli(['permtest', ...files, '--all-pairs', '--permutations', '1000000000'], { timeoutMs: 60_000 });
  assert.equal(r.code, 1, r.stderr);
  assert.ok(isOneLineError(r.stderr), r.stderr);
  assert.match(r.stderr, /1000000000 permutations .* would need \d+\.\d GiB of memory but this machine has \d+\.\d GiB/);
}));

test('an IDX header claiming 10^9 images of 0 × 0 pixels is refused before anything is allocated', () => withTempDir(async (dir) => {
  const head = Buffer.alloc(16);
  head[2] = 0x08;
  head[3] = 3;
  head.writeUInt32BE(1_000_000_000, 4);
  writeFileSync(join(dir, 'images'), head);
  const r = await runCli(['extract', '--zoo', tinyZoo, '--stimuli', `idx:${join(dir, 'images')}`, '-o', join(dir, 'out')], { timeoutMs: 60_000 });
  assert.equal(r.code, 1, r.stderr);
  assert.ok(isOneLineError(r.stderr), r.stderr);
  assert.match(r.stderr, /expected images of at least 1 × 1 pixels .* 1000000000 × 0 × 0/);
}));

test('a label outside the zoo\'s classes (255 of 10) is refused', () => withTempDir(async (dir) => {
  const spec = makeStimuli(dir, 6, 3);
  const labels = new Int32Array([0, 1, 2, 255, 1, 0]);
  writeNpy(join(dir, 'labels.npy'), labels, [6]);
  const r = await runCli(['extract', '--zoo', tinyZoo, '--stimuli', spec, '-o', join(dir, 'out'), '--quiet']);
  assert.equal(r.code, 1, r.stderr);
  assert.ok(isOneLineError(r.stderr), r.stderr);
  assert.match(r.stderr, /image 3 has label 255 but the zoo has 10 classes/);
}));
