/**
 * zoo.json ("seedscope-zoo/1"): the typed validator. Every problem is a
 * UserError naming the file and the field path, e.g.
 * `zoo.json: instances[3].sha256: expected 64 hex characters but received "ab12"`.
 *
 * Format (see docs/formats.md, "zoo.json"):
 *   { format: "seedscope-zoo/1", name, architecture?, width?, dropout?, dataset?,
 *     input: { name, shape: [C,H,W] or [H,W,C] (no batch), layout: "NCHW"|"NHWC",
 *              scale, mean: [1 or C], std: [1 or C] },
 *     classes?: string[], output?: tensor name of the logits,
 *     layers?: [{ name: short name, tensor: ONNX tensor }],
 *     training?: free-form,
 *     instances: [{ name, seed?, file, sha256, external_data?: [{ file, sha256 }],
 *                   test_accuracy?, training_seconds?,
 *                   architecture?, input?, layers?, output? }] }
 * Preprocessing: x = (pixel / scale − mean[c]) / std[c].
 *
 * A mixed zoo (networks of different architectures compared in one analysis)
 * gives an instance its own `architecture`, and with it its own `input`,
 * `layers` and `output` where they differ from the zoo's; the top-level `input` may then be
 * left out when every instance has one. Instances of one architecture share
 * one graph and one input and layer map (checked).
 */
import { UserError } from '../errors.js';

export type Layout = 'NCHW' | 'NHWC';

export interface InputSpec {
  name: string;
  /** Per-stimulus shape, without the batch dimension, in `layout` order. */
  shape: number[];
  layout: Layout;
  scale: number;
  mean: number[];
  std: number[];
}

export interface ManifestLayer {
  name: string;
  tensor: string;
}

/** An external data file of an instance: its location as the model names it, and its checksum. */
export interface ManifestDataFile {
  file: string;
  sha256: string;
}

export interface ManifestInstance {
  name: string;
  seed: number | null;
  file: string;
  sha256: string;
  /** external data files of the model (required when it has any) */
  external_data: ManifestDataFile[] | null;
  test_accuracy: number | null;
  training_seconds: number | null;
  /** the instance's own architecture, input, layer names and logits (mixed zoos); null: the zoo's */
  architecture: string | null;
  input: InputSpec | null;
  layers: ManifestLayer[] | null;
  output: string | null;
}

export interface ZooManifest {
  format: 'seedscope-zoo/1';
  name: string;
  architecture: string | null;
  width: number | null;
  dropout: boolean | null;
  dataset: string | null;
  /** the zoo's input; null only when every instance names its own */
  input: InputSpec | null;
  classes: string[] | null;
  output: string | null;
  layers: ManifestLayer[];
  training: unknown;
  instances: ManifestInstance[];
}

export const ZOO_FORMAT = 'seedscope-zoo/1';

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? v.slice(0, 77) + '...' : v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

/** Walks a parsed JSON value; each accessor throws with the field's path. */
class Field {
  constructor(private readonly file: string, readonly path: string, readonly value: unknown) {}

  fail(expected: string): never {
    const where = this.path ? `${this.file}: ${this.path}` : this.file;
    throw new UserError(`${where}: expected ${expected} but received ${describe(this.value)}`);
  }

  get(key: string): Field {
    const obj = this.object();
    return new Field(this.file, this.path ? `${this.path}.${key}` : key, obj[key]);
  }

  has(key: string): boolean {
    const v = this.object()[key];
    return v !== undefined && v !== null;
  }

  object(): Record<string, unknown> {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value)) this.fail('an object');
    return this.value as Record<string, unknown>;
  }

  items(minLength = 0): Field[] {
    if (!Array.isArray(this.value)) this.fail('an array');
    const arr = this.value as unknown[];
    if (arr.length < minLength) this.fail(`an array of at least ${minLength}`);
    return arr.map((v, i) => new Field(this.file, `${this.path}[${i}]`, v));
  }

  string(): string {
    if (typeof this.value !== 'string' || this.value.length === 0) this.fail('a non-empty string');
    return this.value as string;
  }

  number(min = -Infinity, max = Infinity, what = 'a finite number'): number {
    if (typeof this.value !== 'number' || !Number.isFinite(this.value) || this.value < min || this.value > max) {
      this.fail(min === -Infinity && max === Infinity ? what : `${what} in [${min}, ${max}]`);
    }
    return this.value as number;
  }

  positiveNumber(): number {
    if (typeof this.value !== 'number' || !Number.isFinite(this.value) || this.value <= 0) this.fail('a positive number');
    return this.value as number;
  }

  integer(min: number): number {
    if (typeof this.value !== 'number' || !Number.isInteger(this.value) || this.value < min) this.fail(`an integer ≥ ${min}`);
    return this.value as number;
  }

  boolean(): boolean {
    if (typeof this.value !== 'boolean') this.fail('true or false');
    return this.value as boolean;
  }

  optional<T>(read: (f: Field) => T): T | null {
    return this.value === undefined || this.value === null ? null : read(this);
  }
}

function unique(fields: Field[], values: string[], what: string): void {
  const seen = new Map<string, number>();
  values.forEach((v, i) => {
    const prev = seen.get(v);
    if (prev !== undefined) fields[i]!.fail(`a unique ${what} (index ${prev} has the same)`);
    seen.set(v, i);
  });
}

function readInput(f: Field): InputSpec {
  const shapeFields = f.get('shape').items();
  if (shapeFields.length !== 3) f.get('shape').fail('3 dimensions without the batch ([C, H, W] or [H, W, C])');
  const shape = shapeFields.map((d) => d.integer(1));
  const layoutField = f.get('layout');
  const layoutText = layoutField.string();
  if (layoutText !== 'NCHW' && layoutText !== 'NHWC') layoutField.fail('"NCHW" or "NHWC"');
  const layout = layoutText as Layout;
  const channels = layout === 'NCHW' ? shape[0]! : shape[2]!;
  const perChannel = (key: 'mean' | 'std'): number[] => {
    const items = f.get(key).items(1);
    if (items.length !== 1 && items.length !== channels) f.get(key).fail(`1 or ${channels} values (one per channel)`);
    return items.map((x) => (key === 'std' ? x.positiveNumber() : x.number()));
  };
  return {
    name: f.get('name').string(),
    shape,
    layout,
    scale: f.get('scale').positiveNumber(),
    mean: perChannel('mean'),
    std: perChannel('std'),
  };
}

function readLayers(f: Field): ManifestLayer[] | null {
  const fields = f.optional((x) => x.items());
  if (!fields) return null;
  const layers = fields.map((l) => ({ name: l.get('name').string(), tensor: l.get('tensor').string() }));
  unique(fields.map((l) => l.get('name')), layers.map((l) => l.name), 'layer name');
  return layers;
}

/**
 * An instance that gives its own input or layers must name its architecture,
 * and instances of one architecture must agree on them: the architecture is
 * what groups instances into one graph.
 */
function checkArchitectures(fields: Field[], instances: ManifestInstance[]): void {
  const first = new Map<string, number>();
  instances.forEach((inst, i) => {
    const own = inst.input !== null || inst.layers !== null || inst.output !== null;
    if (own && inst.architecture === null) fields[i]!.get('architecture').fail('the name of the architecture whose input, layers or output this instance gives');
    if (inst.architecture === null) return;
    const j = first.get(inst.architecture);
    if (j === undefined) {
      first.set(inst.architecture, i);
      return;
    }
    for (const key of ['input', 'layers', 'output'] as const) {
      if (JSON.stringify(inst[key]) !== JSON.stringify(instances[j]![key])) {
        fields[i]!.get(key).fail(`the same ${key} as instances[${j}] (both are architecture "${inst.architecture}")`);
      }
    }
  });
}

/** Validates a parsed zoo.json; `file` names it in errors. */
export function validateZooManifest(json: unknown, file: string): ZooManifest {
  const root = new Field(file, '', json);
  root.object();
  const format = root.get('format');
  if (format.value !== ZOO_FORMAT) format.fail(`"${ZOO_FORMAT}"`);

  const classFields = root.get('classes').optional((f) => f.items(1));
  const classes = classFields?.map((c) => c.string()) ?? null;
  if (classFields && classes) unique(classFields, classes, 'class name');

  const layers = readLayers(root.get('layers')) ?? [];

  const instanceFields = root.get('instances').items(1);
  const checksum = (sha: Field): string => {
    if (typeof sha.value !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sha.value)) sha.fail('64 hex characters');
    return (sha.value as string).toLowerCase();
  };
  const instances = instanceFields.map((i): ManifestInstance => {
    const dataFields = i.get('external_data').optional((f) => f.items());
    const data = dataFields?.map((d) => ({ file: d.get('file').string(), sha256: checksum(d.get('sha256')) })) ?? null;
    if (dataFields && data) unique(dataFields.map((d) => d.get('file')), data.map((d) => d.file), 'data file');
    return {
      name: i.get('name').string(),
      seed: i.get('seed').optional((s) => s.integer(0)),
      file: i.get('file').string(),
      sha256: checksum(i.get('sha256')),
      external_data: data,
      test_accuracy: i.get('test_accuracy').optional((a) => a.number(0, 1, 'an accuracy')),
      training_seconds: i.get('training_seconds').optional((t) => t.number(0, Infinity, 'a number of seconds ≥ 0')),
      architecture: i.get('architecture').optional((f) => f.string()),
      input: i.get('input').optional(readInput),
      layers: readLayers(i.get('layers')),
      output: i.get('output').optional((f) => f.string()),
    };
  });
  unique(instanceFields.map((i) => i.get('name')), instances.map((i) => i.name), 'instance name');
  const input = root.get('input').optional(readInput);
  if (input === null) {
    const without = instances.findIndex((i) => i.input === null);
    if (without >= 0) root.get('input').fail(`the zoo's input (an object), since instances[${without}] has no input of its own`);
  }
  checkArchitectures(instanceFields, instances);

  return {
    format: ZOO_FORMAT,
    name: root.get('name').string(),
    architecture: root.get('architecture').optional((f) => f.string()),
    width: root.get('width').optional((f) => f.positiveNumber()),
    dropout: root.get('dropout').optional((f) => f.boolean()),
    dataset: root.get('dataset').optional((f) => f.string()),
    input,
    classes,
    output: root.get('output').optional((f) => f.string()),
    layers,
    training: root.has('training') ? root.get('training').value : null,
    instances,
  };
}
