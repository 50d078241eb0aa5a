/**
 * An output folder that appears whole or not at all: everything is written
 * into a hidden sibling folder, which is renamed onto the target when the
 * run is complete. A crash, an error or Ctrl-C removes the staging folder
 * and leaves any earlier output untouched.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';

/** Files that mark a folder as an earlier output of a command, safe to replace. */
export const RUN_MARKERS = ['results.json', 'report.html'];
export const EXTRACT_MARKERS = ['manifest.json'];
export const ZOO_MARKERS = ['zoo.json'];

/**
 * Throws unless `target` is absent, empty, or an earlier output of ours (it
 * holds one of `markers`): anything else is the user's and is never replaced.
 */
export function checkOutputDir(target: string, markers: readonly string[]): void {
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) throw new UserError(`-o ${target}: expected a folder but a file of that name exists`);
  const entries = readdirSync(target).filter((e) => !e.startsWith('.'));
  if (entries.length > 0 && !markers.some((m) => entries.includes(m))) {
    throw new UserError(`-o ${target}: expected a new or empty folder, or an earlier seedscope output, but it holds other files (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''})`);
  }
}

export class StagedDir {
  readonly target: string;
  readonly path: string;
  private finished = false;
  private readonly onExit = (): void => this.discard();

  constructor(target: string, markers: readonly string[]) {
    this.target = resolve(target);
    checkOutputDir(target, markers);
    const parent = dirname(this.target);
    mkdirSync(parent, { recursive: true });
    this.path = join(parent, `.${basename(this.target)}.partial-${process.pid}`);
    rmSync(this.path, { recursive: true, force: true });
    mkdirSync(this.path, { recursive: true });
    process.once('exit', this.onExit);
  }

  file(...parts: string[]): string {
    const f = join(this.path, ...parts);
    mkdirSync(dirname(f), { recursive: true });
    return f;
  }

  /** Puts the finished folder in place of the target (an earlier output is replaced). */
  commit(): void {
    if (this.finished) return;
    const old = `${this.path}.old`;
    if (existsSync(this.target)) renameSync(this.target, old);
    try {
      renameSync(this.path, this.target);
    } catch (err) {
      if (existsSync(old)) renameSync(old, this.target);
      throw err;
    }
    rmSync(old, { recursive: true, force: true });
    this.finished = true;
    process.removeListener('exit', this.onExit);
  }

  /** Removes the staging folder (after an error or Ctrl-C). */
  discard(): void {
    if (this.finished) return;
    this.finished = true;
    rmSync(this.path, { recursive: true, force: true });
    process.removeListener('exit', this.onExit);
  }
}
