/**
 * Runs through the RDM cache: hits, misses, only the missing instances and
 * layers computed, damaged entries recomputed, a run killed with SIGKILL
 * resumed with the same results, --no-cache leaving nothing behind.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { interruptCli, runCli } from '../helpers/cli.js';
import { withTempDir } from '../helpers/tmp.js';
import { packageRoot } from '../../src/native/addon.js';
import { science } from '../helpers/science.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SOURCE = join(packageRoot, 'models', 'fmnist-allcnnc', 'seed0.onnx');
const FAST = ['--permutations', '19', '--bootstrap', '10', '--threads', '2', '--quiet'];

async function synth(dir: string, instances: number): Promise<string> {
  const out = join(dir, `zoo${instances}`);
  const r = await runCli(['zoo', 'synth', '--from', SOURCE, '--instances', String(instances), '--noise', '0.05', '-o', out, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  return out;
}

/** A run of `perClass` stimuli per class (60 by default: quick). */
async function run(args: string[], out: string, perClass = 6): Promise<Json> {
  const r = await runCli(['run', ...args, '--per-class', String(perClass), ...FAST, '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  return { ...(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Json), stderr: r.stderr };
}

function entries(cache: string): string[] {
  const root = join(cache, 'rdms');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((shard) => readdirSync(join(root, shard)).filter((e) => !e.startsWith('.')).map((e) => join(root, shard, e)));
}

test('cold, warm, more layers, more instances: only what is missing is computed, and results do not change', () => withTempDir(async (dir) => {
  const cache = join(dir, 'cache');
  const zoo3 = await synth(dir, 3);
  const layers = ['--layers', 'conv1,conv8'];
  const cold = await run(['--zoo', zoo3, ...layers, '--cache', cache], join(dir, 'cold'));
  // 3 instances × 2 layers × (full, centroids, centroid-removed)
  assert.deepEqual({ computed: cold.rdm_cache.computed, reused: cold.rdm_cache.reused }, { computed: 18, reused: 0 });
  assert.equal(entries(cache).length, 18);
  const warm = await run(['--zoo', zoo3, ...layers, '--cache', cache], join(dir, 'warm'));
  assert.deepEqual({ computed: warm.rdm_cache.computed, reused: warm.rdm_cache.reused }, { computed: 0, reused: 18 });
  assert.deepEqual(science(warm), science(cold));
  assert.equal(warm.timing.phases.extraction, undefined, 'a warm run runs no model');

  const more = await run(['--zoo', zoo3, '--layers', 'conv1,conv5,conv8', '--cache', cache], join(dir, 'more-layers'));
  assert.deepEqual({ computed: more.rdm_cache.computed, reused: more.rdm_cache.reused }, { computed: 9, reused: 18 });

  // instance i of a synthetic zoo does not depend on --instances: 5 instances add 2
  const zoo5 = await synth(dir, 5);
  const five = await run(['--zoo', zoo5, ...layers, '--cache', cache], join(dir, 'five'));
  assert.deepEqual({ computed: five.rdm_cache.computed, reused: five.rdm_cache.reused }, { computed: 12, reused: 18 });
  const fresh = await run(['--zoo', zoo5, ...layers, '--no-cache'], join(dir, 'five-fresh'));
  assert.deepEqual(science(five), science(fresh));
  assert.equal(fresh.rdm_cache.dir, null);
}));

test('a damaged entry is named in one warning, recomputed, and the results are unchanged', () => withTempDir(async (dir) => {
  const cache = join(dir, 'cache');
  const zoo = await synth(dir, 3);
  const args = ['--zoo', zoo, '--layers', 'conv2', '--cache', cache];
  const first = await run(args, join(dir, 'a'));
  const victim = entries(cache).find((e) => JSON.parse(readFileSync(join(e, 'meta.json'), 'utf8')).variant === 'full')!;
  const file = join(victim, 'rdm.npy');
  const bytes = readFileSync(file);
  bytes[bytes.length - 7] = bytes[bytes.length - 7]! ^ 0xff;
  writeFileSync(file, bytes);
  const second = await run(args, join(dir, 'b'));
  const warnings = (second.stderr as string).split('\n').filter((l) => l.includes('damaged'));
  assert.equal(warnings.length, 1, second.stderr);
  assert.match(warnings[0]!, /^seedscope: warning: cached RDM of seed\d conv2 \(full\) is damaged/);
  assert.equal(second.rdm_cache.computed, 3, 'the instance whose entry was damaged is run again (its three variants)');
  assert.deepEqual(science(second), science(first));
}));

test('a run killed with SIGKILL during extraction resumes from the cache with identical results', () => withTempDir(async (dir) => {
  const cache = join(dir, 'cache');
  const zoo = await synth(dir, 6);
  const args = ['run', '--zoo', zoo, '--layers', 'conv1,conv4,conv8', '--per-class', '20', '--permutations', '19', '--bootstrap', '10', '--cache', cache, '-o', join(dir, 'killed')];
  // killed at a progress line once some instance's RDMs are in the cache, well before the last
  const killed = await interruptCli(args, (stderr) => /extract \+ RDMs \d+%/.test(stderr) && entries(cache).length >= 3, { signal: 'SIGKILL', timeoutMs: 120_000 });
  assert.ok(killed.interrupted, killed.stderr);
  assert.equal(killed.code, null);
  const done = entries(cache).length;
  assert.ok(done > 0 && done < 6 * 3 * 3, `${done} entries after the kill`);
  assert.ok(!existsSync(join(dir, 'killed')), 'no output appears for a killed run');
  const resumed = await run(['--zoo', zoo, '--layers', 'conv1,conv4,conv8', '--cache', cache], join(dir, 'resumed'), 20);
  assert.equal(resumed.rdm_cache.reused, done);
  assert.equal(resumed.rdm_cache.computed, 6 * 3 * 3 - done);
  const uninterrupted = await run(['--zoo', zoo, '--layers', 'conv1,conv4,conv8', '--no-cache'], join(dir, 'whole'), 20);
  assert.deepEqual(science(resumed), science(uninterrupted));
}));
