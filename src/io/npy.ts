/**
 * NumPy .npy files, C order, little-endian: format versions 1.0, 2.0 and 3.0
 * are read; 1.0 is written (a header holding a dtype and a shape never needs
 * 2.0's longer header length).
 * Reading accepts float32/float64 and integer dtypes; every malformed case is a
 * UserError that names the file and what was expected.
 */
import { readFileSync, existsSync, statSync } from 'node:fs';
import { UserError, quoted } from '../errors.js';
import { parseNpyHeaderDict } from './npyHeader.js';
import { formatBytes } from '../resources.js';
import { writeFileAtomic } from './atomicWrite.js';

export type NpyDtype = 'float32' | 'float64' | 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64';

export type NpyData = Float32Array | Float64Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: NpyData;
}

const DESCR: Record<string, { dtype: NpyDtype; size: number }> = {
  '<f4': { dtype: 'float32', size: 4 },
  '<f8': { dtype: 'float64', size: 8 },
  '|u1': { dtype: 'uint8', size: 1 },
  '|i1': { dtype: 'int8', size: 1 },
  '<i2': { dtype: 'int16', size: 2 },
  '<u2': { dtype: 'uint16', size: 2 },
  '<i4': { dtype: 'int32', size: 4 },
  '<u4': { dtype: 'uint32', size: 4 },
  '<i8': { dtype: 'int64', size: 8 },
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** numpy (≥ 1.24, `max_header_size`) refuses longer headers unless told they are trusted */
const MAX_HEADER = 10000;

/**
 * The dtype of a descr string: byte order '<', '=' or none (and '|', which
 * numpy also accepts) with a kind and size seedscope reads; big-endian '>' is
 * refused except for single bytes, where order means nothing.
 */
function dtypeOf(descr: string): { dtype: NpyDtype; size: number } | undefined {
  const m = /^([<=|>]?)([fiu][1248])$/.exec(descr);
  if (!m) return undefined;
  const kind = DESCR[(m[2]!.endsWith('1') ? '|' : '<') + m[2]!];
  if (m[1] === '>' && kind && kind.size > 1) return undefined;
  return kind;
}

/** What a .npy header says: enough to read the data at an offset without loading it. */
export interface NpyHeader {
  dtype: NpyDtype;
  shape: number[];
  /** bytes per element */
  itemSize: number;
  /** byte offset of the first element in the file */
  dataOffset: number;
}

/**
 * Parses the magic, version and header of .npy bytes (the data may be absent:
 * `bytes` can be just the file's first bytes); `file` is used in error messages only.
 */
export function parseNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new UserError(`${file}: expected a NumPy .npy file (magic \\x93NUMPY) but the file does not start with it`);
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let offset: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    offset = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new UserError(`${file}: truncated .npy header`);
    headerLen = view.getUint32(8, true);
    offset = 12;
  } else {
    throw new UserError(`${file}: expected .npy format version 1, 2 or 3 but received ${major}`);
  }
  if (bytes[7] !== 0) throw new UserError(`${file}: expected .npy format version ${major}.0 but received ${major}.${bytes[7]}`);
  if (headerLen > MAX_HEADER) {
    throw new UserError(`${file}: the .npy header claims ${headerLen} bytes; numpy refuses headers above ${MAX_HEADER} bytes`);
  }
  if (offset + headerLen > bytes.length) throw new UserError(`${file}: truncated .npy header (it claims ${headerLen} bytes but the file ends first)`);
  const raw = bytes.subarray(offset, offset + headerLen);
  let header: string;
  try {
    header = major === 3 ? new TextDecoder('utf-8', { fatal: true }).decode(raw) : Buffer.from(raw).toString('latin1');
  } catch {
    throw new UserError(`${file}: expected a UTF-8 .npy header (format 3.0) but it holds bytes that are not UTF-8`);
  }
  const { descr, fortranOrder: fortran, shape } = parseNpyHeaderDict(header, file, major);
  const kind = dtypeOf(descr);
  if (!kind) {
    throw new UserError(`${file}: expected dtype float32 or float64 (or an integer dtype for labels) but received ${quoted(descr, 30)}`);
  }
  if (fortran && shape.filter((d) => d !== 1).length > 1) {
    throw new UserError(`${file}: expected a C-order array but received fortran_order=True (save it with np.ascontiguousarray)`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count * kind.size)) {
    throw new UserError(`${file}: the .npy shape (${shape.join(', ')}) claims ${count.toExponential(2)} elements, more than any file can hold`);
  }
  return { dtype: kind.dtype, shape, itemSize: kind.size, dataOffset: offset + headerLen };
}

/** Parses .npy bytes; `file` is used in error messages only. */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const { dtype, shape, itemSize, dataOffset } = parseNpyHeader(bytes, file);
  const kind = { dtype, size: itemSize };
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = dataOffset;
  const need = count * kind.size;
  const have = bytes.length - dataStart;
  if (have < need) {
    throw new UserError(`${file}: expected ${need} bytes (${formatBytes(need)}) of ${kind.dtype} data for shape (${shape.join(', ')}) but the file holds ${have} (truncated?)`);
  }
  // Copy into an aligned buffer: the data offset is not always a multiple of the element size.
  // (Buffer.slice does not copy, so copy explicitly.)
  const raw = new Uint8Array(need);
  raw.set(bytes.subarray(dataStart, dataStart + need));
  const buf = raw.buffer;
  let data: NpyData;
  switch (kind.dtype) {
    case 'float32': data = new Float32Array(buf, 0, count); break;
    case 'float64': data = new Float64Array(buf, 0, count); break;
    case 'uint8': data = new Uint8Array(buf, 0, count); break;
    case 'int8': data = new Int8Array(buf, 0, count); break;
    case 'int16': data = new Int16Array(buf, 0, count); break;
    case 'uint16': data = new Uint16Array(buf, 0, count); break;
    case 'int32': data = new Int32Array(buf, 0, count); break;
    case 'uint32': data = new Uint32Array(buf, 0, count); break;
    case 'int64': data = new BigInt64Array(buf, 0, count); break;
  }
  return { dtype: kind.dtype, shape, data };
}

export function readNpy(file: string): NpyArray {
  if (!existsSync(file)) throw new UserError(`${file}: file not found`);
  if (statSync(file).isDirectory()) throw new UserError(`${file}: expected a .npy file but received a directory`);
  return parseNpy(readFileSync(file), file);
}

/** Reads a float array (float32 or float64) and rejects other dtypes. */
export function readFloatNpy(file: string): NpyArray & { data: Float32Array | Float64Array } {
  const a = readNpy(file);
  if (!(a.data instanceof Float32Array || a.data instanceof Float64Array)) {
    throw new UserError(`${file}: expected dtype float32 or float64 but received ${a.dtype}`);
  }
  return a as NpyArray & { data: Float32Array | Float64Array };
}

/** Numeric labels of any integer dtype as an Int32Array. */
export function toInt32Labels(a: NpyArray, file: string): Int32Array {
  const out = new Int32Array(a.data.length);
  for (let i = 0; i < a.data.length; i++) {
    const v = Number(a.data[i]!);
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      throw new UserError(`${file}: expected non-negative integer labels but element ${i} is ${v}`);
    }
    out[i] = v;
  }
  return out;
}

function descrOf(data: NpyData): string {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Uint8Array) return '|u1';
  if (data instanceof Int8Array) return '|i1';
  if (data instanceof Int16Array) return '<i2';
  if (data instanceof Uint16Array) return '<u2';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof Uint32Array) return '<u4';
  return '<i8';
}

/** The header (magic, version 1.0, padded dict) that precedes `shape` elements of `dtype`. */
export function encodeNpyHeader(dtype: NpyDtype, shape: readonly number[]): Uint8Array {
  const descr = Object.keys(DESCR).find((d) => DESCR[d]!.dtype === dtype)!;
  return headerFor(descr, shape);
}

function headerFor(descr: string, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const pre = 10;
  const total = pre + header.length + 1;
  const pad = (64 - (total % 64)) % 64;
  header = header + ' '.repeat(pad) + '\n';
  const head = new Uint8Array(pre + header.length);
  head.set(MAGIC, 0);
  head[6] = 1;
  head[7] = 0;
  new DataView(head.buffer).setUint16(8, header.length, true);
  head.set(Buffer.from(header, 'latin1'), pre);
  return head;
}

/** Serialises an array to .npy (format 1.0). */
export function encodeNpy(data: NpyData, shape: readonly number[]): Uint8Array[] {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`encodeNpy: shape (${shape.join(', ')}) does not match ${data.length} elements`);
  const head = headerFor(descrOf(data), shape);
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return [head, body];
}

export function writeNpy(file: string, data: NpyData, shape: readonly number[]): void {
  writeFileAtomic(file, encodeNpy(data, shape));
}
