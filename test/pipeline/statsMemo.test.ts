/**
 * Memoised statistics (src/store/resultMemo.ts): a rerun from a warm cache
 * reads each layer's bootstrap interval and the Mantel family instead of
 * computing them, with results identical to computing them (and to a run
 * without a cache); another seed or number of permutations computes again; a
 * damaged result file is named in one warning and recomputed; `cache du`
 * counts the results and `cache prune --all` removes them.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { withTempDir } from '../helpers/tmp.js';
import { resultKey } from '../../src/store/resultMemo.js';
import { science } from '../helpers/science.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FAST = ['--per-class', '6', '--bootstrap', '10', '--threads', '2', '--quiet'];

async function run(args: string[], out: string): Promise<Json> {
  const r = await runCli(['run', ...FAST, ...args, '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  return { ...(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Json), stderr: r.stderr };
}

function resultFiles(cache: string): string[] {
  const root = join(cache, 'results');
  return readdirSync(root).flatMap((shard) => readdirSync(join(root, shard)).map((f) => join(root, shard, f)));
}

test('resultKey: another input, seed or count gives another key', () => {
  const base = { kind: 'bootstrap', rdms: ['a'.repeat(64)], n: 60, method: 'r2', samples: 10, seed: 0 };
  const keys = new Set([base, { ...base, seed: 1 }, { ...base, samples: 11 }, { ...base, rdms: ['b'.repeat(64)] }, { ...base, kind: 'mantel' }].map(resultKey));
  assert.equal(keys.size, 5);
  assert.equal(resultKey({ ...base }), resultKey(base));
});

test('a warm rerun reads the statistics; results equal computing them and a run without a cache', () => withTempDir(async (dir) => {
  const cache = join(dir, 'cache');
  const cold = await run(['--permutations', '19', '--cache', cache], join(dir, 'cold'));
  const layers = cold.layers.length as number;
  assert.deepEqual(cold.statistics_cache, { computed: layers + 1, reused: 0 }); // a bootstrap per layer, one Mantel family
  const warm = await run(['--permutations', '19', '--cache', cache], join(dir, 'warm'));
  assert.deepEqual(warm.statistics_cache, { computed: 0, reused: layers + 1 });
  assert.deepEqual(science(warm), science(cold));
  const none = await run(['--permutations', '19', '--no-cache'], join(dir, 'none'));
  assert.equal(none.statistics_cache, null);
  assert.deepEqual(science(none), science(cold));

  // another seed: everything again; another permutation count: the Mantel family again
  const seeded = await run(['--permutations', '19', '--seed', '1', '--cache', cache], join(dir, 'seeded'));
  assert.deepEqual(seeded.statistics_cache, { computed: layers + 1, reused: 0 });
  const more = await run(['--permutations', '29', '--cache', cache], join(dir, 'more'));
  assert.deepEqual(more.statistics_cache, { computed: 1, reused: layers });

  // damaged files: one warning line for each the run reads, naming it; recomputed, the same results
  const files = resultFiles(cache);
  assert.equal(files.length, 2 * (layers + 1) + 1);
  for (const f of files) writeFileSync(f, '{"format": "seedscope-result/1", "key": "tr');
  const r = await runCli(['run', ...FAST, '--permutations', '19', '--cache', cache, '-o', join(dir, 'again')]);
  assert.equal(r.code, 0, r.stderr);
  const warnings = r.stderr.split('\n').filter((l) => l.includes('damaged cached result'));
  assert.equal(warnings.length, layers + 1, r.stderr);
  assert.ok(warnings.every((l) => l.startsWith('seedscope:') && files.some((f) => l.includes(f))), r.stderr);
  const again = JSON.parse(readFileSync(join(dir, 'again', 'results.json'), 'utf8')) as Json;
  assert.deepEqual(science(again), science(cold));

  // cache du counts them; prune --all removes them
  const du = await runCli(['cache', 'du', '--cache', cache, '--json']);
  assert.equal(JSON.parse(du.stdout).results.entries, files.length);
  const prune = await runCli(['cache', 'prune', '--all', '--cache', cache, '--json']);
  assert.equal(prune.code, 0, prune.stderr);
  assert.equal(JSON.parse(prune.stdout).results.removed.entries, files.length);
  assert.deepEqual(resultFiles(cache), []);
}));
