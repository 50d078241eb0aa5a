import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { readNpy } from '../../src/io/npy.js';
import { isOneLineError, runCli } from '../helpers/cli.js';
import { copyZoo, makeStimuli, tinyZoo } from '../helpers/runFixtures.js';
import { withTempDir } from '../helpers/tmp.js';

async function classFolders(dir: string, names: string[]): Promise<string> {
  const root = join(dir, 'images');
  for (const [k, name] of names.entries()) {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < 2; i++) {
      await sharp(Buffer.alloc(28 * 28, 20 + 40 * k + i), { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(root, name, `${i}.png`));
    }
  }
  return root;
}

test('dir: class folders named after the zoo\'s classes are labelled by name, not by sorted order, and the rule is said', () => withTempDir(async (dir) => {
  // sorted: Bag, Coat, T-shirt_top; the zoo's classes: T-shirt/top = 0, Coat = 4, Bag = 8
  const root = await classFolders(dir, ['Bag', 'Coat', 'T-shirt_top']);
  const out = join(dir, 'out');
  const r = await runCli(['extract', '--zoo', tinyZoo, '--stimuli', `dir:${root}`, '--layers', 'conv1', '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /labels: folder names matched to the zoo classes/);
  assert.deepEqual(Array.from(readNpy(join(out, 'labels.npy')).data as Int32Array), [8, 8, 4, 4, 0, 0]);
}));

test('dir: folders named after no class keep sorted order; a mix of both is refused', () => withTempDir(async (dir) => {
  const plain = await classFolders(join(dir, 'p'), ['zebra', 'apple']);
  const r = await runCli(['extract', '--zoo', tinyZoo, '--stimuli', `dir:${plain}`, '--layers', 'conv1', '-o', join(dir, 'out')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /labels: folder names in sorted order/);
  assert.deepEqual(Array.from(readNpy(join(dir, 'out', 'labels.npy')).data as Int32Array), [0, 0, 1, 1]);
  const mixed = await classFolders(join(dir, 'm'), ['Bag', 'zebra']);
  const m = await runCli(['extract', '--zoo', tinyZoo, '--stimuli', `dir:${mixed}`, '--layers', 'conv1', '-o', join(dir, 'out2')]);
  assert.equal(m.code, 1, m.stderr);
  assert.ok(isOneLineError(m.stderr), m.stderr);
  assert.match(m.stderr, /'zebra' is not/);
}));

test('--save-rdms: zoos whose names sanitise alike ("tiny/x", "tiny_x") get folders of their own', () => withTempDir(async (dir) => {
  const stimuli = makeStimuli(dir, 12, 3);
  const a = copyZoo(dir, 'za', 2);
  const b = copyZoo(dir, 'zb', 2);
  for (const [z, name] of [[a, 'tiny/x'], [b, 'tiny_x']] as const) {
    const file = join(z, 'zoo.json');
    const m = JSON.parse(readFileSync(file, 'utf8')) as { name: string };
    m.name = name;
    (await import('node:fs')).writeFileSync(file, JSON.stringify(m));
  }
  const out = join(dir, 'out');
  const r = await runCli(['run', '--zoo', a, '--zoo', b, '--stimuli', stimuli, '--permutations', '0', '--bootstrap', '0', '--layers', 'conv1', '--save-rdms', '-o', out, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(out, 'rdms', 'tiny_x', 'seed0', 'conv1.npy')));
  assert.ok(existsSync(join(out, 'rdms', 'tiny_x-2', 'seed0', 'conv1.npy')));
}));
