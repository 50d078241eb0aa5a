/**
 * The IDX format of MNIST and Fashion-MNIST (big-endian header: two zero
 * bytes, a type byte, the number of dimensions, then one uint32 per
 * dimension), raw or gzip-compressed (detected by its magic bytes).
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { kMaxLength } from 'node:buffer';
import { UserError, oneLine } from '../errors.js';
import { formatBytes, memoryBudget } from '../resources.js';

const UBYTE = 0x08;

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export function readIdx(file: string): IdxArray {
  if (!existsSync(file)) throw new UserError(`${file}: file not found`);
  let bytes: Uint8Array = readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      // a gzip bomb (a small file that inflates to terabytes) stops at the memory budget
      bytes = gunzipSync(bytes, { maxOutputLength: Math.min(kMaxLength, Math.floor(memoryBudget())) });
    } catch (err) {
      if (err instanceof RangeError) {
        throw new UserError(`${file}: the gzip-compressed IDX file inflates to more than ${formatBytes(Math.min(kMaxLength, memoryBudget()))}, more than seedscope can hold`);
      }
      throw new UserError(`${file}: expected a gzip-compressed IDX file but it cannot be decompressed (${oneLine((err as Error).message)}; truncated?)`);
    }
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new UserError(`${file}: expected an IDX file (starting with two zero bytes) but it starts differently`);
  }
  if (bytes[2] !== UBYTE) {
    throw new UserError(`${file}: expected IDX data type 0x08 (unsigned bytes) but received 0x${bytes[2]!.toString(16).padStart(2, '0')}`);
  }
  const ndim = bytes[3]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (ndim < 1 || bytes.length < 4 + 4 * ndim) throw new UserError(`${file}: truncated IDX header`);
  const dims = Array.from({ length: ndim }, (_, k) => view.getUint32(4 + 4 * k, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * ndim;
  if (bytes.length - start < count) {
    throw new UserError(`${file}: expected ${count} bytes (${formatBytes(count)}) of data for IDX dimensions ${dims.join(' × ')} but the file holds ${bytes.length - start} (truncated?)`);
  }
  return { dims, data: bytes.subarray(start, start + count) };
}

/** Images: N × H × W (grey) or N × H × W × C. */
export function readIdxImages(file: string): { n: number; height: number; width: number; channels: number; pixels: Uint8Array } {
  const a = readIdx(file);
  if (a.dims.length !== 3 && a.dims.length !== 4) {
    throw new UserError(`${file}: expected IDX images with 3 dimensions (N × H × W) or 4 (N × H × W × C) but received ${a.dims.length}`);
  }
  const [n, height, width, channels = 1] = a.dims as [number, number, number, number?];
  // with a zero dimension the header can claim 10^9 images in an empty file
  if (height < 1 || width < 1 || channels < 1) {
    throw new UserError(`${file}: expected images of at least 1 × 1 pixels and 1 channel but the IDX dimensions are ${a.dims.join(' × ')}`);
  }
  return { n, height, width, channels, pixels: a.data };
}

export function readIdxLabels(file: string): Int32Array {
  const a = readIdx(file);
  if (a.dims.length !== 1) throw new UserError(`${file}: expected IDX labels with 1 dimension but received ${a.dims.length}`);
  return Int32Array.from(a.data);
}
