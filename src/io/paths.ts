/**
 * Path and process checks shared by the output, zoo and cache code.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { errnoCode } from './fsErrors.js';

/**
 * True when `path` lies strictly inside the folder `root` (both resolved, or
 * both real paths): not the folder itself, not above it. A name that merely
 * starts with two dots (`..seed0.onnx`) is inside.
 */
export function isInsideDir(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** Whether a process with this pid exists (one of another user's counts: kill answers EPERM). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}
