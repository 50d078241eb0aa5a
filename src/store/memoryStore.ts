/**
 * An RDM store in memory, for runs without a cache (--no-cache) whose RDMs
 * fit the memory budget: the same entries as the cache on disk (float32,
 * condensed, read back as the stored float32 values), without writing and
 * checksumming hundreds of files that the run deletes at its end. `dir` is
 * the run's temporary folder, for what still goes to files (predicted
 * labels, spilled activations).
 */
import type { RdmEntryInfo } from './entryMeta.js';
import type { CacheGetResult, RdmStore, StoredRdm } from './rdmCache.js';
import { checkReadRange } from './rdmEntry.js';
import { checkEntryArgs } from './writeEntry.js';

class MemoryEntry implements StoredRdm {
  constructor(private readonly values: Float32Array, readonly n: number) {}

  get length(): number {
    return this.values.length;
  }

  readRange(start: number, end: number, out: Float32Array | Float64Array, outOffset = 0): number {
    const count = checkReadRange(this.values.length, start, end, out.length, outOffset);
    out.set(this.values.subarray(start, end), outOffset);
    return count;
  }

  close(): void {
    // nothing is held open
  }
}

export class MemoryRdmStore implements RdmStore {
  private readonly entries = new Map<string, MemoryEntry>();
  /** bytes of the float32 values held */
  bytes = 0;

  constructor(readonly dir: string) {}

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): CacheGetResult {
    const e = this.entries.get(key);
    return e ? { status: 'hit', entry: e } : { status: 'miss' };
  }

  /** Stores a copy rounded to float32, as the cache on disk does (TypedArray.set rounds to nearest). */
  put(key: string, n: number, condensed: Float32Array | Float64Array, info: RdmEntryInfo): { status: 'written' | 'exists' } {
    checkEntryArgs('MemoryRdmStore', n, condensed, info);
    if (this.entries.has(key)) return { status: 'exists' };
    const values = new Float32Array(condensed.length);
    values.set(condensed);
    this.entries.set(key, new MemoryEntry(values, n));
    this.bytes += values.byteLength;
    return { status: 'written' };
  }

  remove(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    this.bytes -= 4 * e.length;
    return this.entries.delete(key);
  }
}
