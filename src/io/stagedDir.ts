/**
 * An output folder that appears whole or not at all: everything is written
 * into a hidden sibling folder, `.OUT.partial-PID`, which is renamed onto the
 * target when the run is complete. An error or Ctrl-C removes the staging
 * folder and leaves any earlier output untouched; a staging folder left by a
 * killed process (SIGKILL) is removed by the next output written beside it.
 *
 * Every output folder carries a marker file, `.seedscope-output` (format
 * below, docs/formats.md), written first into the staging folder (pid, host:
 * what stale clean-up checks) and rewritten at commit with the list of every
 * file written. An existing target is replaced only when it is empty or a
 * complete seedscope output holding nothing but the files its marker lists;
 * nothing is followed through a symbolic link, and anything else is refused.
 */
import { lstatSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { seedscopeVersion } from '../version.js';
import { onExitCleanup } from './exitCleanup.js';
import { errnoCode, fsFailure } from './fsErrors.js';
import { makeDirs } from './makeDirs.js';
import { processAlive } from './paths.js';

export const OUTPUT_MARKER = '.seedscope-output';
export const OUTPUT_FORMAT = 'seedscope-output/1';

/** Which command wrote an output folder. */
export type OutputKind = 'run' | 'extract' | 'zoo-synth';

export interface OutputMarker {
  format: typeof OUTPUT_FORMAT;
  kind: OutputKind;
  version: string;
  pid: number;
  host: string;
  created: string;
  /** false while staging; true once every file is written */
  complete: boolean;
  /** every file of a complete output, relative, '/'-separated (the marker itself excluded) */
  files?: string[];
}

function readMarker(dir: string): OutputMarker | null {
  const file = join(dir, OUTPUT_MARKER);
  try {
    if (!lstatSync(file).isFile()) return null;
    const m = JSON.parse(readFileSync(file, 'utf8')) as Partial<OutputMarker>;
    if (m === null || typeof m !== 'object' || m.format !== OUTPUT_FORMAT || !Number.isSafeInteger(m.pid) || typeof m.host !== 'string') return null;
    if (m.complete && !(Array.isArray(m.files) && m.files.every((f) => typeof f === 'string'))) return null;
    return m as OutputMarker;
  } catch {
    return null;
  }
}

/** Every file under dir, relative and '/'-separated; null when something else is there (a link, a device, a fifo). */
function listFiles(dir: string, prefix = ''): string[] | null {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, prefix))) {
    const rel = prefix ? `${prefix}/${name}` : name;
    const st = lstatSync(join(dir, rel));
    if (st.isDirectory()) {
      const inner = listFiles(dir, rel);
      if (inner === null) return null;
      out.push(...inner);
    } else if (st.isFile()) {
      out.push(rel);
    } else {
      return null;
    }
  }
  return out;
}

/** Why `dir` (an existing, non-empty folder) is not a complete seedscope output; null when it is one. */
function notOurOutput(dir: string): string | null {
  const marker = readMarker(dir);
  if (!marker) {
    const names = readdirSync(dir).sort();
    return `it holds ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''} and no ${OUTPUT_MARKER} marker`;
  }
  if (!marker.complete) return 'it is an unfinished seedscope output';
  const files = listFiles(dir);
  if (files === null) return 'it holds a symbolic link or special file';
  const ours = new Set(marker.files);
  const foreign = files.filter((f) => f !== OUTPUT_MARKER && !ours.has(f));
  if (foreign.length > 0) return `it holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}, which seedscope did not write`;
  return null;
}

/**
 * Throws unless `target` is absent, an empty folder, or a complete seedscope
 * output holding only the files its marker lists: anything else is the user's
 * and is never replaced.
 */
export function checkOutputDir(target: string): void {
  let st;
  try {
    st = lstatSync(target);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    if (errnoCode(err) === 'ENOTDIR') throw new UserError(`-o ${target}: a part of this path is a file, not a folder`);
    throw fsFailure('read', target, err);
  }
  if (st.isSymbolicLink()) throw new UserError(`-o ${target} is a symbolic link; choose a new folder (seedscope never replaces through a link)`);
  if (!st.isDirectory()) throw new UserError(`-o ${target} exists and is not a folder; choose a new folder or remove it`);
  let entries: string[];
  try {
    entries = readdirSync(target);
  } catch (err) {
    throw fsFailure('read', target, err);
  }
  if (entries.length === 0) return;
  const why = notOurOutput(target);
  if (why) throw new UserError(`-o ${target} exists and is not a seedscope output (${why}); choose a new folder or remove it`);
}

const STAGING_NAME = /^\.(.+)\.partial-(\d+)(\.old)?$/;

/**
 * Removes, in `parent`, the staging folders of seedscope processes that are
 * gone (killed with SIGKILL, or by the machine): a `.X.partial-PID` folder is
 * removed only when its marker names this host and that PID and no process
 * of that PID is alive. A `.X.partial-PID.old` folder (an earlier output set
 * aside during a commit) is put back as X when X is missing, else removed.
 * Returns the names it removed or restored.
 */
export function removeStaleStaging(parent: string): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const done: string[] = [];
  for (const name of names) {
    const m = STAGING_NAME.exec(name);
    if (!m) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || processAlive(pid)) continue;
    const dir = join(parent, name);
    try {
      if (!lstatSync(dir).isDirectory()) continue;
      const marker = readMarker(dir);
      if (m[3]) {
        // An earlier output (or empty folder) set aside by a commit that was
        // killed half-way: its marker is the earlier writer's, so it is checked
        // for being a complete output, not for the pid.
        const empty = readdirSync(dir).length === 0;
        if (!empty && !(marker?.complete && notOurOutput(dir) === null)) continue;
        const original = join(parent, m[1]!);
        if (!exists(original)) renameSync(dir, original);
        else rmSync(dir, { recursive: true, force: true });
      } else {
        if (!marker || marker.pid !== pid || marker.host !== hostname()) continue;
        rmSync(dir, { recursive: true, force: true });
      }
      done.push(name);
    } catch {
      /* left for a later run: not worth failing this one */
    }
  }
  return done;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

export interface StagedDirOptions {
  /** told once when stale staging folders of killed runs were removed */
  warn?: (message: string) => void;
}

export class StagedDir {
  readonly target: string;
  readonly path: string;
  private readonly kind: OutputKind;
  private readonly created = new Date().toISOString();
  private finished = false;
  private readonly unregister: () => void;

  constructor(target: string, kind: OutputKind, opts: StagedDirOptions = {}) {
    this.target = resolve(target);
    this.kind = kind;
    checkOutputDir(target);
    const parent = dirname(this.target);
    makeDirs(parent);
    const removed = removeStaleStaging(parent);
    if (removed.length > 0 && opts.warn) {
      opts.warn(`cleaned up ${removed.length} staging folder${removed.length === 1 ? '' : 's'} left in ${parent} by killed seedscope runs (${removed.join(', ')})`);
    }
    this.path = join(parent, `.${basename(this.target)}.partial-${process.pid}`);
    if (exists(this.path)) {
      // left by an earlier process of the same pid; removed only if it is ours
      if (!readMarker(this.path)) throw new UserError(`${this.path} exists and is not a seedscope staging folder; remove it`);
      rmSync(this.path, { recursive: true, force: true });
    }
    try {
      try {
        makeDirs(this.path);
      } catch (err) {
        throw new UserError(`-o ${target}: cannot create a folder in ${parent} (${err instanceof Error ? err.message : String(err)})`);
      }
      this.unregister = onExitCleanup(() => this.discard());
      // first, so that a killed run leaves a folder the next one can recognise
      this.writeMarker(false);
    } catch (err) {
      rmSync(this.path, { recursive: true, force: true });
      throw err;
    }
  }

  private writeMarker(complete: boolean, files?: string[]): void {
    const marker: OutputMarker = {
      format: OUTPUT_FORMAT, kind: this.kind, version: seedscopeVersion, pid: process.pid, host: hostname(), created: this.created, complete,
      ...(files ? { files } : {}),
    };
    const file = join(this.path, OUTPUT_MARKER);
    try {
      writeFileSync(file, JSON.stringify(marker, null, 2) + '\n');
    } catch (err) {
      throw fsFailure('write', file, err);
    }
  }

  file(...parts: string[]): string {
    const f = join(this.path, ...parts);
    makeDirs(dirname(f));
    return f;
  }

  /** Puts the finished folder in place of the target (an earlier seedscope output is replaced). */
  commit(): void {
    if (this.finished) return;
    const files = listFiles(this.path)?.filter((f) => f !== OUTPUT_MARKER);
    if (!files) throw new Error(`${this.path}: a staging folder holds a link or special file`);
    this.writeMarker(true, files.sort());
    // checked again: the target may have changed since the run began
    checkOutputDir(this.target);
    const old = `${this.path}.old`;
    const hadTarget = exists(this.target);
    if (hadTarget) renameSync(this.target, old);
    try {
      renameSync(this.path, this.target);
    } catch (err) {
      if (hadTarget) renameSync(old, this.target);
      throw fsFailure('rename into place', this.target, err);
    }
    this.finished = true;
    this.unregister();
    if (hadTarget) rmSync(old, { recursive: true, force: true });
  }

  /**
   * Removes the staging folder after a failure and returns the error, its
   * message naming files by their place in the output (`OUT/report.html`)
   * rather than in the staging folder, which no longer exists.
   */
  fail(err: unknown): unknown {
    this.discard();
    if (err instanceof UserError) err.message = err.message.split(this.path).join(this.target);
    return err;
  }

  /** Removes the staging folder (after an error or Ctrl-C). */
  discard(): void {
    if (this.finished) return;
    this.finished = true;
    rmSync(this.path, { recursive: true, force: true });
    this.unregister();
  }
}
