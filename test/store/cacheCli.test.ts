import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { cacheKey } from '../../src/store/cacheKey.js';
import type { CacheEntryInfo, CacheUsage, PruneResult } from '../../src/store/cacheAdmin.js';
import type { RdmVariant } from '../../src/store/entryMeta.js';
import { RdmCache } from '../../src/store/rdmCache.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const DAY = 86400_000;

function populate(cacheDir: string): string[] {
  const cache = new RdmCache(cacheDir);
  const made: [string, RdmVariant, number][] = [['fc1', 'full', 40], ['fc2', 'full', 1], ['fc2', 'centroids', 2]];
  return made.map(([tensor, variant, daysAgo]) => {
    const key = cacheKey({ models: ['a'.repeat(64)], tensor, stimuli: 's', preprocessing: {}, metric: 'cosine', perFeature: false, variant });
    cache.put(key, 6, new Float64Array(15).fill(0.25), { metric: 'cosine', variant, describe: { model: 'net.onnx', tensor, instance: 'seed3', layer: tensor } });
    const t = new Date(Date.now() - daysAgo * DAY);
    utimesSync(join(cache.entryDir(key), 'meta.json'), t, t);
    return key;
  });
}

function oneLine(stderr: string): boolean {
  return stderr.split('\n').filter((l) => l.trim().length > 0).length === 1;
}

test('seedscope cache ls|du|prune, as a user runs them (--cache DIR and $XDG_CACHE_HOME)', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cacheDir = join(dir, 'seedscope');
    const keys = populate(cacheDir);

    const [du, ls, lsText, xdg] = await Promise.all([
      runCli(['cache', 'du', '--cache', cacheDir, '--json']),
      runCli(['cache', 'ls', '--cache', cacheDir, '--json']),
      runCli(['cache', 'ls', '--cache', cacheDir]),
      runCli(['cache', 'du', '--json'], { env: { XDG_CACHE_HOME: dir } }),
    ]);
    assert.equal(du.code, 0, du.stderr);
    const usage = JSON.parse(du.stdout) as CacheUsage;
    assert.equal(usage.dir, cacheDir);
    assert.equal(usage.entries, 3);
    assert.equal(usage.variants.full?.entries, 2);
    assert.equal(usage.variants.centroids?.entries, 1);
    assert.ok(usage.bytes > 3 * (128 + 15 * 4));

    assert.equal(ls.code, 0, ls.stderr);
    const listed = JSON.parse(ls.stdout) as { dir: string; entries: CacheEntryInfo[] };
    assert.deepEqual(listed.entries.map((e) => e.key), [keys[1], keys[2], keys[0]], 'most recently used first');
    assert.deepEqual(listed.entries[0]!.describe, { model: 'net.onnx', tensor: 'fc2', instance: 'seed3', layer: 'fc2' });
    assert.equal(listed.entries[0]!.n, 6);

    assert.equal(lsText.code, 0, lsText.stderr);
    assert.match(lsText.stdout, /KEY +N +METRIC +VARIANT +SIZE +LAST USED/);
    assert.ok(lsText.stdout.includes(keys[0]!.slice(0, 12)));
    assert.match(lsText.stdout, /cosine +centroids/);

    assert.equal(xdg.code, 0, xdg.stderr);
    assert.equal((JSON.parse(xdg.stdout) as CacheUsage).dir, cacheDir, 'the cache lives in $XDG_CACHE_HOME/seedscope');
    assert.equal((JSON.parse(xdg.stdout) as CacheUsage).entries, 3);

    const pruned = await runCli(['cache', 'prune', '--cache', cacheDir, '--older-than', '30d', '--json']);
    assert.equal(pruned.code, 0, pruned.stderr);
    const r = JSON.parse(pruned.stdout) as PruneResult;
    assert.equal(r.removed.entries, 1);
    assert.equal(r.kept.entries, 2);

    const all = await runCli(['cache', 'prune', '--cache', cacheDir, '--all']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^removed 2 entries \(.+\); kept 0 entries/);
    const empty = await runCli(['cache', 'ls', '--cache', cacheDir]);
    assert.match(empty.stdout, /^no cached RDMs in /);
  } finally {
    cleanup();
  }
});

test('cache prune usage errors are one line with exit code 2', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const [bad, neither, both] = await Promise.all([
      runCli(['cache', 'prune', '--cache', dir, '--older-than', '3x']),
      runCli(['cache', 'prune', '--cache', dir]),
      runCli(['cache', 'prune', '--cache', dir, '--all', '--older-than', '1d']),
    ]);
    for (const r of [bad, neither, both]) {
      assert.equal(r.code, 2, r.stderr);
      assert.ok(oneLine(r.stderr), r.stderr);
      assert.equal(r.stdout, '');
    }
    assert.match(bad.stderr, /Expected a duration such as 30d, 12h, 90m .* but received '3x'\./);
    assert.match(neither.stderr, /--older-than DURATION or --all/);
    assert.match(both.stderr, /cannot be used with/);
  } finally {
    cleanup();
  }
});
