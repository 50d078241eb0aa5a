/**
 * The content-addressed RDM cache on disk:
 *   <cache>/rdms/<key[0:2]>/<key>/{rdm.npy, meta.json}   one entry per key (sharded
 *                                                        by the first two hex digits)
 *   <cache>/hashes.json                                  memo of model file hashes (fileHash.ts:
 *                                                        the zoo loader's checksums of a run)
 * where <cache> is --cache DIR, else $XDG_CACHE_HOME/seedscope, else
 * ~/.cache/seedscope. Typical use:
 *
 *   const cache = new RdmCache(resolveCacheDir(opts.cache));
 *   const key = cacheKey({ models: instanceHashes(instance), tensor, stimuli, … });
 *   const got = cache.get(key);
 *   if (got.status === 'hit') { …got.entry.readRange(…)…; got.entry.close(); }
 *   else {
 *     if (got.status === 'corrupt') { warn(`${got.dir}: ${got.reason}; recomputing`); cache.remove(key); }
 *     cache.put(key, n, condensed, { metric, variant, describe });
 *   }
 */
import { utimesSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { isCacheKey } from './cacheKey.js';
import { META_FILE, type RdmEntryInfo } from './entryMeta.js';
import { openRdmEntry, type OpenEntryOptions, type RdmEntry } from './rdmEntry.js';
import { removeRdmEntry, writeRdmEntry, type WriteEntryResult } from './writeEntry.js';

export const RDMS_DIR = 'rdms';

/** One stored RDM as the analysis reads it (an entry on disk, or one held in memory). */
export interface StoredRdm {
  readonly length: number;
  /** condensed entries [start, end) into out[outOffset …], the stored float32 values exactly */
  readRange(start: number, end: number, out: Float32Array | Float64Array, outOffset?: number): number;
  close(): void;
}

export type CacheGetResult<E extends StoredRdm = StoredRdm> =
  | { status: 'hit'; entry: E }
  | { status: 'miss' }
  | { status: 'corrupt'; reason: string; dir: string };

/**
 * Where a run keeps its RDMs by key: the cache on disk (RdmCache), or memory
 * (MemoryRdmStore, for --no-cache runs that fit). `dir` is a folder for what
 * goes to files besides (predicted labels, spilled activations).
 */
export interface RdmStore {
  readonly dir: string;
  has(key: string): boolean;
  get(key: string, opts?: OpenEntryOptions): CacheGetResult;
  put(key: string, n: number, condensed: Float32Array | Float64Array, info: RdmEntryInfo): { status: 'written' | 'exists' };
  remove(key: string): boolean;
}

/**
 * The cache folder: `explicit` when given, else $XDG_CACHE_HOME/seedscope
 * (when set to an absolute path, as the XDG spec asks), else ~/.cache/seedscope.
 */
export function resolveCacheDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined && explicit !== '') return resolve(explicit);
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && xdg !== '' && isAbsolute(xdg)) return join(xdg, 'seedscope');
  const home = env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir();
  return join(home, '.cache', 'seedscope');
}

/** Folder of the entry with this key inside a cache folder. */
export function entryDirFor(cacheDir: string, key: string): string {
  if (!isCacheKey(key)) throw new TypeError(`RdmCache: a key is 64 lowercase hex characters but received '${key}'`);
  return join(cacheDir, RDMS_DIR, key.slice(0, 2), key);
}

export class RdmCache implements RdmStore {
  /** the cache folder (created on the first put) */
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  entryDir(key: string): string {
    return entryDirFor(this.dir, key);
  }

  /** Whether an entry is in place (cheap: meta.json exists; nothing is verified). */
  has(key: string): boolean {
    return existsSync(join(this.entryDir(key), META_FILE));
  }

  /**
   * Opens and checks the entry (sha256 included unless verify: false). A hit
   * stamps meta.json's mtime as the last use (prune --older-than reads it);
   * the entry must be close()d.
   */
  get(key: string, opts: OpenEntryOptions = {}): CacheGetResult<RdmEntry> {
    const dir = this.entryDir(key);
    const r = openRdmEntry(dir, opts);
    if (r.status === 'missing') return { status: 'miss' };
    if (r.status === 'corrupt') return { status: 'corrupt', reason: r.reason, dir };
    if (r.entry.meta.key !== key) {
      r.entry.close();
      return { status: 'corrupt', reason: `meta.json key is ${String(r.entry.meta.key)}, not the folder's`, dir };
    }
    touch(join(dir, META_FILE));
    return { status: 'hit', entry: r.entry };
  }

  /**
   * Stores a condensed RDM (float32 or float64; stored as float32) under key.
   * 'exists' when an entry is already in place (also when another process
   * won the race): remove() a corrupt one first.
   */
  put(key: string, n: number, condensed: Float32Array | Float64Array, info: RdmEntryInfo): WriteEntryResult {
    return writeRdmEntry(this.entryDir(key), n, condensed, info, key);
  }

  /** Removes the entry (atomically out of sight); false when there was none. */
  remove(key: string): boolean {
    return removeRdmEntry(this.entryDir(key));
  }
}

function touch(file: string): void {
  const now = new Date();
  try {
    utimesSync(file, now, now);
  } catch {
    // A read-only cache still serves hits; prune then sees the older stamp.
  }
}
