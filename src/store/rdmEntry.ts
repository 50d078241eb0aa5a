/**
 * Opening a stored RDM entry and reading it in blocks. Opening checks meta.json,
 * the .npy header and the file size, and (by default) the sha256 of rdm.npy,
 * streamed in blocks; anything wrong is a typed result, never an exception, so
 * the caller warns in one line and recomputes. Reads go through fs.readSync at
 * offsets: asking for a block never loads the whole vector.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpyHeader } from '../io/npy.js';
import { META_FILE, PAYLOAD_FILE, checkMeta, condensedLength, condensedRowStart, type RdmEntryMeta } from './entryMeta.js';

export type OpenEntryResult =
  | { status: 'ok'; entry: RdmEntry }
  | { status: 'missing' }
  | { status: 'corrupt'; reason: string };

export interface OpenEntryOptions {
  /** check the sha256 of rdm.npy against meta.json (default true; the size is always checked) */
  verify?: boolean;
}

/** Bytes hashed per read while verifying. */
const HASH_BLOCK = 4 << 20;
/** float32 values staged per read when the destination is a Float64Array. */
const STAGE = 1 << 18;
/** Largest single read: fs.readSync takes at most 2 GiB − 1 bytes. */
const MAX_READ = 1 << 30;

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

function sha256OfFd(fd: number, size: number): string {
  const hash = createHash('sha256');
  const block = Buffer.allocUnsafe(Math.min(HASH_BLOCK, Math.max(size, 1)));
  for (let pos = 0; pos < size;) {
    const got = readSync(fd, block, 0, Math.min(block.length, size - pos), pos);
    if (got === 0) break;
    hash.update(block.subarray(0, got));
    pos += got;
  }
  return hash.digest('hex');
}

/** Fills `into` with the file's bytes from `position` on. */
function readExactly(fd: number, into: Uint8Array, position: number, file: string): void {
  for (let done = 0; done < into.length;) {
    const got = readSync(fd, into, done, Math.min(MAX_READ, into.length - done), position + done);
    if (got === 0) throw new Error(`${file}: ended early (removed or truncated while being read)`);
    done += got;
  }
}

/**
 * Opens the entry in `dir`. 'missing': no folder. 'corrupt': the folder exists
 * but meta.json is missing or invalid, or rdm.npy is missing, malformed, of the
 * wrong size or checksum. The returned entry holds a file descriptor: close() it.
 */
export function openRdmEntry(dir: string, opts: OpenEntryOptions = {}): OpenEntryResult {
  let metaText: string;
  try {
    metaText = readFileSync(join(dir, META_FILE), 'utf8');
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') return { status: 'corrupt', reason: `meta.json unreadable (${errnoCode(err) ?? String(err)})` };
    return existsSync(dir) ? { status: 'corrupt', reason: 'meta.json is missing' } : { status: 'missing' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(metaText);
  } catch {
    return { status: 'corrupt', reason: 'meta.json is not valid JSON' };
  }
  const meta = checkMeta(parsed);
  if (typeof meta === 'string') return { status: 'corrupt', reason: meta };
  const file = join(dir, PAYLOAD_FILE);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    return { status: 'corrupt', reason: `rdm.npy ${errnoCode(err) === 'ENOENT' ? 'is missing' : `unreadable (${errnoCode(err) ?? String(err)})`}` };
  }
  try {
    const reason = checkPayload(fd, meta, opts.verify ?? true);
    if (typeof reason === 'string') {
      closeSync(fd);
      return { status: 'corrupt', reason };
    }
    return { status: 'ok', entry: new RdmEntry(dir, meta, fd, reason.dataOffset) };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** Checks size, header and (when asked) checksum; returns the data offset or a reason. */
function checkPayload(fd: number, meta: RdmEntryMeta, verify: boolean): { dataOffset: number } | string {
  const size = fstatSync(fd).size;
  if (size !== meta.bytes) return `rdm.npy holds ${size} bytes but meta.json says ${meta.bytes} (truncated?)`;
  const head = Buffer.alloc(Math.min(size, 4096));
  readSync(fd, head, 0, head.length, 0);
  let header;
  try {
    header = parseNpyHeader(head, PAYLOAD_FILE);
  } catch (err) {
    return (err as Error).message;
  }
  const len = condensedLength(meta.n);
  if (header.dtype !== 'float32' || header.shape.length !== 1 || header.shape[0] !== len) {
    return `rdm.npy holds ${header.dtype} of shape (${header.shape.join(', ')}) but meta.json says float32 of length ${len} (n = ${meta.n})`;
  }
  if (header.dataOffset + 4 * len !== size) return `rdm.npy is ${size} bytes, expected ${header.dataOffset + 4 * len}`;
  if (verify) {
    const sum = sha256OfFd(fd, size);
    if (sum !== meta.sha256) return `rdm.npy sha256 is ${sum} but meta.json says ${meta.sha256} (altered or damaged)`;
  }
  return { dataOffset: header.dataOffset };
}

/**
 * An open, checked entry. Entries are immutable, and the descriptor keeps the
 * file readable even if the entry is removed meanwhile (prune).
 */
/**
 * The checks of a stored RDM's readRange (on disk or in memory): entries
 * [start, end) of `length`, written at outOffset of an array of outLength.
 * Returns the count.
 */
export function checkReadRange(length: number, start: number, end: number, outLength: number, outOffset: number): number {
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start <= end && end <= length)) {
    throw new RangeError(`readRange: expected 0 ≤ start ≤ end ≤ ${length} but received [${start}, ${end})`);
  }
  const count = end - start;
  if (!Number.isSafeInteger(outOffset) || outOffset < 0 || outOffset + count > outLength) {
    throw new RangeError(`readRange: ${count} values do not fit at offset ${outOffset} of an array of ${outLength}`);
  }
  return count;
}

export class RdmEntry {
  /** number of stimuli */
  readonly n: number;
  /** length of the condensed vector, n(n−1)/2 */
  readonly length: number;
  private fd: number | null;

  constructor(readonly dir: string, readonly meta: RdmEntryMeta, fd: number, private readonly dataOffset: number) {
    this.n = meta.n;
    this.length = condensedLength(meta.n);
    this.fd = fd;
  }

  private get file(): string {
    return join(this.dir, PAYLOAD_FILE);
  }

  /**
   * Condensed entries [start, end) into out[outOffset …]; float64 destinations
   * receive the stored float32 values exactly. Returns the count read.
   */
  readRange(start: number, end: number, out: Float32Array | Float64Array, outOffset = 0): number {
    if (this.fd === null) throw new Error(`${this.file}: read after close()`);
    const count = checkReadRange(this.length, start, end, out.length, outOffset);
    const position = this.dataOffset + 4 * start;
    if (out instanceof Float32Array) {
      readExactly(this.fd, new Uint8Array(out.buffer, out.byteOffset + 4 * outOffset, 4 * count), position, this.file);
      return count;
    }
    const stage = new Float32Array(Math.min(STAGE, Math.max(count, 1)));
    for (let k = 0; k < count; k += stage.length) {
      const m = Math.min(stage.length, count - k);
      readExactly(this.fd, new Uint8Array(stage.buffer, 0, 4 * m), position + 4 * k, this.file);
      out.set(stage.subarray(0, m), outOffset + k);
    }
    return count;
  }

  /**
   * Rows i0 ≤ i < i1 of the upper triangle in condensed form: the pairs (i, j),
   * j > i, row after row (a contiguous part of the vector). Returns the count read.
   */
  readCondensedRows(i0: number, i1: number, out: Float32Array | Float64Array, outOffset = 0): number {
    this.checkRows(i0, i1);
    return this.readRange(condensedRowStart(i0, this.n), condensedRowStart(i1, this.n), out, outOffset);
  }

  /**
   * Full rows i0 ≤ i < i1 of the square RDM (zero diagonal) into out, row-major,
   * (i1 − i0) × n values. Entries left of the diagonal come from earlier rows:
   * one read per earlier row (the block's columns there are contiguous).
   */
  readSquareRows(i0: number, i1: number, out: Float32Array | Float64Array): void {
    this.checkRows(i0, i1);
    const n = this.n;
    const rows = i1 - i0;
    if (out.length < rows * n) throw new RangeError(`readSquareRows: ${rows} rows of ${n} do not fit in an array of ${out.length}`);
    const upper = new Float32Array(condensedRowStart(i1, n) - condensedRowStart(i0, n));
    this.readRange(condensedRowStart(i0, n), condensedRowStart(i1, n), upper);
    let k = 0;
    for (let i = i0; i < i1; i++) {
      const row = (i - i0) * n;
      out[row + i] = 0;
      for (let j = i + 1; j < n; j++) {
        const v = upper[k++]!;
        out[row + j] = v;
        if (j < i1) out[(j - i0) * n + i] = v;
      }
    }
    const column = new Float32Array(rows);
    for (let r = 0; r < i0; r++) {
      // Row r holds (r, i0 … i1−1) contiguously.
      const at = condensedRowStart(r, n) + (i0 - r - 1);
      this.readRange(at, at + rows, column);
      for (let t = 0; t < rows; t++) out[t * n + r] = column[t]!;
    }
  }

  /** The whole condensed vector (float32, as stored). */
  readAll(): Float32Array {
    const out = new Float32Array(this.length);
    this.readRange(0, this.length, out);
    return out;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private checkRows(i0: number, i1: number): void {
    if (!(Number.isSafeInteger(i0) && Number.isSafeInteger(i1) && i0 >= 0 && i0 <= i1 && i1 <= this.n)) {
      throw new RangeError(`expected rows 0 ≤ i0 ≤ i1 ≤ ${this.n} but received [${i0}, ${i1})`);
    }
  }
}
