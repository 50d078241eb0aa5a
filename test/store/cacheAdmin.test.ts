import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDuration } from '../../src/cli/parsers.js';
import { cacheUsage, listEntries, pruneCache } from '../../src/store/cacheAdmin.js';
import { cacheKey, type CacheKeyInput } from '../../src/store/cacheKey.js';
import type { RdmVariant } from '../../src/store/entryMeta.js';
import { RdmCache } from '../../src/store/rdmCache.js';
import { tempDir } from '../helpers/tmp.js';

const DAY = 86400_000;

function keyFor(tensor: string, variant: RdmVariant = 'full'): string {
  const input: CacheKeyInput = {
    models: ['a'.repeat(64)], tensor, stimuli: 's', preprocessing: { scale: 255 }, metric: 'correlation', perFeature: false, variant,
  };
  return cacheKey(input);
}

/** Puts an entry whose last use was `daysAgo` days ago (meta.json's mtime). */
function putAged(cache: RdmCache, tensor: string, daysAgo: number, variant: RdmVariant = 'full', n = 10): string {
  const key = keyFor(tensor, variant);
  cache.put(key, n, new Float64Array((n * (n - 1)) / 2).fill(0.5), { metric: 'correlation', variant, describe: { tensor } });
  const t = new Date(Date.now() - daysAgo * DAY);
  utimesSync(join(cache.entryDir(key), 'meta.json'), t, t);
  return key;
}

test('durations: 30d, 12h, 90m, 45s, 2w, 1.5h; anything else is rejected', () => {
  assert.equal(parseDuration('30d'), 30 * DAY);
  assert.equal(parseDuration('12h'), 12 * 3600_000);
  assert.equal(parseDuration('90m'), 90 * 60_000);
  assert.equal(parseDuration('45s'), 45_000);
  assert.equal(parseDuration('2w'), 14 * DAY);
  assert.equal(parseDuration('1.5h'), 5400_000);
  assert.equal(parseDuration('0d'), 0);
  for (const bad of ['', '30', 'd', '30x', '-1d', '1e3d', '30 days', '30D', '.5h']) assert.equal(parseDuration(bad), undefined, bad);
});

test('ls and du report entries, sizes and variants; a damaged entry is listed as corrupt', () => {
  const { dir, cleanup } = tempDir();
  try {
    const cache = new RdmCache(dir);
    assert.deepEqual(listEntries(dir), []);
    assert.deepEqual(cacheUsage(join(dir, 'absent')).entries, 0);
    const recent = putAged(cache, 'fc1', 1);
    putAged(cache, 'fc2', 2, 'centroids', 5);
    const broken = putAged(cache, 'fc3', 3, 'centroid-removed');
    writeFileSync(join(cache.entryDir(broken), 'rdm.npy'), 'short');

    const ls = listEntries(dir);
    assert.deepEqual(ls.map((e) => e.describe.tensor ?? null), ['fc1', 'fc2', 'fc3'], 'most recently used first');
    const first = ls[0]!;
    assert.equal(first.key, recent);
    assert.equal(first.status, 'ok');
    assert.equal(first.n, 10);
    assert.equal(first.metric, 'correlation');
    assert.equal(first.variant, 'full');
    const dirOf = cache.entryDir(recent);
    assert.equal(first.bytes, statSync(join(dirOf, 'rdm.npy')).size + statSync(join(dirOf, 'meta.json')).size, 'rdm.npy + meta.json');
    assert.equal(statSync(join(dirOf, 'rdm.npy')).size, 128 + 45 * 4);
    assert.ok(Math.abs(Date.parse(first.last_used) - (Date.now() - DAY)) < 60_000);
    assert.match(first.created ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.equal(ls[2]!.status, 'corrupt');
    assert.match(ls[2]!.reason ?? '', /rdm\.npy holds 5 bytes/);

    const du = cacheUsage(dir);
    assert.equal(du.entries, 3);
    assert.equal(du.bytes, ls.reduce((s, e) => s + e.bytes, 0));
    assert.deepEqual(Object.keys(du.variants).sort(), ['centroids', 'corrupt', 'full']);
    assert.equal(du.variants.full!.entries, 1);
    assert.equal(du.variants.centroids!.bytes, ls[1]!.bytes);
    assert.deepEqual(du.staging, { dirs: 0, bytes: 0, stale: 0 });
  } finally {
    cleanup();
  }
});

test('prune --older-than removes entries by last use (faked mtimes); a cache hit renews an entry; --all empties the cache', () => {
  const { dir, cleanup } = tempDir();
  try {
    const cache = new RdmCache(dir);
    const ancient = putAged(cache, 'a', 40);
    const old = putAged(cache, 'b', 10);
    const renewed = putAged(cache, 'c', 50);
    const fresh = putAged(cache, 'd', 0);
    const hit = cache.get(renewed);
    assert.equal(hit.status, 'hit');
    if (hit.status === 'hit') hit.entry.close();

    const r30 = pruneCache(dir, { olderThanMs: 30 * DAY });
    assert.equal(r30.removed.entries, 1);
    assert.ok(r30.removed.bytes > 0);
    assert.equal(r30.kept.entries, 3);
    assert.equal(cache.has(ancient), false);
    assert.equal(cache.has(old), true);

    const r5 = pruneCache(dir, { olderThanMs: 5 * DAY });
    assert.equal(r5.removed.entries, 1);
    assert.equal(cache.has(old), false);
    assert.equal(cache.has(renewed), true);
    assert.equal(cache.has(fresh), true);

    // "now" can be moved for the same effect.
    assert.equal(pruneCache(dir, { olderThanMs: DAY, now: Date.now() + 2 * DAY }).removed.entries, 2);

    putAged(cache, 'e', 0);
    writeFileSync(join(dir, 'hashes.json'), '{}');
    const all = pruneCache(dir, { all: true });
    assert.equal(all.removed.entries, 1);
    assert.equal(all.kept.entries, 0);
    assert.equal(existsSync(join(dir, 'hashes.json')), false);
    assert.deepEqual(readdirSync(join(dir, 'rdms')), [], 'empty shard folders are removed');
    assert.equal(cacheUsage(dir).entries, 0);
  } finally {
    cleanup();
  }
});
