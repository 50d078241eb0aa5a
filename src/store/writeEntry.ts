/**
 * Writing and removing RDM entries so that a reader never sees half of one.
 * An entry is written into a hidden temporary sibling folder and renamed into
 * place; rename(2) of a folder onto an existing non-empty folder fails, so of
 * two concurrent writers of the same entry one wins and the other discards
 * its copy (both wrote the same content: the key addresses it).
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsFailure } from '../io/fsErrors.js';
import { encodeNpyHeader } from '../io/npy.js';
import { createTempDir, PARTIAL_MARKER, trashName } from './stagingDirs.js';
import {
  META_FILE, PAYLOAD_FILE, RDM_FORMAT, RDM_VARIANTS, condensedLength,
  type RdmEntryInfo, type RdmEntryMeta,
} from './entryMeta.js';

export interface WriteEntryResult {
  /** 'exists': an entry was already in place (another writer won); ours was discarded */
  status: 'written' | 'exists';
  dir: string;
  /** the meta written (status 'written') */
  meta?: RdmEntryMeta;
}

/** Elements converted and written per step: bounds the float32 scratch to 4 MiB. */
const CHUNK = 1 << 20;

function writeAll(fd: number, bytes: Uint8Array, hash: Hash): void {
  hash.update(bytes);
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** Writes rdm.npy (float32, 1-D) from float32 or float64 values; returns its sha256 and size. */
function writePayload(file: string, values: Float32Array | Float64Array): { sha256: string; bytes: number } {
  const hash = createHash('sha256');
  const fd = openSync(file, 'wx');
  try {
    const head = encodeNpyHeader('float32', [values.length]);
    writeAll(fd, head, hash);
    const scratch = values instanceof Float64Array ? new Float32Array(Math.min(CHUNK, values.length)) : null;
    for (let start = 0; start < values.length; start += CHUNK) {
      const end = Math.min(values.length, start + CHUNK);
      let chunk: Float32Array;
      if (scratch) {
        // TypedArray.set rounds float64 → float32 to nearest (as Math.fround does).
        chunk = scratch.subarray(0, end - start);
        chunk.set(values.subarray(start, end));
      } else {
        chunk = (values as Float32Array).subarray(start, end);
      }
      writeAll(fd, new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), hash);
    }
    return { sha256: hash.digest('hex'), bytes: head.length + 4 * values.length };
  } finally {
    closeSync(fd);
  }
}

function isExistsError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOTEMPTY' || code === 'EEXIST';
}

/** What every store checks of an RDM it is given (`who` names the store in the message). */
export function checkEntryArgs(who: string, n: number, condensed: Float32Array | Float64Array, info: RdmEntryInfo): void {
  if (!Number.isSafeInteger(n) || n < 2) throw new RangeError(`${who}: n must be an integer ≥ 2 but is ${n}`);
  if (condensed.length !== condensedLength(n)) {
    throw new RangeError(`${who}: a condensed RDM of ${n} stimuli has ${condensedLength(n)} values but received ${condensed.length}`);
  }
  if (!RDM_VARIANTS.includes(info.variant)) throw new RangeError(`${who}: unknown variant '${String(info.variant)}'`);
}

/**
 * Writes an entry at `dir` (its parent is created). `condensed` holds the upper
 * triangle row-major (i < j), length n(n−1)/2; float64 values are rounded to
 * float32. No checksum is fsync'ed: a crash that loses data leaves an entry
 * whose checksum fails, which readers report as corrupt and recompute.
 */
export function writeRdmEntry(
  dir: string, n: number, condensed: Float32Array | Float64Array, info: RdmEntryInfo, key: string | null = null,
): WriteEntryResult {
  checkEntryArgs('writeRdmEntry', n, condensed, info);
  if (existsSync(join(dir, META_FILE))) return { status: 'exists', dir };
  let tmp: string;
  try {
    tmp = createTempDir(dirname(dir), basename(dir));
  } catch (err) {
    throw fsFailure('write the RDM cache entry', dir, err);
  }
  try {
    const { sha256, bytes } = writePayload(join(tmp, PAYLOAD_FILE), condensed);
    const meta: RdmEntryMeta = {
      format: RDM_FORMAT, key, n, metric: info.metric, dtype: 'float32', variant: info.variant,
      sha256, bytes, created: new Date().toISOString(), describe: info.describe ?? {},
    };
    writeFileSync(join(tmp, META_FILE), JSON.stringify(meta, null, 2) + '\n', { flag: 'wx' });
    try {
      renameSync(tmp, dir);
    } catch (err) {
      if (!isExistsError(err)) throw err;
      rmSync(tmp, { recursive: true, force: true });
      return { status: 'exists', dir };
    }
    // The marker goes only after the rename: a writer killed before it leaves a
    // marked temporary folder that prune can recognise and remove.
    rmSync(join(dir, PARTIAL_MARKER), { force: true });
    return { status: 'written', dir, meta };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    // a full disk or a file-size limit: one line naming the entry
    throw fsFailure('write the RDM cache entry', dir, err);
  }
}

/**
 * Removes an entry; false when there was none. The folder is first renamed out
 * of place, so a reader or writer never meets it half deleted.
 */
export function removeRdmEntry(dir: string): boolean {
  const trash = trashName(dirname(dir));
  try {
    renameSync(dir, trash);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  rmSync(trash, { recursive: true, force: true });
  return true;
}
