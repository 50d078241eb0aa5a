/**
 * mkdir -p that always ends. Node's mkdirSync(…, { recursive: true }) loops
 * for ever when the kernel answers ENOENT for a folder whose parent exists
 * (/proc/newdir: the parent is there, the child can never be made), so
 * `-o /proc/x` hung. This walks down from the first existing ancestor and
 * creates each missing folder once; any failure is one error naming it.
 */
import { lstatSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { errnoCode, fsFailure } from './fsErrors.js';

function isDir(path: string): boolean | null {
  try {
    return statSync(path).isDirectory();
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return null;
    throw fsFailure('read', path, err);
  }
}

/** Creates `dir` and any missing parents. */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let cur = resolve(dir);
  for (;;) {
    const state = isDir(cur);
    if (state === true) break;
    if (state === false) throw new UserError(`cannot create folder ${dir}: ${cur} exists and is not a folder`);
    missing.push(cur);
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      // a concurrent writer may have made it meanwhile: fine if it is a folder now
      if (errnoCode(err) === 'EEXIST' && lstatSync(d).isDirectory()) continue;
      throw fsFailure('create folder', d, err);
    }
  }
}
