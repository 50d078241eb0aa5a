/**
 * Layers larger than the memory plan allows (or than --spill-above) are
 * spilled: extraction writes their rows to a file in a hidden temporary folder
 * of the cache and their RDMs are computed out of core. The results are those
 * of the in-memory run (exactly, where the in-memory run computes the same
 * RDMs: stimuli without labels); nothing is left behind; a run killed while
 * spilling leaves a marked folder that `cache prune` removes.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeNpy } from '../../src/io/npy.js';
import { packageRoot } from '../../src/native/addon.js';
import { interruptCli, runCli } from '../helpers/cli.js';
import { TestRng } from '../helpers/random.js';
import { withTempDir } from '../helpers/tmp.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ZOO = join(packageRoot, 'models', 'fmnist-allcnnc');
const FAST = ['--permutations', '0', '--bootstrap', '0', '--threads', '2', '--quiet'];

/** Hidden folders (temporary, trash) left in the cache's rdms/ folder or its shards. */
function leftovers(cache: string): string[] {
  const root = join(cache, 'rdms');
  if (!existsSync(root)) return [];
  const found = readdirSync(root).filter((n) => n.startsWith('.'));
  for (const shard of readdirSync(root).filter((n) => !n.startsWith('.'))) found.push(...readdirSync(join(root, shard)).filter((n) => n.startsWith('.')));
  return found;
}

/** Every saved RDM of a run's output (rdms/<zoo>/<instance>/<layer>.npy), by relative path. */
function savedRdms(out: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(out, 'rdms', rel), { withFileTypes: true })) {
      const r = join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else files.set(r, readFileSync(join(out, 'rdms', r)));
    }
  };
  walk('');
  return files;
}

function results(out: string): Json {
  return JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Json;
}

test('stimuli without labels: spilled layers give exactly the in-memory RDMs and results; nothing stays in the cache folder', () => withTempDir(async (dir) => {
  const rng = new TestRng(42);
  const images = join(dir, 'images.npy');
  writeNpy(images, Uint8Array.from({ length: 50 * 28 * 28 }, () => rng.int(256)), [50, 28, 28]);
  const base = ['run', '--zoo', ZOO, '--stimuli', `npy:${images}`, '--layers', 'conv1,conv4,conv8', '--save-rdms', ...FAST];
  const spill = [...base, '--spill-above', '0.5', '--cache', join(dir, 'cache-spill')];
  const plan = await runCli([...spill, '--plan', '--json']);
  assert.equal(plan.code, 0, plan.stderr);
  const p = JSON.parse(plan.stdout) as Json;
  // conv1 (50 × 18,816 floats, 3.6 MiB) and conv4 are spilled; conv8 (10 features) is not
  assert.deepEqual(p.extraction_passes[0].spilled, ['conv1', 'conv4']);
  assert.ok(p.disk.spill_bytes >= 50 * 18816 * 4, JSON.stringify(p.disk));
  const text = await runCli([...spill, '--plan']);
  assert.match(text.stdout, /spilled to disk, RDMs out of core .*: conv1, conv4\n/);

  const inMemory = await runCli([...base, '--cache', join(dir, 'cache-mem'), '-o', join(dir, 'mem')]);
  assert.equal(inMemory.code, 0, inMemory.stderr);
  const spilled = await runCli([...spill, '-o', join(dir, 'spill')]);
  assert.equal(spilled.code, 0, spilled.stderr);

  const a = savedRdms(join(dir, 'mem'));
  const b = savedRdms(join(dir, 'spill'));
  assert.equal(a.size, 30);
  assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
  for (const [k, v] of a) assert.ok(v.equals(b.get(k)!), `${k} differs between the in-memory and the spilled run`);
  const [ra, rb] = [results(join(dir, 'mem')), results(join(dir, 'spill'))];
  assert.deepEqual(rb.layers, ra.layers);
  assert.deepEqual(rb.second_order, ra.second_order);
  assert.deepEqual(leftovers(join(dir, 'cache-spill')), []);
}));

test('--memory low enough to spill the largest layer: labelled stimuli, centroid variants by the direct route within 1e-6 of the in-memory run', () => withTempDir(async (dir) => {
  const base = ['run', '--zoo', ZOO, '--per-class', '30', '--layers', 'conv1,conv2,conv8', ...FAST];
  const low = [...base, '--memory', '0.3', '--cache', join(dir, 'cache-low')];
  const plan = await runCli([...low, '--plan', '--json']);
  assert.equal(plan.code, 0, plan.stderr);
  const p = JSON.parse(plan.stdout) as Json;
  assert.ok(p.extraction_passes[0].spilled.includes('conv1'), JSON.stringify(p.extraction_passes));
  assert.ok(!p.extraction_passes[0].spilled.includes('conv8'));
  const spilled = await runCli([...low, '-o', join(dir, 'low')]);
  assert.equal(spilled.code, 0, spilled.stderr);
  const inMemory = await runCli([...base, '--cache', join(dir, 'cache-mem'), '-o', join(dir, 'mem')]);
  assert.equal(inMemory.code, 0, inMemory.stderr);
  const [ra, rb] = [results(join(dir, 'mem')), results(join(dir, 'low'))];
  assert.equal(rb.layers.length, 3);
  // the in-memory run takes the one-product split (rdm_split.h), the spilled one the direct route: float32-level differences
  for (const [li, la] of (ra.layers as Json[]).entries()) {
    const lb = (rb.layers as Json[])[li]!;
    for (const kind of ['consistency', 'centroid', 'within_category', 'between_category', 'centroid_removed']) {
      assert.ok(Math.abs(la[kind].mean_r2 - lb[kind].mean_r2) <= 1e-6, `${la.name} ${kind}: ${la[kind].mean_r2} vs ${lb[kind].mean_r2}`);
    }
  }
  assert.deepEqual(leftovers(join(dir, 'cache-low')), []);
}));

test('a run killed (SIGKILL) while spilling leaves a marked temporary folder that `cache prune` removes', () => withTempDir(async (dir) => {
  const cache = join(dir, 'cache');
  const spillDirs = (): string[] => (existsSync(join(cache, 'rdms')) ? readdirSync(join(cache, 'rdms')).filter((n) => n.startsWith('.tmp-spill-')) : []);
  const args = ['run', '--zoo', ZOO, '--per-class', '100', '--layers', 'conv1', '--spill-above', '1', '--permutations', '0', '--bootstrap', '0', '--threads', '2', '--cache', cache, '-o', join(dir, 'killed')];
  const killed = await interruptCli(args, () => spillDirs().some((d) => readdirSync(join(cache, 'rdms', d)).some((f) => f.endsWith('.f32'))), { signal: 'SIGKILL', timeoutMs: 300_000 });
  assert.ok(killed.interrupted, killed.stderr);
  assert.equal(killed.code, null);
  assert.equal(spillDirs().length, 1);
  const du = await runCli(['cache', 'du', '--cache', cache, '--json']);
  assert.equal(du.code, 0, du.stderr);
  assert.equal((JSON.parse(du.stdout) as Json).staging.stale, 1);
  const pruned = await runCli(['cache', 'prune', '--cache', cache, '--older-than', '30d', '--json']);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.equal((JSON.parse(pruned.stdout) as Json).stale_staging.dirs, 1);
  assert.deepEqual(spillDirs(), []);
  assert.ok(existsSync(join(cache, 'rdms')), 'the rdms folder itself stays');
}));
