/**
 * Predicted labels in the cache: per (model, output tensor, stimuli) the
 * class each stimulus was given, so a rerun whose RDMs are all cached needs
 * no model at all. An entry is `<cache>/labels/ab/<key>/` with labels.npy
 * (int32, N) and meta.json (its sha256), written and replaced like an RDM
 * entry: a reader never sees half of one, and a damaged one reads as corrupt.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { encodeNpy, parseNpy } from '../io/npy.js';
import { isCacheKey } from './cacheKey.js';
import { createTempDir, PARTIAL_MARKER, trashName } from './stagingDirs.js';
import { fsFailure } from '../io/fsErrors.js';

export const LABELS_FORMAT = 'seedscope-labels/1';
export const LABELS_DIR = 'labels';
const PAYLOAD = 'labels.npy';
const META = 'meta.json';

interface LabelMeta {
  format: string;
  key: string;
  n: number;
  /** logits per stimulus (classes the model can predict) */
  width: number;
  sha256: string;
}

export type LabelGetResult =
  | { status: 'hit'; labels: Int32Array; width: number }
  | { status: 'miss' }
  | { status: 'corrupt'; reason: string };

export class LabelCache {
  constructor(readonly cacheDir: string) {}

  private dir(key: string): string {
    if (!isCacheKey(key)) throw new TypeError(`LabelCache: a key is 64 lowercase hex characters but received '${key}'`);
    return join(this.cacheDir, LABELS_DIR, key.slice(0, 2), key);
  }

  get(key: string): LabelGetResult {
    const dir = this.dir(key);
    if (!existsSync(join(dir, META))) return { status: 'miss' };
    try {
      const meta = JSON.parse(readFileSync(join(dir, META), 'utf8')) as LabelMeta;
      const bytes = readFileSync(join(dir, PAYLOAD));
      const sha = createHash('sha256').update(bytes).digest('hex');
      if (meta.format !== LABELS_FORMAT || meta.key !== key || sha !== meta.sha256) return { status: 'corrupt', reason: 'checksum or meta.json does not match' };
      const arr = parseNpy(bytes, join(dir, PAYLOAD));
      if (!(arr.data instanceof Int32Array) || arr.data.length !== meta.n) return { status: 'corrupt', reason: `expected ${meta.n} int32 labels` };
      return { status: 'hit', labels: arr.data, width: meta.width };
    } catch (err) {
      return { status: 'corrupt', reason: (err as Error).message };
    }
  }

  put(key: string, labels: Int32Array, width: number): void {
    const dir = this.dir(key);
    if (existsSync(join(dir, META))) return;
    let tmp: string;
    try {
      tmp = createTempDir(dirname(dir), basename(dir));
    } catch (err) {
      throw fsFailure('write the label cache entry', dir, err);
    }
    try {
      const parts = encodeNpy(labels, [labels.length]);
      const bytes = Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
      writeFileSync(join(tmp, PAYLOAD), bytes);
      const meta: LabelMeta = { format: LABELS_FORMAT, key, n: labels.length, width, sha256: createHash('sha256').update(bytes).digest('hex') };
      writeFileSync(join(tmp, META), JSON.stringify(meta) + '\n');
      try {
        renameSync(tmp, dir);
      } catch {
        // another writer put the same content in place first
        rmSync(tmp, { recursive: true, force: true });
        return;
      }
      rmSync(join(dir, PARTIAL_MARKER), { force: true });
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      // a full disk or a file-size limit: one line naming the entry
      throw fsFailure('write the label cache entry', dir, err);
    }
  }

  remove(key: string): void {
    const dir = this.dir(key);
    if (!existsSync(dir)) return;
    const trash = trashName(dirname(dir));
    renameSync(dir, trash);
    rmSync(trash, { recursive: true, force: true });
  }
}
