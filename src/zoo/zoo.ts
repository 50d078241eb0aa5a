/**
 * A zoo: instances of one architecture that differ only in their weights.
 * Public API (used by `seedscope run` and `extract`):
 *   loadZooParts(dir)            a folder with zoo.json and its ONNX files:
 *                                manifest validated, checksums verified, graphs compared;
 *                                one Zoo per architecture (mixed zoos have several)
 *   loadZoo(dir)                 the same for a zoo of one architecture
 *   zooFromModels(files, opts)   plain ONNX files (paths or glob patterns) without a manifest
 * Both return a `Zoo`: name, input spec (preprocessing), classes, named layers,
 * and instances with absolute file paths.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { jsonSyntaxMessage } from '../io/json.js';
import { sha256File as streamedSha256 } from '../store/fileHash.js';
import { UserError } from '../errors.js';
import { expandModelArgs } from './globFiles.js';
import { readOnnxModel, type ExternalDataFile, type OnnxModel } from './onnxModel.js';
import { modelFeeds, type InputChoice, type ModelFeeds } from './modelInputs.js';
import { graphDifference, readSameGraphModels } from './sameGraph.js';
import { validateZooManifest, type InputSpec, type Layout, type ManifestDataFile, type ManifestLayer, type ZooManifest } from './zooManifest.js';
import { isInsideDir } from '../io/paths.js';

export type { InputSpec, Layout, ZooManifest } from './zooManifest.js';

export interface ZooInstance {
  name: string;
  /** Absolute path of the ONNX file. */
  file: string;
  seed: number | null;
  /** sha256 of the ONNX file itself. */
  sha256: string;
  /**
   * The model's external data files (weights kept beside the .onnx), in the
   * order the model names them, each with its sha256; empty when the weights
   * are inside the file. Checksums and cache keys cover [file, data…].
   */
  data: InstanceDataFile[];
  testAccuracy: number | null;
  /** the file's real path when it lies outside the zoo folder (allowed only by allowOutside / --allow-outside-zoo) */
  outsideZoo?: string;
}

export interface InstanceDataFile {
  /** the location as the model names it, relative to the model's folder */
  location: string;
  /** absolute path */
  file: string;
  sha256: string;
}

/** Every input checksum of an instance: its model file's, then its data files'. */
export function instanceHashes(inst: Pick<ZooInstance, 'sha256' | 'data'>): string[] {
  return [inst.sha256, ...inst.data.map((d) => d.sha256)];
}

export interface Zoo {
  name: string;
  /** the architecture of its instances (zoo.json's), or null when unnamed */
  architecture: string | null;
  /**
   * Set when this is one architecture of a mixed zoo: the zoo's parts come
   * one after another (index 0 … count − 1), share its name, and a run
   * analyses them as one zoo whose layers are the short names they share.
   */
  part: { index: number; count: number } | null;
  /** The zoo folder, or null for plain --model files. */
  dir: string | null;
  manifest: ZooManifest | null;
  input: InputSpec;
  /** The batch size the graph fixes (e.g. 1), or null when it is dynamic. */
  fixedBatch: number | null;
  /** The image input (its type) and the inputs fed constant zeros (--input, --fill-inputs). */
  feeds: ModelFeeds;
  classes: string[] | null;
  /** The tensor holding the logits (N × classes), or null when unknown. */
  output: string | null;
  /** Short names from zoo.json (empty for plain models). */
  layers: ManifestLayer[];
  instances: ZooInstance[];
  /** The first instance's graph: what layers are resolved against. */
  reference: OnnxModel;
}

export interface ModelOptions {
  name?: string;
  /** Overrides of the preprocessing read from the graph (flags --layout, --scale, --mean, --std, --input-size). */
  input?: Partial<Pick<InputSpec, 'layout' | 'scale' | 'mean' | 'std'>> & { size?: [number, number] };
  classes?: string[] | null;
  /** Which input takes the images, and what the others get (--input, --fill-inputs). */
  inputs?: InputChoice;
}

/** sha256 (hex) of a file, streamed in blocks: external data files can be many GB. */
export function sha256File(file: string): string {
  return streamedSha256(file);
}

/**
 * Reads models like readOnnxModel and remembers each one's external data
 * files (readSameGraphModels keeps only the reference model).
 */
function readRecordingData(): { read: (file: string) => OnnxModel; data: Map<string, ExternalDataFile[]> } {
  const data = new Map<string, ExternalDataFile[]>();
  return {
    data,
    read: (file: string): OnnxModel => {
      const model = readOnnxModel(file);
      data.set(file, model.externalData);
      return model;
    },
  };
}

function hashData(files: readonly ExternalDataFile[]): InstanceDataFile[] {
  return files.map((d) => ({ location: d.location, file: d.file, sha256: sha256File(d.file) }));
}

function fixedBatchOf(feeds: ModelFeeds): number | null {
  const d = feeds.image.dims?.[0];
  return typeof d === 'number' ? d : null;
}

/** What a zoo.json says of one architecture's graph: checked against that graph. */
export interface GraphClaims {
  input: InputSpec;
  layers: ManifestLayer[];
  output: string | null;
  classes: readonly string[] | null;
}

/**
 * Checks the manifest's input, output and layer tensors against the reference
 * graph, and returns what the models are fed; `at` is the field path of an
 * instance's own claims ("instances[3].") or empty for the zoo's.
 */
export function checkManifestAgainstGraph(m: GraphClaims, model: OnnxModel, manifestFile: string, at = '', fillInputs?: InputChoice['fillInputs']): ModelFeeds {
  if (!model.inputs.some((i) => i.name === m.input.name)) {
    const names = model.inputs.map((i) => `'${i.name}'`).join(', ');
    throw new UserError(`${manifestFile}: ${at}input.name: expected ${model.inputs.length === 1 ? 'the model\'s input' : 'one of the model\'s inputs'} ${names} (${model.file}) but received "${m.input.name}"`);
  }
  const feeds = modelFeeds(model, { input: m.input.name, fillInputs });
  const input = feeds.image;
  const dims = input.dims?.slice(1) ?? [];
  const mismatch = dims.length === 3 && dims.some((d, k) => typeof d === 'number' && d !== m.input.shape[k]);
  if (dims.length !== 3 || mismatch) {
    throw new UserError(`${manifestFile}: ${at}input.shape: the model takes [${(input.dims ?? []).map(String).join(', ')}] (with the batch) but zoo.json says [${m.input.shape.join(', ')}]`);
  }
  const tensors = new Set(model.nodes.flatMap((n) => n.outputs));
  m.layers.forEach((l, i) => {
    if (!tensors.has(l.tensor)) {
      throw new UserError(`${manifestFile}: ${at}layers[${i}].tensor: expected a tensor of ${basename(model.file)} but '${l.tensor}' is not in the graph`);
    }
  });
  if (m.output !== null && !tensors.has(m.output)) {
    throw new UserError(`${manifestFile}: ${at}output: expected a tensor of ${basename(model.file)} but '${m.output}' is not in the graph`);
  }
  const logitsDims = model.outputs.find((o) => o.name === m.output)?.dims;
  const classCount = logitsDims?.[logitsDims.length - 1];
  if (m.classes && typeof classCount === 'number' && classCount !== m.classes.length) {
    throw new UserError(`${manifestFile}: classes: the output '${m.output}' has ${classCount} classes but zoo.json names ${m.classes.length}`);
  }
  return feeds;
}

export interface LoadZooOptions {
  /**
   * Accept instance files that resolve (through '..', an absolute path or a
   * symbolic link) outside the zoo folder; such instances get outsideZoo.
   * Off by default: a zoo.json names files of its own folder, and one that
   * reaches elsewhere is more likely a mistake or a hostile file.
   */
  allowOutside?: boolean;
  /**
   * --input (must be zoo.json's input.name, which names the image input) and
   * --fill-inputs (what the model's other inputs get).
   */
  inputs?: InputChoice;
}

/**
 * The external data files of instance i checked against zoo.json's
 * `instances[i].external_data`: the same locations, each with its sha256.
 * A model with external data needs the list, so that zoo.json's checksums
 * cover all of its weights.
 */
function checkManifestData(listed: ManifestDataFile[] | null, actual: readonly ExternalDataFile[], file: string, manifestFile: string, i: number): InstanceDataFile[] {
  const field = `${manifestFile}: instances[${i}].external_data`;
  if (actual.length === 0) {
    if (listed && listed.length > 0) throw new UserError(`${field}: lists ${listed.length} data file(s) but ${file} keeps all its weights inside the file`);
    return [];
  }
  const hashed = hashData(actual);
  const expected = hashed.map((d) => `{"file": "${d.location}", "sha256": "${d.sha256}"}`).join(', ');
  if (!listed) {
    throw new UserError(`${field}: ${file} keeps its weights in external data (${actual.map((d) => d.location).join(', ')}); expected their checksums in zoo.json: [${expected}]`);
  }
  const byLocation = new Map(listed.map((d) => [d.file, d.sha256]));
  for (const d of hashed) {
    const sum = byLocation.get(d.location);
    if (sum === undefined) throw new UserError(`${field}: ${file} reads external data from "${d.location}" but zoo.json does not list it; expected [${expected}]`);
    if (sum !== d.sha256) throw new UserError(`${d.file}: sha256 is ${d.sha256} but ${field} says ${sum} (the file was altered or replaced)`);
    byLocation.delete(d.location);
  }
  const extra = [...byLocation.keys()];
  if (extra.length > 0) throw new UserError(`${field}: lists "${extra[0]}" but ${file} does not read it; expected [${expected}]`);
  return hashed;
}

/** One architecture of a zoo.json: its instances (indices into the manifest's) and what it says of their graph. */
interface ArchitectureGroup {
  architecture: string | null;
  indices: number[];
  claims: Omit<GraphClaims, 'classes'>;
  /** field path of the claims ("instances[i]." of the first instance with its own, or "") */
  at: string;
}

/**
 * Instances grouped by architecture, in order of first appearance. An
 * instance without an architecture of its own belongs to the zoo's, and takes
 * the zoo's input, layers and output where it gives none.
 */
function architectureGroups(m: ZooManifest, manifestFile: string): ArchitectureGroup[] {
  const groups = new Map<string, ArchitectureGroup>();
  m.instances.forEach((inst, i) => {
    const architecture = inst.architecture ?? m.architecture;
    const own = inst.input !== null || inst.layers !== null || inst.output !== null;
    const input = inst.input ?? m.input;
    if (input === null) throw new UserError(`${manifestFile}: instances[${i}].input: expected the input of architecture "${architecture}" (the zoo gives none)`);
    const claims = { input, layers: inst.layers ?? m.layers, output: inst.output ?? m.output };
    const key = architecture ?? '';
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { architecture, indices: [i], claims, at: own ? `instances[${i}].` : '' });
      return;
    }
    if (JSON.stringify(claims) !== JSON.stringify(g.claims)) {
      throw new UserError(`${manifestFile}: instances[${i}]: expected the input, layers and output of architecture "${architecture}" as instance ${g.indices[0]} has them, but they differ (give each architecture one set)`);
    }
    g.indices.push(i);
  });
  return [...groups.values()];
}

function readManifest(dir: string): { m: ZooManifest; manifestFile: string; root: string } {
  const manifestFile = dir.endsWith('.json') ? dir : join(dir, 'zoo.json');
  const root = resolve(dirname(manifestFile));
  if (!existsSync(manifestFile)) {
    throw new UserError(existsSync(dir) ? `${manifestFile}: no zoo.json in ${dir} (for plain ONNX files use --model)` : `${dir}: zoo folder not found`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch (err) {
    throw new UserError(`${manifestFile}: expected JSON but it cannot be parsed (${jsonSyntaxMessage(err)})`);
  }
  return { m: validateZooManifest(json, manifestFile), manifestFile, root };
}

/**
 * Loads a zoo folder (or its zoo.json path), verifying every file against the
 * manifest: one Zoo per architecture, in order of first appearance. A zoo of
 * one architecture gives one (with `part` null); a mixed zoo gives one part
 * per architecture, each of one graph, which a run analyses together.
 */
export function loadZooParts(dir: string, opts: LoadZooOptions = {}): Zoo[] {
  const { m, manifestFile, root } = readManifest(dir);
  const instances: ZooInstance[] = m.instances.map((inst, i) => {
    const file = resolve(root, inst.file);
    if (!existsSync(file) || !statSync(file).isFile()) {
      throw new UserError(`${manifestFile}: instances[${i}].file: ${inst.file} not found in ${root}`);
    }
    const real = realpathSync(file);
    const outside = !isInsideDir(realpathSync(root), real);
    if (outside && !opts.allowOutside) {
      throw new UserError(`${manifestFile}: instances[${i}].file: ${inst.file} resolves to ${real}, outside the zoo folder ${root}; expected a file inside it (--allow-outside-zoo accepts it)`);
    }
    const actual = sha256File(file);
    if (actual !== inst.sha256) {
      throw new UserError(`${file}: sha256 is ${actual} but ${manifestFile} instances[${i}].sha256 says ${inst.sha256} (the file was altered or replaced)`);
    }
    return { name: inst.name, file, seed: inst.seed, sha256: actual, data: [], testAccuracy: inst.test_accuracy, ...(outside ? { outsideZoo: real } : {}) };
  });
  const groups = architectureGroups(m, manifestFile);
  return groups.map((g, gi): Zoo => {
    const members = g.indices.map((i) => instances[i]!);
    const reader = readRecordingData();
    const reference = readSameGraphModels(members.map((inst) => inst.file), reader.read);
    g.indices.forEach((i) => {
      const inst = instances[i]!;
      inst.data = checkManifestData(m.instances[i]!.external_data, reader.data.get(inst.file) ?? [], inst.file, manifestFile, i);
    });
    if (opts.inputs?.input !== undefined && opts.inputs.input !== g.claims.input.name) {
      throw new UserError(`--input ${opts.inputs.input}: ${manifestFile} names the image input '${g.claims.input.name}' (${g.at}input.name); a zoo's input is chosen there`);
    }
    const feeds = checkManifestAgainstGraph({ ...g.claims, classes: m.classes }, reference, manifestFile, g.at, opts.inputs?.fillInputs);
    return {
      name: m.name,
      dir: root,
      manifest: m,
      architecture: g.architecture,
      part: groups.length > 1 ? { index: gi, count: groups.length } : null,
      input: g.claims.input,
      fixedBatch: fixedBatchOf(feeds),
      feeds,
      classes: m.classes,
      output: g.claims.output,
      layers: g.claims.layers,
      instances: members,
      reference,
    };
  });
}

/** Loads a zoo of one architecture (what `extract` and the benchmarks take); a mixed zoo is refused in one line. */
export function loadZoo(dir: string, opts: LoadZooOptions = {}): Zoo {
  const parts = loadZooParts(dir, opts);
  if (parts.length > 1) {
    const names = parts.map((p) => `${p.architecture} (${p.instances.length})`).join(', ');
    throw new UserError(`${parts[0]!.dir}: the zoo mixes ${parts.length} architectures: ${names}; this command takes one architecture (seedscope run compares them)`);
  }
  return parts[0]!;
}

/** Guesses NCHW vs NHWC from a 4-D input: channels are the small dimension (1, 3 or 4). */
function guessLayout(dims: readonly (number | string | null)[]): Layout {
  const small = (d: unknown): boolean => d === 1 || d === 3 || d === 4;
  return small(dims[3]) && !small(dims[1]) ? 'NHWC' : 'NCHW';
}

/** The preprocessing of a plain ONNX model: read from its input, adjusted by options. */
export function inputSpecFromModel(model: OnnxModel, opts: ModelOptions['input'] = {}, choice: InputChoice = {}): InputSpec {
  const input = modelFeeds(model, choice).image;
  const dims = input.dims;
  if (!dims || dims.length !== 4) {
    throw new UserError(`${model.file}: expected a 4-D image input (batch, channels, height, width or batch, height, width, channels) but input '${input.name}' has shape [${(dims ?? []).map(String).join(', ')}]`);
  }
  const layout = opts.layout ?? guessLayout(dims);
  const [cAt, hAt, wAt] = layout === 'NCHW' ? [1, 2, 3] : [3, 1, 2];
  const channels = dims[cAt];
  if (typeof channels !== 'number') {
    throw new UserError(`${model.file}: input '${input.name}' has no fixed channel count at position ${cAt} for layout ${layout}; check --layout`);
  }
  const size = (at: number, k: 0 | 1): number => {
    const d = dims[at];
    if (typeof d === 'number') return d;
    if (opts.size) return opts.size[k];
    throw new UserError(`${model.file}: input '${input.name}' has a symbolic image size [${dims.map(String).join(', ')}]; give it with --input-size H,W`);
  };
  const h = size(hAt, 0);
  const w = size(wAt, 1);
  const mean = opts.mean ?? [0];
  const std = opts.std ?? [1];
  for (const [what, arr] of [['--mean', mean], ['--std', std]] as const) {
    if (arr.length !== 1 && arr.length !== channels) {
      throw new UserError(`${what}: expected 1 or ${channels} values (the model has ${channels} channels) but received ${arr.length}`);
    }
  }
  return {
    name: input.name,
    shape: layout === 'NCHW' ? [channels, h, w] : [h, w, channels],
    layout,
    scale: opts.scale ?? 255,
    mean,
    std,
  };
}

function instanceNames(files: readonly string[]): string[] {
  const base = files.map((f) => basename(f).replace(/\.onnx$/i, ''));
  if (new Set(base).size === base.length) return base;
  // same file names in different folders: add the folder
  return files.map((f) => `${basename(dirname(resolve(f)))}/${basename(f).replace(/\.onnx$/i, '')}`);
}

function expandPaths(files: readonly string[]): string[] {
  const paths = expandModelArgs(files).map((f) => resolve(f));
  if (paths.length === 0) throw new UserError('--model: expected at least one ONNX file');
  if (new Set(paths).size !== paths.length) throw new UserError('--model: the same file is given twice');
  return paths;
}

/** One zoo of plain files that share the graph `reference`; `names` are their instance names. */
function plainZoo(paths: readonly string[], names: readonly string[], reference: OnnxModel, data: ReadonlyMap<string, ExternalDataFile[]>, opts: ModelOptions,
  name: string, architecture: string | null, part: Zoo['part']): Zoo {
  const feeds = modelFeeds(reference, opts.inputs);
  const input = inputSpecFromModel(reference, opts.input, opts.inputs);
  const floatOutputs = reference.outputs.filter((o) => [1, 10, 11].includes(o.elemType) && (o.dims?.length ?? 2) === 2);
  return {
    name,
    dir: null,
    manifest: null,
    architecture,
    part,
    input,
    fixedBatch: fixedBatchOf(feeds),
    feeds,
    classes: opts.classes ?? null,
    // a single 2-D float output is taken as the logits
    output: reference.outputs.length === 1 && floatOutputs.length === 1 ? floatOutputs[0]!.name : null,
    layers: [],
    instances: paths.map((file, i) => ({ name: names[i]!, file, seed: null, sha256: sha256File(file), data: hashData(data.get(file) ?? []), testAccuracy: null })),
    reference,
  };
}

function zooNameOf(paths: readonly string[], names: readonly string[], opts: ModelOptions): string {
  return opts.name ?? (paths.length === 1 ? names[0]! : basename(dirname(paths[0]!)));
}

/** A zoo from plain ONNX files (paths or glob patterns) of one graph, without a manifest. */
export function zooFromModels(files: readonly string[], opts: ModelOptions = {}): Zoo {
  const paths = expandPaths(files);
  const reader = readRecordingData();
  const reference = readSameGraphModels(paths, reader.read);
  const names = instanceNames(paths);
  return plainZoo(paths, names, reference, reader.data, opts, zooNameOf(paths, names, opts), null, null);
}

/**
 * An architecture's name from its first file: the file name without a
 * trailing seed or number ("resnet18-seed2.onnx" → "resnet18"), or the
 * folder's name when nothing else is left ("allcnnc/seed0.onnx" → "allcnnc");
 * made unique.
 */
export function architectureNames(firstFiles: readonly string[]): string[] {
  const taken = new Set<string>();
  return firstFiles.map((f, i) => {
    const stem = basename(f).replace(/\.onnx$/i, '').replace(/[-_.]?(seed|instance|inst|s)?[-_]?\d+$/i, '');
    let name = stem || basename(dirname(resolve(f)));
    if (taken.has(name)) name = `${name}-${i + 1}`;
    taken.add(name);
    return name;
  });
}

/**
 * Plain ONNX files as zoos: one per distinct graph (files of one graph are
 * instances of one architecture). One graph gives one zoo, as zooFromModels;
 * several give the parts of one mixed zoo, in order of first appearance.
 */
export function modelsAsZoos(files: readonly string[], opts: ModelOptions = {}): Zoo[] {
  const paths = expandPaths(files);
  const reader = readRecordingData();
  const groups: { reference: OnnxModel; paths: string[] }[] = [];
  for (const file of paths) {
    const model = reader.read(file);
    const group = groups.find((g) => graphDifference(g.reference, model) === null);
    if (group) group.paths.push(file);
    else groups.push({ reference: model, paths: [file] });
  }
  const names = new Map(instanceNames(paths).map((n, i) => [paths[i]!, n]));
  const archNames = groups.length > 1 ? architectureNames(groups.map((g) => g.paths[0]!)) : [null];
  // a mixed zoo of plain files is named by its architectures
  const name = groups.length > 1 ? opts.name ?? archNames.join('+') : zooNameOf(paths, [...names.values()], opts);
  return groups.map((g, gi) => plainZoo(g.paths, g.paths.map((p) => names.get(p)!), g.reference, reader.data, opts, name, archNames[gi]!,
    groups.length > 1 ? { index: gi, count: groups.length } : null));
}
