/**
 * Exposing inner tensors as graph outputs, in memory; the file on disk is not
 * changed.
 *
 * Protobuf merges a repeated occurrence of an embedded-message field into the
 * first one (for `graph`, repeated fields such as `output` are appended). So
 * instead of decoding and re-encoding the whole model (weights included, and
 * losing any field newer than onnx-proto's schema), we append one small
 * ModelProto fragment `{ graph: { output: [...] } }`, encoded with onnx-proto,
 * to the original bytes. onnxruntime's protobuf parser merges it and infers the
 * new outputs' types and shapes itself. (protobufjs does not merge, so never
 * decode the result with onnx-proto: decode the original bytes instead.)
 */
import onnxProto from 'onnx-proto';
import type { OnnxModel } from './onnxModel.js';

export function exposeTensors(model: OnnxModel, tensors: readonly string[]): Uint8Array {
  const present = new Set(model.outputs.map((o) => o.name));
  const extra = [...new Set(tensors)].filter((t) => !present.has(t));
  if (extra.length === 0) return model.bytes;
  const fragment = onnxProto.onnx.ModelProto.encode({ graph: { output: extra.map((name) => ({ name })) } }).finish();
  const out = new Uint8Array(model.bytes.length + fragment.length);
  out.set(model.bytes, 0);
  out.set(fragment, model.bytes.length);
  return out;
}
