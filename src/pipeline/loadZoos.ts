/**
 * The zoos of a run or an extraction: each zoo folder is one zoo, and the
 * plain ONNX files given together are one more. Without either, the default
 * zoo that ships with the package. A zoo of several architectures (a mixed
 * zoo.json, or --model files of different graphs) comes as one Zoo per
 * architecture, one after another, marked as parts (Zoo.part).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { packageRoot } from '../native/addon.js';
import type { FillMode } from '../zoo/modelInputs.js';
import { loadZoo, loadZooParts, modelsAsZoos, type FileHasher, type Zoo } from '../zoo/zoo.js';

/** The default zoo, relative to the package (as results.json records it). */
export const DEFAULT_ZOO = join('models', 'fmnist-allcnnc');
export const defaultZooDir = (): string => join(packageRoot, DEFAULT_ZOO);

export interface ZooSources {
  /** zoo folders (or zoo.json files) */
  zoo?: readonly string[];
  /** plain ONNX files or glob patterns, forming one zoo */
  model?: readonly string[];
  /** preprocessing of plain models (a zoo takes its own from zoo.json) */
  inputSize?: [number, number];
  layout?: 'NCHW' | 'NHWC';
  scale?: number;
  mean?: number[];
  std?: number[];
  /** accept zoo.json instance files outside their zoo folder (recorded in results.json) */
  allowOutsideZoo?: boolean;
  /** the image input of a model with several inputs (--input; a zoo's is zoo.json's input.name) */
  input?: string;
  /** what a model's other inputs get (--fill-inputs) */
  fillInputs?: FillMode;
}

/**
 * Loads every zoo; `single` (extraction) refuses more than one, and a zoo of
 * several architectures. `hash`: how the files' sha256 are had (a run with a
 * cache takes them from its memo, store/fileHash.ts).
 */
export function loadZoos(src: ZooSources, opts: { single?: boolean; hash?: FileHasher } = {}): Zoo[] {
  const models = src.model ?? [];
  const dirs = src.zoo ?? [];
  const count = dirs.length + (models.length > 0 ? 1 : 0);
  if (opts.single && count > 1) {
    throw new UserError(`expected one zoo (one --zoo, or --model files) but received ${count}: this command takes one`, 2);
  }
  if (models.length === 0 && (src.layout || src.scale !== undefined || src.mean || src.std)) {
    throw new UserError('--layout, --scale, --mean and --std apply to --model files; a zoo takes its preprocessing from zoo.json', 2);
  }
  const inputs = { input: src.input, fillInputs: src.fillInputs };
  const hash = opts.hash;
  const zoos: Zoo[] = dirs.flatMap((dir) => loadZooParts(dir, { allowOutside: src.allowOutsideZoo, inputs, hash }));
  if (models.length > 0) {
    zoos.push(...modelsAsZoos(models, {
      input: { layout: src.layout, scale: src.scale, mean: src.mean, std: src.std, size: src.inputSize },
      inputs,
      hash,
    }));
  }
  const mixed = zoos.find((z) => z.part !== null);
  if (opts.single && mixed) {
    const archs = zoos.filter((z) => z.name === mixed.name).map((z) => `${z.architecture} (${z.instances.length})`).join(', ');
    throw new UserError(`zoo ${mixed.name} mixes ${mixed.part!.count} architectures: ${archs}; this command takes one architecture (give its files with --model, or use seedscope run)`, 2);
  }
  if (zoos.length === 0) {
    const dir = defaultZooDir();
    if (!existsSync(join(dir, 'zoo.json'))) throw new UserError(`the default zoo ${dir} is not installed: give --zoo DIR or --model FILE`, 2);
    zoos.push(loadZoo(dir, { inputs, hash }));
  }
  const names = new Set<string>();
  for (const z of zoos) {
    if (z.part !== null && z.part.index > 0) continue; // the later parts of a mixed zoo share its name
    if (names.has(z.name)) throw new UserError(`zoo name '${z.name}' appears twice: give each --zoo a different zoo`);
    names.add(z.name);
  }
  return zoos;
}
