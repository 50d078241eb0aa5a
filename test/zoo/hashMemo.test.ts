/**
 * A run with a cache takes the models' checksums from the cache's memo
 * (hashes.json, by size and mtime) instead of reading every model on every
 * run: a zoo's files are then hashed once. The memo is what the loader
 * consults (shown by a file altered in place with its size and mtime kept,
 * which only a read would notice), and a file replaced the ordinary way (a
 * new mtime) is still refused.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, realpathSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../src/native/addon.js';
import { loadZoos } from '../../src/pipeline/loadZoos.js';
import { HASHES_FILE, memoisedHasher } from '../../src/store/fileHash.js';
import { withTempDir } from '../helpers/tmp.js';

const PAST = new Date(Date.now() - 3600_000);

/** The default zoo copied, its files dated an hour back (the memo keeps only settled files). */
function copyZoo(dir: string): string {
  const zoo = join(dir, 'zoo');
  cpSync(join(packageRoot, 'models', 'fmnist-allcnnc'), zoo, { recursive: true });
  for (let s = 0; s < 10; s++) utimesSync(join(zoo, `seed${s}.onnx`), PAST, PAST);
  return zoo;
}

/** The file with its last byte (a weight) changed: the same size, still a valid model. */
function altered(file: string): Buffer {
  const bytes = readFileSync(file);
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
  return bytes;
}

test('a cached run\'s loader hashes each model once: later loads take the memo while size and mtime stand', () => withTempDir((dir) => {
  const zoo = copyZoo(dir);
  const cache = join(dir, 'cache');
  const hash = memoisedHasher(cache);
  const first = loadZoos({ zoo: [zoo] }, { hash })[0]!;
  const memo = JSON.parse(readFileSync(join(cache, HASHES_FILE), 'utf8')) as { files: Record<string, { sha256: string }> };
  assert.equal(Object.keys(memo.files).length, 10, 'every model memoised');
  for (const inst of first.instances) assert.equal(memo.files[realpathSync(inst.file)]?.sha256, inst.sha256);

  // seed1.onnx altered in place, its size and mtime kept: only reading it would tell
  const file = join(zoo, 'seed1.onnx');
  writeFileSync(file, altered(file));
  utimesSync(file, PAST, PAST);
  const memoised = loadZoos({ zoo: [zoo] }, { hash })[0]!;
  assert.equal(memoised.instances[1]!.sha256, first.instances[1]!.sha256, 'the memo was used, not the file');
  assert.throws(() => loadZoos({ zoo: [zoo] }), /seed1\.onnx: sha256 is [0-9a-f]{64} but .*zoo\.json instances\[1\]\.sha256 says/, 'read without the memo, the change is found');
}));

test('with the memo, a model replaced the ordinary way (a new mtime) is read again and refused', () => withTempDir((dir) => {
  const zoo = copyZoo(dir);
  const hash = memoisedHasher(join(dir, 'cache'));
  loadZoos({ zoo: [zoo] }, { hash });
  const file = join(zoo, 'seed2.onnx');
  writeFileSync(file, altered(file));
  assert.throws(() => loadZoos({ zoo: [zoo] }, { hash }), /seed2\.onnx: sha256 is [0-9a-f]{64} but .*instances\[2\]\.sha256 says .*altered or replaced/);
}));
