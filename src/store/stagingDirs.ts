/**
 * Hidden sibling folders used to make entries appear and disappear atomically:
 *   .tmp-<name>-<pid>-<random>    an entry being written, renamed into place when whole;
 *   .trash-<pid>-<random>         an entry being removed, renamed out of place first.
 * A temporary folder carries a marker file (pid, host, time) written before
 * anything else, so that prune removes only folders that are ours and whose
 * writer is gone. A trash folder is garbage by construction.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { makeDirs } from '../io/makeDirs.js';
import { processAlive } from '../io/paths.js';

export const PARTIAL_MARKER = '.seedscope-partial';

/** A writer that has held a temporary folder this long is presumed dead even if its pid is in use (pid reuse, other host). */
export const STALE_AFTER_MS = 24 * 3600 * 1000;

interface Marker {
  pid: number;
  host: string;
  created: number;
}

function suffix(): string {
  return `${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** Creates `.tmp-<name>-<pid>-<random>` in parent, marker first; returns its path. */
export function createTempDir(parent: string, name: string): string {
  const dir = join(parent, `.tmp-${name}-${suffix()}`);
  try {
    makeDirs(parent);
    mkdirSync(dir);
  } catch (err) {
    // A prune may remove the (empty) shard folder between the two calls: once more.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    makeDirs(parent);
    mkdirSync(dir);
  }
  const marker: Marker = { pid: process.pid, host: hostname(), created: Date.now() };
  writeFileSync(join(dir, PARTIAL_MARKER), JSON.stringify(marker));
  return dir;
}

export function trashName(parent: string): string {
  return join(parent, `.trash-${suffix()}`);
}

export function isStagingName(name: string): boolean {
  return name.startsWith('.tmp-') || name.startsWith('.trash-');
}

/**
 * True when the staging folder `name` inside parent may be removed: a trash
 * folder always; a temporary folder when its marker says it was made on this
 * host by a process that is gone, or made more than a day ago. A folder
 * without a readable marker is left alone (it may not be ours).
 */
export function isStaleStagingDir(parent: string, name: string, now = Date.now()): boolean {
  if (name.startsWith('.trash-')) return true;
  if (!name.startsWith('.tmp-')) return false;
  let marker: Marker;
  try {
    marker = JSON.parse(readFileSync(join(parent, name, PARTIAL_MARKER), 'utf8')) as Marker;
  } catch {
    return false;
  }
  if (!Number.isSafeInteger(marker.pid) || typeof marker.created !== 'number') return false;
  if (now - marker.created > STALE_AFTER_MS) return true;
  return marker.host === hostname() && !processAlive(marker.pid);
}
