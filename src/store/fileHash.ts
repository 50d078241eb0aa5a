/**
 * sha256 of model files, streamed, with a memo in the cache folder
 * (hashes.json: real path → size, mtime, sha256) so that a zoo of a hundred
 * models is not re-read on every run. A memo record is used only while the
 * file's size and mtime are unchanged; a file modified within the last few
 * seconds is not memoised at all, since a second write in the same mtime tick
 * would go unnoticed ("racy" timestamps, as git calls them).
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomicWrite.js';

export const HASHES_FILE = 'hashes.json';
const HASHES_FORMAT = 'seedscope-hashes/1';
const BLOCK = 4 << 20;
/** Files younger than this are hashed but not memoised. */
const SETTLE_MS = 2000;

interface MemoRecord {
  size: number;
  mtime_ms: number;
  sha256: string;
}

type Memo = Record<string, MemoRecord>;

/** sha256 (hex) of a file, read in 4 MiB blocks. */
export function sha256File(file: string): string {
  const hash = createHash('sha256');
  const fd = openSync(file, 'r');
  try {
    const block = Buffer.allocUnsafe(BLOCK);
    for (let pos = 0; ;) {
      const got = readSync(fd, block, 0, BLOCK, pos);
      if (got === 0) break;
      hash.update(block.subarray(0, got));
      pos += got;
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

function loadMemo(file: string): Memo {
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown; files?: unknown };
    if (doc.format !== HASHES_FORMAT || typeof doc.files !== 'object' || doc.files === null) return {};
    return doc.files as Memo;
  } catch {
    // Missing or damaged: start afresh (it is only a shortcut).
    return {};
  }
}

function isRecord(r: MemoRecord | undefined): r is MemoRecord {
  return r !== undefined && typeof r.size === 'number' && typeof r.mtime_ms === 'number' &&
    typeof r.sha256 === 'string' && /^[0-9a-f]{64}$/.test(r.sha256);
}

/** A FileHasher (src/zoo/zooFiles.ts) through the memo in cacheDir. */
export function memoisedHasher(cacheDir: string): (file: string) => string {
  return (file) => hashFilesCached([file], cacheDir)[0]!;
}

/**
 * sha256 (hex) of each file, in order, using and updating the memo in
 * cacheDir. Missing files are UserErrors naming the file. Failing to save the
 * memo (read-only cache folder) is not an error.
 */
export function hashFilesCached(files: readonly string[], cacheDir: string): string[] {
  const memoFile = join(cacheDir, HASHES_FILE);
  const memo = loadMemo(memoFile);
  const updates: Memo = {};
  const dropped: string[] = [];
  const sums = files.map((file) => {
    let path: string;
    try {
      path = realpathSync(file);
    } catch {
      throw new UserError(`${file}: file not found`);
    }
    const before = statSync(path);
    const rec = memo[path];
    if (isRecord(rec) && rec.size === before.size && rec.mtime_ms === before.mtimeMs) return rec.sha256;
    const sha256 = sha256File(path);
    const after = statSync(path);
    const settled = after.size === before.size && after.mtimeMs === before.mtimeMs && Date.now() - after.mtimeMs > SETTLE_MS;
    if (settled) updates[path] = { size: after.size, mtime_ms: after.mtimeMs, sha256 };
    else if (rec !== undefined) dropped.push(path);
    return sha256;
  });
  if (Object.keys(updates).length > 0 || dropped.length > 0) {
    // Merge into what is on disk now, so concurrent runs lose little of each other's work.
    const merged = { ...loadMemo(memoFile), ...updates };
    for (const path of dropped) delete merged[path];
    try {
      writeFileAtomic(memoFile, JSON.stringify({ format: HASHES_FORMAT, files: merged }) + '\n');
    } catch {
      // The memo only saves time.
    }
  }
  return sums;
}
