/**
 * The zoos of a run or an extraction: each zoo folder is one zoo, and the
 * plain ONNX files given together are one more. Without either, the default
 * zoo that ships with the package.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { packageRoot } from '../native/addon.js';
import type { FillMode } from '../zoo/modelInputs.js';
import { loadZoo, zooFromModels, type Zoo } from '../zoo/zoo.js';

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

/** Loads every zoo; `single` (extraction) refuses more than one. */
export function loadZoos(src: ZooSources, opts: { single?: boolean } = {}): Zoo[] {
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
  const zoos: Zoo[] = dirs.map((dir) => loadZoo(dir, { allowOutside: src.allowOutsideZoo, inputs }));
  if (models.length > 0) {
    zoos.push(zooFromModels(models, {
      input: { layout: src.layout, scale: src.scale, mean: src.mean, std: src.std, size: src.inputSize },
      inputs,
    }));
  }
  if (zoos.length === 0) {
    const dir = defaultZooDir();
    if (!existsSync(join(dir, 'zoo.json'))) throw new UserError(`the default zoo ${dir} is not installed: give --zoo DIR or --model FILE`, 2);
    zoos.push(loadZoo(dir, { inputs }));
  }
  const names = new Set<string>();
  for (const z of zoos) {
    if (names.has(z.name)) throw new UserError(`zoo name '${z.name}' appears twice: give each --zoo a different zoo`);
    names.add(z.name);
  }
  return zoos;
}
