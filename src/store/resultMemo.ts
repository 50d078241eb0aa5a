/**
 * Memoised statistics in the cache. A layer's bootstrap interval and a zoo's
 * Mantel family are pure functions of their RDMs (named by their cache keys),
 * the method, the number of samples or permutations and the seed; once the
 * RDMs are cached they are most of a rerun's time (the default run from a warm
 * cache: bootstrap 2.5 s and Mantel 1.9 s of 7.2 s). A result is a small JSON
 * file `<cache>/results/ab/<key>.json`, its key the sha256 of the canonical
 * JSON of what it depends on plus this format and seedscope's version (a new
 * version recomputes rather than trusting an older implementation's numbers).
 *
 * Files are written atomically and stamped (mtime) on every hit, as RDM
 * entries are, so `cache prune --older-than` treats them alike. A file that
 * cannot be parsed, or whose key, format or value do not match, is reported in
 * one warning line, removed and recomputed. NaN is stored as null. A cache that
 * cannot be written is said once and the run goes on.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { jsonReplacer, jsonSyntaxMessage } from '../io/json.js';
import { seedscopeVersion } from '../version.js';
import { canonicalJson } from './cacheKey.js';

export const RESULTS_DIR = 'results';
export const RESULT_FORMAT = 'seedscope-result/1';

interface ResultFile {
  format: string;
  key: string;
  inputs: unknown;
  value: unknown;
}

/** The key of a result: sha256 of what it depends on, this format and seedscope's version. */
export function resultKey(inputs: object): string {
  return createHash('sha256').update(canonicalJson({ format: RESULT_FORMAT, version: seedscopeVersion, inputs }), 'utf8').digest('hex');
}

export class ResultMemo {
  /** results read from the cache and computed (then written) during this run */
  readonly counts = { reused: 0, computed: 0 };
  private writeFailed = false;

  constructor(readonly cacheDir: string, private readonly warn: (message: string) => void = () => {}) {}

  private file(key: string): string {
    return join(this.cacheDir, RESULTS_DIR, key.slice(0, 2), `${key}.json`);
  }

  /**
   * The stored value for these inputs as `parse` reads it, or null: absent, or
   * damaged (unreadable, another format or key, or refused by `parse`: then
   * named in one warning line and removed).
   */
  get<T>(inputs: object, parse: (value: unknown) => T | null): T | null {
    const key = resultKey(inputs);
    const file = this.file(key);
    if (!existsSync(file)) return null;
    let why: string;
    try {
      const doc = JSON.parse(readFileSync(file, 'utf8')) as ResultFile;
      const value = doc.format === RESULT_FORMAT && doc.key === key ? parse(doc.value) : null;
      if (value !== null) {
        try {
          const now = new Date();
          utimesSync(file, now, now);
        } catch {
          // a read-only cache still serves hits
        }
        this.counts.reused += 1;
        return value;
      }
      why = 'its format, key or value does not match';
    } catch (err) {
      why = err instanceof SyntaxError ? jsonSyntaxMessage(err) : (err as Error).message;
    }
    this.warn(`${file}: a damaged cached result (${why}); recomputing`);
    rmSync(file, { force: true });
    return null;
  }

  /** Stores a value (NaN and typed arrays as JSON writes them: null, arrays); a cache that cannot be written is said once and the run goes on. */
  put(inputs: object, value: unknown): void {
    const key = resultKey(inputs);
    const doc: ResultFile = { format: RESULT_FORMAT, key, inputs, value };
    this.counts.computed += 1;
    try {
      writeFileAtomic(this.file(key), JSON.stringify(doc, jsonReplacer) + '\n');
    } catch (err) {
      if (!this.writeFailed) this.warn(`${this.cacheDir}: results cannot be cached (${(err as Error).message}); they are computed again next time`);
      this.writeFailed = true;
    }
  }
}

/** Result files with their size and last use (mtime), for `cache du` and `cache prune`; ones removed meanwhile are left out. */
export function listResultFiles(cacheDir: string): { file: string; bytes: number; lastUsedMs: number }[] {
  const root = join(cacheDir, RESULTS_DIR);
  const out: { file: string; bytes: number; lastUsedMs: number }[] = [];
  for (const shard of readdirOrEmpty(root)) {
    if (!/^[0-9a-f]{2}$/.test(shard)) continue;
    for (const name of readdirOrEmpty(join(root, shard))) {
      if (!/^[0-9a-f]{64}\.json$/.test(name)) continue;
      const file = join(root, shard, name);
      try {
        const st = statSync(file);
        if (st.isFile()) out.push({ file, bytes: st.size, lastUsedMs: st.mtimeMs });
      } catch {
        // removed by a concurrent prune or a reader that found it damaged
      }
    }
  }
  return out;
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
