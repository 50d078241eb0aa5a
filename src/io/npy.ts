/**
 * NumPy .npy files, C order, little-endian: format versions 1.0, 2.0 and 3.0
 * are read; 1.0 is written (a header holding a dtype and a shape never needs
 * 2.0's longer header length).
 * Reading accepts float32/float64 and integer dtypes; every malformed case is a
 * UserError that names the file and what was expected.
 */
import { readFileSync, existsSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';
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

function parseHeader(header: string, file: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new UserError(`${file}: expected a .npy header with descr, fortran_order and shape but received "${header.trim()}"`);
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((s) => {
    const n = Number(s.replace(/L$/, ''));
    if (!Number.isInteger(n) || n < 0) throw new UserError(`${file}: expected non-negative integer dimensions in the .npy shape but received (${shapeText})`);
    return n;
  });
  return { descr, fortran: fortran === 'True', shape };
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
  if (offset + headerLen > bytes.length) throw new UserError(`${file}: truncated .npy header`);
  const header = Buffer.from(bytes.subarray(offset, offset + headerLen)).toString(major === 3 ? 'utf8' : 'latin1');
  const { descr, fortran, shape } = parseHeader(header, file);
  const kind = DESCR[descr === '<f4' || descr === 'f4' ? '<f4' : descr.replace(/^=/, '<')];
  if (!kind) {
    throw new UserError(`${file}: expected dtype float32 or float64 (or an integer dtype for labels) but received '${descr}'`);
  }
  if (fortran && shape.length > 1) {
    throw new UserError(`${file}: expected a C-order array but received fortran_order=True (save it with np.ascontiguousarray)`);
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
    throw new UserError(`${file}: expected ${need} bytes of ${kind.dtype} data for shape (${shape.join(', ')}) but the file holds ${have} (truncated?)`);
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
