import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../src/native/addon.js';
import { pruneCache } from '../../src/store/cacheAdmin.js';
import { cacheKey, cacheKeyDocument, canonicalJson, type CacheKeyInput } from '../../src/store/cacheKey.js';
import { hashFilesCached, sha256File } from '../../src/store/fileHash.js';
import { RdmCache, resolveCacheDir } from '../../src/store/rdmCache.js';
import { createTempDir } from '../../src/store/stagingDirs.js';
import { tempDir } from '../helpers/tmp.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const INPUT: CacheKeyInput = {
  models: [A, B],
  tensor: '/layer3/Relu_output_0',
  stimuli: 'c'.repeat(64),
  preprocessing: { layout: 'NCHW', size: [32, 32], scale: 255, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], resize: 'bilinear', per_class: null },
  metric: 'correlation',
  perFeature: false,
  variant: 'full',
};
const INFO = { metric: 'correlation', variant: 'full' as const, describe: { model: 'm.onnx', layer: 'fc1' } };

/** Runs an ES module snippet in a child node that can import the built store as `store`. */
function storeScript(body: string): string {
  const url = (f: string): string => pathToFileURL(join(packageRoot, 'dist', 'src', 'store', f)).href;
  return `import * as store from '${url('rdmCache.js')}'; import * as staging from '${url('stagingDirs.js')}'; import * as fs from 'node:fs';\n${body}`;
}

test('cache keys: key order does not matter, every field does', () => {
  const shuffled = {
    variant: 'full', perFeature: false, metric: 'correlation',
    preprocessing: { std: [0.25, 0.25, 0.25], per_class: null, mean: [0.5, 0.5, 0.5], scale: 255, size: [32, 32], resize: 'bilinear', layout: 'NCHW' },
    stimuli: 'c'.repeat(64), tensor: '/layer3/Relu_output_0', models: [A.toUpperCase(), B],
  } as CacheKeyInput;
  const key = cacheKey(INPUT);
  assert.match(key, /^[0-9a-f]{64}$/);
  assert.equal(cacheKey(shuffled), key);
  assert.equal(cacheKey({ ...INPUT, preprocessing: { ...INPUT.preprocessing, unused: undefined } }), key, 'undefined fields are left out');
  const changed: CacheKeyInput[] = [
    { ...INPUT, models: [A] },
    { ...INPUT, models: [B, A] },
    { ...INPUT, models: [A, B, 'd'.repeat(64)] },
    { ...INPUT, tensor: '/layer4/Relu_output_0' },
    { ...INPUT, stimuli: 'e'.repeat(64) },
    { ...INPUT, preprocessing: { ...INPUT.preprocessing, scale: 1 } },
    { ...INPUT, preprocessing: { ...INPUT.preprocessing, mean: [0.5, 0.5, 0.4] } },
    { ...INPUT, preprocessing: { ...INPUT.preprocessing, per_class: 10 } },
    { ...INPUT, metric: 'cosine' },
    { ...INPUT, perFeature: true },
    { ...INPUT, variant: 'centroids' },
    { ...INPUT, variant: 'centroid-removed' },
  ];
  const keys = new Set([key, ...changed.map(cacheKey)]);
  assert.equal(keys.size, changed.length + 1, 'each change gives a new key');
  // The hashed document is part of the on-disk contract: changing it orphans every cached RDM.
  assert.equal(cacheKeyDocument(INPUT),
    `{"format":"seedscope-rdm/1","metric":"correlation","models":["${A}","${B}"],"per_feature":false,` +
    '"preprocessing":{"layout":"NCHW","mean":[0.5,0.5,0.5],"per_class":null,"resize":"bilinear","scale":255,"size":[32,32],"std":[0.25,0.25,0.25]},' +
    `"stimuli":"${'c'.repeat(64)}","tensor":"/layer3/Relu_output_0","variant":"full"}`);
  assert.throws(() => cacheKey({ ...INPUT, preprocessing: { scale: Number.NaN } }), /preprocessing\.scale is NaN/);
  assert.throws(() => cacheKey({ ...INPUT, preprocessing: { mean: new Float32Array(3) } }), /Float32Array/);
  assert.throws(() => cacheKey({ ...INPUT, models: ['abc'] }), /64 hex/);
  assert.throws(() => cacheKey({ ...INPUT, models: [] }), /at least/);
  assert.throws(() => cacheKey({ ...INPUT, variant: 'half' as 'full' }), /variant/);
  assert.equal(canonicalJson({ b: [1, { d: 2, c: 'x' }], a: true }), '{"a":true,"b":[1,{"c":"x","d":2}]}');
});

test('cache folder: --cache, else an absolute $XDG_CACHE_HOME/seedscope, else ~/.cache/seedscope', () => {
  assert.equal(resolveCacheDir('/x/y', { XDG_CACHE_HOME: '/xdg', HOME: '/home/u' }), '/x/y');
  assert.equal(resolveCacheDir(undefined, { XDG_CACHE_HOME: '/xdg', HOME: '/home/u' }), '/xdg/seedscope');
  assert.equal(resolveCacheDir(undefined, { XDG_CACHE_HOME: 'relative', HOME: '/home/u' }), '/home/u/.cache/seedscope');
  assert.equal(resolveCacheDir(undefined, { XDG_CACHE_HOME: '', HOME: '/home/u' }), '/home/u/.cache/seedscope');
  assert.equal(resolveCacheDir(undefined, { HOME: '/home/u' }), '/home/u/.cache/seedscope');
});

test('put, has and get: sharded by the first two hex digits; a hit stamps the last use; corrupt → remove → put', () => {
  const { dir, cleanup } = tempDir();
  try {
    const cache = new RdmCache(dir);
    const key = cacheKey(INPUT);
    const values = Float64Array.from({ length: 45 }, (_, k) => k / 7);
    assert.equal(cache.has(key), false);
    assert.equal(cache.get(key).status, 'miss');
    const w = cache.put(key, 10, values, INFO);
    assert.equal(w.status, 'written');
    assert.equal(w.dir, join(dir, 'rdms', key.slice(0, 2), key));
    assert.equal(cache.has(key), true);

    const meta = join(w.dir, 'meta.json');
    const old = new Date(Date.now() - 5 * 86400_000);
    utimesSync(meta, old, old);
    const hit = cache.get(key);
    assert.equal(hit.status, 'hit');
    if (hit.status !== 'hit') return;
    assert.equal(hit.entry.meta.key, key);
    assert.deepEqual(Array.from(hit.entry.readAll()), Array.from(values, Math.fround));
    hit.entry.close();
    assert.ok(Date.now() - statSync(meta).mtimeMs < 60_000, 'get() stamped meta.json');
    assert.equal(cache.put(key, 10, values, INFO).status, 'exists');

    appendFileSync(join(w.dir, 'rdm.npy'), 'x');
    const bad = cache.get(key);
    assert.equal(bad.status, 'corrupt');
    assert.equal(cache.remove(key), true);
    assert.equal(cache.put(key, 10, values, INFO).status, 'written');
    assert.equal(cache.get(key, { verify: true }).status, 'hit');
    assert.throws(() => cache.get('../../etc'), /64 lowercase hex/);
  } finally {
    cleanup();
  }
});

test("a killed writer's temporary folder is ignored by get and removed by prune; a live writer's is kept", () => {
  const { dir, cleanup } = tempDir();
  try {
    const cache = new RdmCache(dir);
    const key = cacheKey(INPUT);
    const shard = join(dir, 'rdms', key.slice(0, 2));
    const killed = spawnSync(process.execPath, ['--input-type=module', '-e', storeScript(`
      const t = staging.createTempDir(${JSON.stringify(shard)}, ${JSON.stringify(key)});
      fs.writeFileSync(t + '/rdm.npy', 'half a payload');
      process.kill(process.pid, 'SIGKILL');`)], { encoding: 'utf8' });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    const left = readdirSync(shard);
    assert.equal(left.length, 1);
    assert.match(left[0]!, new RegExp(`^\\.tmp-${key}-\\d+-[0-9a-f]+$`));
    assert.ok(existsSync(join(shard, left[0]!, '.seedscope-partial')));

    assert.equal(cache.has(key), false);
    assert.equal(cache.get(key).status, 'miss');
    assert.equal(cache.put(key, 3, new Float64Array([1, 2, 3]), INFO).status, 'written');

    // A folder of a writer that is alive (this process), and one without a marker, stay.
    const live = createTempDir(shard, 'live');
    mkdirSync(join(shard, '.tmp-not-ours'));
    const r = pruneCache(dir, { olderThanMs: 365 * 86400_000 });
    assert.equal(r.stale_staging.dirs, 1);
    assert.equal(r.kept.entries, 1);
    assert.deepEqual(readdirSync(shard).sort(), ['.tmp-not-ours', live.slice(shard.length + 1), key].sort());
  } finally {
    cleanup();
  }
});

test('concurrent writers of one key: one writes, the others find it in place, no temporary folder is left', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const key = cacheKey(INPUT);
    const n = 300;
    const script = storeScript(`
      const values = Float64Array.from({ length: ${(n * (n - 1)) / 2} }, (_, k) => Math.sin(k));
      const r = new store.RdmCache(${JSON.stringify(dir)}).put(${JSON.stringify(key)}, ${n}, values, { metric: 'correlation', variant: 'full' });
      process.stdout.write(r.status);`);
    const run = (): Promise<string> => new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`writer exited with ${code}`))));
    });
    const statuses = await Promise.all([run(), run(), run(), run()]);
    assert.equal(statuses.filter((s) => s === 'written').length, 1, statuses.join(' '));
    assert.equal(statuses.filter((s) => s === 'exists').length, 3, statuses.join(' '));
    const hit = new RdmCache(dir).get(key);
    assert.equal(hit.status, 'hit');
    if (hit.status === 'hit') {
      assert.equal(hit.entry.readAll()[5], Math.fround(Math.sin(5)));
      hit.entry.close();
    }
    assert.deepEqual(readdirSync(join(dir, 'rdms', key.slice(0, 2))), [key]);
  } finally {
    cleanup();
  }
});

test('file hashes are memoised in hashes.json by size and mtime, and recomputed when either changes', () => {
  const { dir, cleanup } = tempDir();
  try {
    const cacheDir = join(dir, 'cache');
    const model = join(dir, 'model.onnx');
    const data = join(dir, 'model.onnx.data');
    writeFileSync(model, 'model bytes');
    writeFileSync(data, 'external weights');
    const past = new Date(Date.now() - 3600_000);
    utimesSync(model, past, past);
    const real = [sha256File(model), sha256File(data)];
    assert.deepEqual(hashFilesCached([model, data], cacheDir), real);
    const memo = JSON.parse(readFileSync(join(cacheDir, 'hashes.json'), 'utf8')) as { files: Record<string, { sha256: string }> };
    assert.deepEqual(Object.keys(memo.files), [model], 'a file modified seconds ago is not memoised');

    // Prove the memo is used: a planted value comes back while size and mtime are unchanged.
    memo.files[model]!.sha256 = 'f'.repeat(64);
    writeFileSync(join(cacheDir, 'hashes.json'), JSON.stringify(memo));
    assert.equal(hashFilesCached([model], cacheDir)[0], 'f'.repeat(64));
    const later = new Date(past.getTime() + 1000);
    utimesSync(model, later, later);
    assert.equal(hashFilesCached([model], cacheDir)[0], real[0], 'mtime change → rehash');

    memo.files[model] = { ...memo.files[model]!, sha256: 'f'.repeat(64), mtime_ms: statSync(model).mtimeMs } as never;
    writeFileSync(join(cacheDir, 'hashes.json'), JSON.stringify(memo));
    writeFileSync(model, 'model bytes, longer');
    utimesSync(model, later, later);
    assert.equal(hashFilesCached([model], cacheDir)[0], sha256File(model), 'size change → rehash');

    writeFileSync(join(cacheDir, 'hashes.json'), '{ damaged');
    assert.deepEqual(hashFilesCached([model], cacheDir), [sha256File(model)]);
    assert.throws(() => hashFilesCached([join(dir, 'nope.onnx')], cacheDir), /nope\.onnx: file not found/);
  } finally {
    cleanup();
  }
});
