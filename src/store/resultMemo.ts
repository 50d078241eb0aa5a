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
 * cannot be parsed, or whose key or format differ, is reported in one warning
 * line, removed and recomputed. NaN is stored as null.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite.js';
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

  constructor(readonly cacheDir: string, private readonly warn: (message: string) => void = () => {}) {}

  private file(key: string): string {
    return join(this.cacheDir, RESULTS_DIR, key.slice(0, 2), `${key}.json`);
  }

  /** The stored value for these inputs, or null (absent or damaged: then removed). */
  get(inputs: object): unknown {
    const key = resultKey(inputs);
    const file = this.file(key);
    if (!existsSync(file)) return null;
    try {
      const doc = JSON.parse(readFileSync(file, 'utf8')) as ResultFile;
      if (doc.format !== RESULT_FORMAT || doc.key !== key || doc.value === undefined) throw new Error('its format or key does not match');
      try {
        const now = new Date();
        utimesSync(file, now, now);
      } catch {
        // a read-only cache still serves hits
      }
      this.counts.reused += 1;
      return doc.value;
    } catch (err) {
      this.warn(`${file}: a damaged cached result (${(err as Error).message}); recomputing`);
      rmSync(file, { force: true });
      return null;
    }
  }

  put(inputs: object, value: unknown): void {
    const key = resultKey(inputs);
    const doc: ResultFile = { format: RESULT_FORMAT, key, inputs, value };
    writeFileAtomic(this.file(key), JSON.stringify(doc) + '\n');
    this.counts.computed += 1;
  }
}

/** Result files with their size and last use (mtime), for `cache du` and `cache prune`. */
export function listResultFiles(cacheDir: string): { file: string; bytes: number; lastUsedMs: number }[] {
  const root = join(cacheDir, RESULTS_DIR);
  if (!existsSync(root)) return [];
  const out: { file: string; bytes: number; lastUsedMs: number }[] = [];
  for (const shard of readdirSync(root, { withFileTypes: true })) {
    if (!shard.isDirectory()) continue;
    for (const f of readdirSync(join(root, shard.name), { withFileTypes: true })) {
      if (!f.isFile() || !/^[0-9a-f]{64}\.json$/.test(f.name)) continue;
      const file = join(root, shard.name, f.name);
      const st = statSync(file);
      out.push({ file, bytes: st.size, lastUsedMs: st.mtimeMs });
    }
  }
  return out;
}

/** NaN-free arrays for JSON (NaN as null), and back. */
export function toJsonNumbers(values: ArrayLike<number>): (number | null)[] {
  return Array.from(values, (v) => (Number.isNaN(v) ? null : v));
}

export function fromJsonNumbers(values: readonly (number | null)[]): Float64Array {
  return Float64Array.from(values, (v) => (v === null ? NaN : v));
}
