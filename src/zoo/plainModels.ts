/**
 * Plain ONNX files as zoos, without a manifest: the preprocessing read from
 * each graph's input (adjusted by --layout, --scale, --mean, --std,
 * --input-size), instance names from the file names, and files of several
 * graphs as the architectures of one mixed zoo (modelsAsZoos).
 */
import { basename, dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { expandModelArgs } from './globFiles.js';
import { modelFeeds, type InputChoice } from './modelInputs.js';
import type { ExternalDataFile, OnnxModel } from './onnxModel.js';
import { graphDifference, readSameGraphModels } from './sameGraph.js';
import type { ModelOptions, Zoo } from './zoo.js';
import { fixedBatchOf, hashData, readRecordingData, sha256File } from './zooFiles.js';
import type { InputSpec, Layout } from './zooManifest.js';

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
    instances: paths.map((file, i) => ({ name: names[i]!, file, seed: null, sha256: (opts.hash ?? sha256File)(file), data: hashData(data.get(file) ?? [], opts.hash), testAccuracy: null })),
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
