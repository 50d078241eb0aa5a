/**
 * Outputs are written to a temporary name beside the target and renamed when
 * complete, so a crash or Ctrl-C never leaves a half-written file that looks whole.
 * Only a regular file (or nothing) is ever replaced: a device, a folder, a
 * fifo or a symbolic link at the target is refused (rename would put a
 * regular file in place of /dev/full, or of the link rather than its target).
 * A failed write (disk full, file-size limit) names the file and leaves nothing.
 */
import { lstatSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { errnoCode, fsFailure } from './fsErrors.js';
import { makeDirs } from './makeDirs.js';

let counter = 0;

export function tempNameFor(target: string): string {
  counter += 1;
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${counter}`);
}

/** Throws unless `target` is absent or a regular file (what a single-file output may replace). */
export function checkReplaceableFile(target: string): void {
  let st;
  try {
    st = lstatSync(target);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    throw fsFailure('write', target, err);
  }
  if (st.isFile()) return;
  const kind = st.isDirectory() ? 'a folder' : st.isSymbolicLink() ? 'a symbolic link' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
  throw new UserError(`${target} is ${kind}; expected a new file name or a regular file to replace`);
}

export function writeFileAtomic(target: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  checkReplaceableFile(target);
  makeDirs(dirname(target));
  const tmp = tempNameFor(target);
  try {
    if (Array.isArray(data)) {
      writeFileSync(tmp, Buffer.concat(data as Uint8Array[]));
    } else {
      writeFileSync(tmp, data as string | Uint8Array);
    }
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw fsFailure('write', target, err);
  }
}
