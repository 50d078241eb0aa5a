/**
 * Stimulus sets. Public API: `loadStimuli(spec, inputSpec, { perClass })`
 * returns a `StimulusSet` whose images are preprocessed for the model.
 *
 * Specs:
 *   builtin:fmnist-1000          the built-in set in models/stimuli/
 *   idx:IMAGES[,LABELS]          IDX files (MNIST style), raw or .gz
 *   cifar10:FILE.bin[,FILE.bin]  CIFAR-10 binary batches
 *   dir:PATH                     class subfolders of PNG/JPEG/WebP images
 *   npy:IMAGES.npy[,LABELS.npy]  uint8 images, or floats in the model's input shape
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { checkMemory } from '../resources.js';
import { packageRoot } from '../native/addon.js';
import type { InputSpec } from '../zoo/zooManifest.js';
import { readCifar10 } from './cifar10.js';
import { readIdxImages, readIdxLabels } from './idx.js';
import { readImageFolder } from './imageFolder.js';
import { readNpyImages, readNpyLabels } from './npyImages.js';
import { inputGeometry, toModelInput } from './preprocess.js';
import { checkLabelsInClasses, matchFolderClasses, type LabelRule } from './zooClasses.js';
import { checkLabels, perClassIndices, selectImages, type SourceImages } from './rawImages.js';

export interface StimulusSet {
  n: number;
  /** Preprocessed images, N × (the model's input shape), C order. */
  images: Float32Array;
  /** [N, ...input shape]. */
  shape: number[];
  labels: Int32Array | null;
  classes: string[] | null;
  spec: string;
  /** sha256 of the preprocessed images and the labels: exactly what the models saw. */
  checksum: string;
  /** Positions in the source of the images kept (--per-class), or null when all are used in file order. */
  indices: number[] | null;
  perClass: number | null;
  /** How `dir:` class folders became labels; null for other sources. */
  labelRule: LabelRule | null;
}

export interface StimulusOptions {
  /** The first K images of each class in file order (grouped by class). */
  perClass?: number | null;
  /** Resize/centre-crop images of another size (default true). */
  resize?: boolean;
  /** The zoo's class names (its logits' order): `dir:` folders named after them are matched by name, and labels must lie within them. */
  classes?: readonly string[] | null;
}

export const DEFAULT_STIMULI = 'builtin:fmnist-1000';

export function builtinStimuliDir(name: string): string {
  return join(packageRoot, 'models', 'stimuli', name);
}

function readBuiltin(name: string): SourceImages {
  const dir = builtinStimuliDir(name);
  const metaFile = join(dir, 'stimuli.json');
  if (!/^[\w.-]+$/.test(name) || !existsSync(metaFile)) {
    throw new UserError(`--stimuli builtin:${name}: no built-in stimulus set of this name (available: fmnist-1000)`);
  }
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as { classes?: string[]; sha256?: Record<string, string> };
  for (const [file, sum] of Object.entries(meta.sha256 ?? {})) {
    const actual = createHash('sha256').update(readFileSync(join(dir, file))).digest('hex');
    if (actual !== sum) throw new UserError(`${join(dir, file)}: sha256 is ${actual} but stimuli.json says ${sum} (altered file)`);
  }
  const imagesFile = join(dir, 'images-idx3-ubyte.gz');
  const labelsFile = join(dir, 'labels-idx1-ubyte.gz');
  const img = readIdxImages(imagesFile);
  const labels = readIdxLabels(labelsFile);
  const classes = meta.classes ?? null;
  checkLabels(labels, img.n, classes, labelsFile, imagesFile);
  return { kind: 'uint8', ...img, labels, classes };
}

function splitPair(rest: string, spec: string): [string, string | undefined] {
  const parts = rest.split(',');
  if (parts.length > 2 || parts[0] === '') throw new UserError(`--stimuli ${spec}: expected IMAGES or IMAGES,LABELS`);
  return [parts[0]!, parts[1]];
}

async function readSource(spec: string, input: InputSpec, resize: boolean): Promise<SourceImages> {
  const colon = spec.indexOf(':');
  const format = colon > 0 ? spec.slice(0, colon) : '';
  const rest = spec.slice(colon + 1);
  switch (format) {
    case 'builtin':
      return readBuiltin(rest);
    case 'idx': {
      const [imagesFile, labelsFile] = splitPair(rest, spec);
      const img = readIdxImages(imagesFile);
      const labels = labelsFile ? readIdxLabels(labelsFile) : null;
      if (labels && labelsFile) checkLabels(labels, img.n, null, labelsFile, imagesFile);
      return { kind: 'uint8', ...img, labels, classes: null };
    }
    case 'cifar10':
      return readCifar10(rest.split(',').filter((f) => f.length > 0));
    case 'dir': {
      const g = inputGeometry(input);
      return readImageFolder(rest, { ...g, resize });
    }
    case 'npy': {
      const [imagesFile, labelsFile] = splitPair(rest, spec);
      const img = readNpyImages(imagesFile);
      if (!labelsFile) return img;
      const labels = readNpyLabels(labelsFile);
      checkLabels(labels, img.n, null, labelsFile, imagesFile);
      return { ...img, labels };
    }
    default:
      throw new UserError(`--stimuli ${spec}: expected one of builtin:NAME, idx:IMAGES[,LABELS], cifar10:FILE.bin, dir:PATH, npy:IMAGES.npy[,LABELS.npy]`);
  }
}

/**
 * How many stimuli `spec` holds (K per class with perClass), reading the
 * source but not preprocessing it to the model's size: what `seedscope
 * layers` sizes its memory column with.
 */
export async function countStimuli(spec: string, input: InputSpec, opts: StimulusOptions = {}): Promise<number> {
  const src = await readSource(spec, input, opts.resize ?? true);
  if (!opts.perClass) return src.n;
  if (!src.labels) throw new UserError(`--per-class ${opts.perClass}: the stimuli (${spec}) have no labels`);
  return perClassIndices(src.labels, opts.perClass, src.classes, spec).length;
}

export async function loadStimuli(spec: string, input: InputSpec, opts: StimulusOptions = {}): Promise<StimulusSet> {
  let src = await readSource(spec, input, opts.resize ?? true);
  if (src.n === 0) throw new UserError(`--stimuli ${spec}: the stimulus set holds no images`);
  let labelRule: LabelRule | null = null;
  if (spec.startsWith('dir:') && src.labels) {
    labelRule = 'folder names in sorted order';
    if (opts.classes) ({ src, rule: labelRule } = matchFolderClasses(src, opts.classes, spec));
  }
  if (opts.classes && src.labels) checkLabelsInClasses(src.labels, opts.classes, spec);
  let indices: number[] | null = null;
  const perClass = opts.perClass ?? null;
  if (perClass !== null) {
    if (!src.labels) throw new UserError(`--per-class ${perClass}: the stimuli (${spec}) have no labels`);
    indices = perClassIndices(src.labels, perClass, src.classes, spec);
    src = selectImages(src, indices);
  }
  // the preprocessed float32 copy: refused here, with its size, rather than failing to allocate
  checkMemory(4 * src.n * input.shape.reduce((a, b) => a * b, 1), `--stimuli ${spec}: preprocessing ${src.n} images of shape [${input.shape.join(', ')}]`);
  const images = await toModelInput(src, input, { resize: opts.resize ?? true, source: spec });
  const hash = createHash('sha256').update(new Uint8Array(images.buffer, images.byteOffset, images.byteLength));
  if (src.labels) hash.update(new Uint8Array(src.labels.buffer, src.labels.byteOffset, src.labels.byteLength));
  return {
    n: src.n,
    images,
    shape: [src.n, ...input.shape],
    labels: src.labels,
    classes: src.classes,
    spec,
    checksum: hash.digest('hex'),
    indices,
    perClass,
    labelRule,
  };
}
