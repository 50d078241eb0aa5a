/**
 * Instances of one zoo must share one graph: the same ops in the same order,
 * the same tensor names, the same input and the same weight shapes. The first
 * difference is reported with its place, so a user can see which export
 * differs.
 */
import { UserError } from '../errors.js';
import type { OnnxModel } from './onnxModel.js';

function dimsText(d: readonly unknown[] | null | undefined): string {
  return d ? `[${d.map((x) => (x === null ? '?' : String(x))).join(', ')}]` : 'unknown';
}

/** Returns a sentence saying where `other` differs from `ref`, or null if they match. */
export function graphDifference(ref: OnnxModel, other: OnnxModel): string | null {
  const ri = ref.inputs.map((i) => `${i.name} ${dimsText(i.dims)}`).join('; ');
  const oi = other.inputs.map((i) => `${i.name} ${dimsText(i.dims)}`).join('; ');
  if (ri !== oi) return `inputs differ: ${oi} vs ${ri}`;
  const n = Math.min(ref.nodes.length, other.nodes.length);
  for (let k = 0; k < n; k++) {
    const a = ref.nodes[k]!;
    const b = other.nodes[k]!;
    if (a.opType !== b.opType) return `node ${k} is ${b.opType} ('${b.name}') but ${a.opType} ('${a.name}') in the reference`;
    if (a.outputs.join('\u0000') !== b.outputs.join('\u0000')) {
      return `node ${k} (${b.opType}) outputs ${b.outputs.join(', ')} but ${a.outputs.join(', ')} in the reference`;
    }
  }
  if (ref.nodes.length !== other.nodes.length) {
    return `it has ${other.nodes.length} nodes but the reference has ${ref.nodes.length}`;
  }
  for (const [name, dims] of ref.initializers) {
    const od = other.initializers.get(name);
    if (!od) return `weight '${name}' is missing`;
    if (od.join(',') !== dims.join(',')) return `weight '${name}' has shape ${dimsText(od)} but ${dimsText(dims)} in the reference`;
  }
  if (other.initializers.size !== ref.initializers.size) {
    return `it has ${other.initializers.size} weight tensors but the reference has ${ref.initializers.size}`;
  }
  const ro = ref.outputs.map((o) => o.name).join(', ');
  const oo = other.outputs.map((o) => o.name).join(', ');
  if (ro !== oo) return `graph outputs are ${oo} but ${ro} in the reference`;
  return null;
}

/** Throws a UserError naming the first instance whose graph differs from the first one's. */
export function checkSameGraph(models: readonly OnnxModel[]): void {
  const ref = models[0];
  if (!ref) return;
  for (const m of models.slice(1)) {
    const diff = graphDifference(ref, m);
    if (diff) {
      throw new UserError(`${m.file}: expected the same graph as ${ref.file} (instances of a zoo differ only in their weights) but ${diff}`);
    }
  }
}
