/**
 * Layer selection: `resolveLayers(zoo or model, specs)`. Each spec is
 *   - a zoo short name (`conv1`) or an exact tensor name (`/relu1/Relu_output_0`),
 *   - a glob pattern (`relu*`, `/conv*`; `*` also matches '/'), matched against
 *     short names and tensor names,
 *   - `op:Relu`: every float output of that op type;
 *   - `depth:0.25,0.5,1`: by relative depth among the natural layers (those
 *     `seedscope layers` marks): depth f picks natural layer round(f · M) of
 *     the M (counted from 1, at least the first), named `depth:f`. This is how
 *     networks of different architectures are compared layer for layer;
 * and specs may be repeated or comma-separated. No spec: the zoo's named
 * layers, or for plain models the outputs of every nonlinearity plus the
 * graph outputs. Layers come back in graph order, each tensor once. An unknown
 * name is an error that suggests the closest names.
 */
import picomatch from 'picomatch';
import { UserError } from '../errors.js';
import { layerCatalog, type LayerInfo } from './layerCatalog.js';
import type { OnnxModel } from './onnxModel.js';
import type { Zoo } from './zoo.js';

export interface ResolvedLayer {
  /** Short name (zoo.json) or the tensor name. */
  name: string;
  tensor: string;
  op: string;
  node: number;
  /** Per-stimulus shape. */
  shape: number[];
  size: number;
  /** The tensor's element type in the model (float32, float16, float64); its activations are always float32. */
  dtype?: string;
}

const PATTERN_CHARS = /[*?[\]{}!]/;
// '/' is a path separator for picomatch; in tensor names it is just a character.
const SLASH = '\u2215';

function isZoo(x: Zoo | OnnxModel): x is Zoo {
  return 'instances' in x;
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

export function closestNames(name: string, candidates: readonly string[], k = 3): string[] {
  const lower = name.toLowerCase();
  // tensor names are often paths ('/relu1/Relu_output_0'): compare with each part too
  const distance = (c: string): number => {
    const keys = [c, ...c.split('/').filter((p) => p.length > 0)].map((k) => k.toLowerCase());
    return Math.min(...keys.map((k) => editDistance(lower, k) - (k.includes(lower) ? 2 : 0)));
  };
  return [...new Set(candidates)]
    .map((c) => ({ c, d: distance(c) }))
    .sort((x, y) => x.d - y.d) // stable: ties keep the order given (short names first)
    .slice(0, k)
    .map((x) => x.c);
}

function toResolved(l: LayerInfo): ResolvedLayer {
  return { name: l.short ?? l.tensor, tensor: l.tensor, op: l.op, node: l.node, shape: l.shape, size: l.size, dtype: l.dtype };
}

/** The natural layer at relative depth f ∈ [0, 1]: number round(f · M) of the M, counted from 1, at least the first. */
export function layerAtDepth<T>(natural: readonly T[], f: number): T {
  const m = natural.length;
  return natural[Math.min(m, Math.max(1, Math.round(f * m))) - 1]!;
}

/**
 * Splits specs into depths and the rest: `depth:0.25,0.5` is cut at the comma
 * like every list, so the bare numbers that follow a depth: spec are depths too.
 */
function splitDepths(parts: readonly string[]): { depths: { name: string; value: number; spec: string }[]; rest: string[] } {
  const depths: { name: string; value: number; spec: string }[] = [];
  const rest: string[] = [];
  let inDepths = false;
  for (const part of parts) {
    const prefixed = /^depth:/i.test(part);
    if (!prefixed && !(inDepths && /^[0-9.]+$/.test(part))) {
      inDepths = false;
      rest.push(part);
      continue;
    }
    inDepths = true;
    const text = prefixed ? part.slice('depth:'.length) : part;
    const value = /^(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
    if (!(value >= 0 && value <= 1)) {
      throw new UserError(`--layers depth:${text}: expected a relative depth in [0, 1] (0: the first natural layer, 1: the last)`);
    }
    depths.push({ name: `depth:${value}`, value, spec: part });
  }
  return { depths, rest };
}

export async function resolveLayers(target: Zoo | OnnxModel, specs: readonly string[] = []): Promise<ResolvedLayer[]> {
  const catalog = await layerCatalog(target);
  const byTensor = new Map(catalog.map((l) => [l.tensor, l]));
  const shortNames = isZoo(target) ? target.layers : [];
  const model = isZoo(target) ? target.reference : target;
  const allTensors = new Set(model.nodes.flatMap((n) => n.outputs));
  const picked = new Set<string>();
  const split = splitDepths(specs.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s.length > 0));
  const parts = split.rest;

  if (parts.length === 0 && split.depths.length === 0) {
    if (shortNames.length > 0) {
      for (const l of shortNames) picked.add(l.tensor);
    } else {
      for (const l of catalog) if (l.activation || l.graphOutput) picked.add(l.tensor);
    }
  }
  for (const spec of parts) {
    if (spec.startsWith('op:')) {
      const op = spec.slice(3).toLowerCase();
      const hits = catalog.filter((l) => l.op.toLowerCase() === op);
      if (hits.length === 0) {
        const ops = [...new Set(catalog.map((l) => l.op))].join(', ');
        throw new UserError(`--layers ${spec}: no layer is the output of a ${spec.slice(3)} op; ops in ${model.file}: ${ops}`);
      }
      for (const l of hits) picked.add(l.tensor);
      continue;
    }
    const short = shortNames.find((l) => l.name === spec);
    if (short) {
      picked.add(short.tensor);
      continue;
    }
    if (byTensor.has(spec)) {
      picked.add(spec);
      continue;
    }
    if (allTensors.has(spec)) {
      throw new UserError(`--layers ${spec}: this tensor is not a per-stimulus float activation (constant, shape or integer tensor), so it cannot be a layer`);
    }
    if (PATTERN_CHARS.test(spec)) {
      const isMatch = picomatch(spec.split('/').join(SLASH), { dot: true });
      const test = (name: string): boolean => isMatch(name.split('/').join(SLASH));
      const hits = catalog.filter((l) => test(l.tensor) || (l.short !== undefined && test(l.short)));
      if (hits.length === 0) {
        throw new UserError(`--layers ${spec}: the pattern matches no layer (run "seedscope layers ${model.file}" to list them)`);
      }
      for (const l of hits) picked.add(l.tensor);
      continue;
    }
    const names = [...shortNames.map((l) => l.name), ...catalog.map((l) => l.tensor)];
    const near = closestNames(spec, names);
    throw new UserError(`--layers ${spec}: no layer or tensor has this name; did you mean ${near.map((n) => `'${n}'`).join(', ')}?`);
  }
  for (const t of picked) {
    if (!byTensor.has(t)) throw new UserError(`layer tensor '${t}' of ${model.file} is not a per-stimulus float activation`);
  }
  const named = catalog.filter((l) => picked.has(l.tensor)).map(toResolved);
  if (split.depths.length === 0) return named;
  const natural = catalog.filter((l) => l.natural);
  if (natural.length === 0) throw new UserError(`--layers ${split.depths[0]!.spec}: ${model.file} has no natural layer to count depth by`);
  const seen = new Set(named.map((l) => l.name));
  const byDepth = split.depths.filter((d) => !seen.has(d.name) && seen.add(d.name))
    .map((d) => ({ ...toResolved(layerAtDepth(natural, d.value)), name: d.name }));
  // graph order, a depth after a named layer of the same tensor
  return [...named, ...byDepth].sort((a, b) => a.node - b.node);
}
