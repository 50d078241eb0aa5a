/**
 * Looking after the cache folder: list entries, sum their sizes, prune by last
 * use. Listing reads meta.json and file sizes only (no checksums: `ls` of a
 * large cache stays fast); an entry whose meta.json is missing or invalid, or
 * whose rdm.npy size disagrees with it, is listed as corrupt. Field names are
 * those of the JSON the `cache` command prints.
 */
import { readdirSync, readFileSync, rmSync, rmdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { isCacheKey } from './cacheKey.js';
import { META_FILE, PAYLOAD_FILE, checkMeta, type RdmDescribe, type RdmVariant } from './entryMeta.js';
import { HASHES_FILE } from './fileHash.js';
import { listResultFiles } from './resultMemo.js';
import { RDMS_DIR } from './rdmCache.js';
import { isStagingName, isStaleStagingDir } from './stagingDirs.js';
import { removeRdmEntry } from './writeEntry.js';

export interface CacheEntryInfo {
  key: string;
  dir: string;
  status: 'ok' | 'corrupt';
  /** why it is corrupt (status 'corrupt') */
  reason?: string;
  n: number | null;
  metric: string | null;
  variant: RdmVariant | null;
  describe: RdmDescribe;
  /** bytes of the files in the entry's folder */
  bytes: number;
  created: string | null;
  /** ISO 8601: meta.json's mtime, stamped on every cache hit */
  last_used: string;
}

export interface Tally {
  entries: number;
  bytes: number;
}

export interface CacheUsage {
  dir: string;
  entries: number;
  bytes: number;
  /** per variant; corrupt entries under 'corrupt' */
  variants: Record<string, Tally>;
  /** temporary and trash folders left behind; `stale` ones are removed by any prune */
  staging: { dirs: number; bytes: number; stale: number };
  /** memoised statistics (resultMemo.ts) */
  results: Tally;
}

export interface PruneOptions {
  /** remove entries last used longer ago than this (milliseconds) */
  olderThanMs?: number;
  /** remove every entry and the file-hash memo */
  all?: boolean;
  /** "now", for tests (ms since the epoch) */
  now?: number;
}

export interface PruneResult {
  dir: string;
  removed: Tally;
  kept: Tally;
  /** stale temporary/trash folders removed */
  stale_staging: { dirs: number; bytes: number };
  /** memoised statistics removed and kept (by last use, as entries) */
  results: { removed: Tally; kept: Tally };
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function safeStat(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** Bytes of the regular files directly in dir (entries and staging folders are flat). */
function folderBytes(dir: string): number {
  return safeReaddir(dir).reduce((sum, name) => {
    const st = safeStat(join(dir, name));
    return sum + (st?.isFile() ? st.size : 0);
  }, 0);
}

interface Found {
  shard: string;
  name: string;
}

/** The shard folders' children: entries (named by their key) and staging folders. */
function walk(cacheDir: string): { entries: Found[]; staging: Found[] } {
  const root = join(cacheDir, RDMS_DIR);
  const entries: Found[] = [];
  const staging: Found[] = [];
  // spilled activations of a run (a temporary folder beside the shards)
  for (const name of safeReaddir(root).filter(isStagingName).sort()) staging.push({ shard: root, name });
  for (const shard of safeReaddir(root).filter((s) => /^[0-9a-f]{2}$/.test(s)).sort()) {
    for (const name of safeReaddir(join(root, shard)).sort()) {
      if (isCacheKey(name) && name.startsWith(shard)) entries.push({ shard: join(root, shard), name });
      else if (isStagingName(name)) staging.push({ shard: join(root, shard), name });
    }
  }
  return { entries, staging };
}

function describeEntry(dir: string, key: string): CacheEntryInfo {
  const metaStat = safeStat(join(dir, META_FILE));
  const lastUsed = (metaStat ?? safeStat(dir))?.mtime ?? new Date(0);
  const base: CacheEntryInfo = {
    key, dir, status: 'corrupt', n: null, metric: null, variant: null, describe: {},
    bytes: folderBytes(dir), created: null, last_used: lastUsed.toISOString(),
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(dir, META_FILE), 'utf8'));
  } catch {
    return { ...base, reason: metaStat ? 'meta.json is not valid JSON' : 'meta.json is missing' };
  }
  const meta = checkMeta(parsed);
  if (typeof meta === 'string') return { ...base, reason: meta };
  const info = { ...base, n: meta.n, metric: meta.metric, variant: meta.variant, describe: meta.describe, created: meta.created };
  const payload = safeStat(join(dir, PAYLOAD_FILE));
  if (!payload) return { ...info, reason: 'rdm.npy is missing' };
  if (payload.size !== meta.bytes) return { ...info, reason: `rdm.npy holds ${payload.size} bytes but meta.json says ${meta.bytes}` };
  return { ...info, status: 'ok' };
}

/** Every entry, most recently used first (ties by key). */
export function listEntries(cacheDir: string): CacheEntryInfo[] {
  return walk(cacheDir).entries
    .map((e) => describeEntry(join(e.shard, e.name), e.name))
    .sort((a, b) => b.last_used.localeCompare(a.last_used) || a.key.localeCompare(b.key));
}

export function cacheUsage(cacheDir: string, now = Date.now()): CacheUsage {
  const found = walk(cacheDir);
  const usage: CacheUsage = { dir: cacheDir, entries: 0, bytes: 0, variants: {}, staging: { dirs: 0, bytes: 0, stale: 0 }, results: { entries: 0, bytes: 0 } };
  for (const r of listResultFiles(cacheDir)) {
    usage.results.entries += 1;
    usage.results.bytes += r.bytes;
  }
  for (const e of found.entries) {
    const info = describeEntry(join(e.shard, e.name), e.name);
    const group = info.status === 'ok' ? info.variant ?? 'corrupt' : 'corrupt';
    const tally = (usage.variants[group] ??= { entries: 0, bytes: 0 });
    tally.entries += 1;
    tally.bytes += info.bytes;
    usage.entries += 1;
    usage.bytes += info.bytes;
  }
  for (const s of found.staging) {
    usage.staging.dirs += 1;
    usage.staging.bytes += folderBytes(join(s.shard, s.name));
    if (isStaleStagingDir(s.shard, s.name, now)) usage.staging.stale += 1;
  }
  return usage;
}

/**
 * Removes entries last used more than olderThanMs ago (or all of them), and
 * in any case the stale temporary/trash folders of writers that are gone.
 * Live writers' temporary folders are left alone. With neither option only
 * the stale folders go.
 */
export function pruneCache(cacheDir: string, opts: PruneOptions = {}): PruneResult {
  const now = opts.now ?? Date.now();
  const result: PruneResult = {
    dir: cacheDir, removed: { entries: 0, bytes: 0 }, kept: { entries: 0, bytes: 0 }, stale_staging: { dirs: 0, bytes: 0 },
    results: { removed: { entries: 0, bytes: 0 }, kept: { entries: 0, bytes: 0 } },
  };
  for (const r of listResultFiles(cacheDir)) {
    const remove = opts.all || (opts.olderThanMs !== undefined && now - r.lastUsedMs > opts.olderThanMs);
    if (remove) rmSync(r.file, { force: true });
    const tally = remove ? result.results.removed : result.results.kept;
    tally.entries += 1;
    tally.bytes += r.bytes;
  }
  const found = walk(cacheDir);
  for (const e of found.entries) {
    const dir = join(e.shard, e.name);
    const info = describeEntry(dir, e.name);
    const old = opts.olderThanMs !== undefined && now - Date.parse(info.last_used) > opts.olderThanMs;
    if ((opts.all || old) && removeRdmEntry(dir)) {
      result.removed.entries += 1;
      result.removed.bytes += info.bytes;
    } else {
      result.kept.entries += 1;
      result.kept.bytes += info.bytes;
    }
  }
  for (const s of found.staging) {
    if (!isStaleStagingDir(s.shard, s.name, now)) continue;
    const path = join(s.shard, s.name);
    const bytes = folderBytes(path);
    try {
      rmSync(path, { recursive: true, force: true });
      result.stale_staging.dirs += 1;
      result.stale_staging.bytes += bytes;
    } catch {
      // Another prune got there first.
    }
  }
  // Shard folders left empty go too (rmdir refuses non-empty ones: a writer may be busy there).
  for (const shard of new Set(found.entries.concat(found.staging).map((f) => f.shard).filter((d) => d !== join(cacheDir, RDMS_DIR)))) {
    try {
      rmdirSync(shard);
    } catch {
      // not empty
    }
  }
  if (opts.all) rmSync(join(cacheDir, HASHES_FILE), { force: true });
  return result;
}
