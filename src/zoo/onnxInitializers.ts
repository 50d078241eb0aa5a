/**
 * Where an ONNX file keeps its initializers' data: a walk over the protobuf
 * wire format of ModelProto → graph → initializer that records, for each
 * tensor, its name, type, shape, storage and the byte ranges of its elements
 * in the file. Writers that change weights (src/zoo/synthZoo.ts) overwrite
 * those bytes in a copy of the file, so everything else in it (fields of any
 * ONNX version, their order, unknown fields) stays exactly as it was; a
 * decode/encode round trip with onnx-proto would keep only the fields of its
 * own schema.
 *
 * Field numbers (onnx.proto): ModelProto.graph = 7; GraphProto.initializer = 5;
 * TensorProto: dims = 1, data_type = 2, segment = 3, float_data = 4, name = 8,
 * raw_data = 9, external_data = 13, data_location = 14.
 */
import { UserError } from '../errors.js';

export const ONNX_FLOAT = 1;

/** A byte range [start, end) of the file. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface InitializerData {
  name: string;
  /** TensorProto.DataType (1 = float32). */
  dataType: number;
  dims: number[];
  /** Product of dims (1 for a scalar). */
  elements: number;
  /** The data lives in another file (data_location EXTERNAL or external_data entries). */
  external: boolean;
  /** A segment of a larger tensor (TensorProto.segment). */
  segment: boolean;
  /** Where the elements are: raw_data (little-endian bytes), float_data, or nowhere in this file. */
  storage: 'raw_data' | 'float_data' | 'none';
  /**
   * Float32 tensors: the byte ranges holding the elements, in element order
   * (4 bytes each, little-endian). One range for raw_data; for float_data one
   * per packed run or unpacked element. Empty for other types.
   */
  floatRanges: ByteRange[];
}

class WireReader {
  pos: number;
  constructor(private readonly bytes: Uint8Array, start: number, readonly end: number, private readonly file: string) {
    this.pos = start;
  }

  fail(what: string): never {
    throw new UserError(`${this.file}: expected an ONNX model but its bytes are malformed near offset ${this.pos} (${what})`);
  }

  more(): boolean {
    return this.pos < this.end;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let k = 0; k < 10; k++) {
      if (this.pos >= this.end) this.fail('a varint runs past its message');
      const b = this.bytes[this.pos++]!;
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return value;
      scale *= 128;
    }
    return this.fail('a varint longer than 10 bytes');
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wire: number } {
    const t = this.varint();
    return { field: Math.floor(t / 8), wire: t % 8 };
  }

  /** A length-delimited field's payload range (the position moves past it). */
  lengthDelimited(): ByteRange {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) this.fail('a length-delimited field runs past its message');
    this.pos = start + len;
    return { start, end: start + len };
  }

  skip(wire: number): void {
    switch (wire) {
      case 0: this.varint(); return;
      case 1: this.advance(8); return;
      case 2: this.lengthDelimited(); return;
      case 5: this.advance(4); return;
      default: this.fail(`wire type ${wire}`);
    }
  }

  advance(n: number): void {
    if (this.pos + n > this.end) this.fail('a fixed-width field runs past its message');
    this.pos += n;
  }
}

const utf8 = new TextDecoder('utf-8');

function readTensor(bytes: Uint8Array, range: ByteRange, file: string): InitializerData {
  const r = new WireReader(bytes, range.start, range.end, file);
  let name = '';
  let dataType = 0;
  const dims: number[] = [];
  let external = false;
  let segment = false;
  let raw: ByteRange | null = null;
  const floatData: ByteRange[] = [];
  while (r.more()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 0) dims.push(r.varint());
    else if (field === 1 && wire === 2) {
      const packed = r.lengthDelimited();
      const inner = new WireReader(bytes, packed.start, packed.end, file);
      while (inner.more()) dims.push(inner.varint());
    } else if (field === 2 && wire === 0) dataType = r.varint();
    else if (field === 3 && wire === 2) {
      r.lengthDelimited();
      segment = true;
    } else if (field === 4 && wire === 2) {
      const packed = r.lengthDelimited();
      if ((packed.end - packed.start) % 4 !== 0) r.fail('packed float_data of a length that is not a multiple of 4');
      if (packed.end > packed.start) floatData.push(packed);
    } else if (field === 4 && wire === 5) {
      floatData.push({ start: r.pos, end: r.pos + 4 });
      r.advance(4);
    } else if (field === 8 && wire === 2) {
      const s = r.lengthDelimited();
      name = utf8.decode(bytes.subarray(s.start, s.end));
    } else if (field === 9 && wire === 2) raw = r.lengthDelimited(); // the last one wins, as protobuf reads it
    else if (field === 13 && wire === 2) {
      r.lengthDelimited();
      external = true;
    } else if (field === 14 && wire === 0) {
      if (r.varint() === 1) external = true;
    } else r.skip(wire);
  }
  const elements = dims.reduce((a, b) => a * b, 1);
  const hasRaw = raw !== null && raw.end > raw.start;
  const storage = hasRaw ? 'raw_data' : floatData.length > 0 ? 'float_data' : 'none';
  let floatRanges: ByteRange[] = [];
  if (dataType === ONNX_FLOAT && !external) {
    floatRanges = hasRaw ? [raw!] : floatData;
    const stored = floatRanges.reduce((n, x) => n + (x.end - x.start) / 4, 0);
    if (storage !== 'none' && stored !== elements) {
      throw new UserError(`${file}: initializer '${name}' has shape [${dims.join(', ')}] (${elements} elements) but its ${storage} holds ${stored} float32 values`);
    }
  }
  return { name, dataType, dims, elements, external, segment, storage, floatRanges };
}

function fieldRanges(bytes: Uint8Array, range: ByteRange, wanted: number, file: string): ByteRange[] {
  const r = new WireReader(bytes, range.start, range.end, file);
  const found: ByteRange[] = [];
  while (r.more()) {
    const { field, wire } = r.tag();
    if (field === wanted && wire === 2) found.push(r.lengthDelimited());
    else r.skip(wire);
  }
  return found;
}

/** Every initializer of the main graph (not of subgraphs), in file order. `file` names the model in errors. */
export function readInitializers(bytes: Uint8Array, file: string): InitializerData[] {
  const graphs = fieldRanges(bytes, { start: 0, end: bytes.length }, 7, file);
  return graphs.flatMap((g) => fieldRanges(bytes, g, 5, file).map((t) => readTensor(bytes, t, file)));
}
