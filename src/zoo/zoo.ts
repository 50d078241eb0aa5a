/**
 * A zoo: instances of one architecture that differ only in their weights.
 * Public API (used by `seedscope run` and `extract`):
 *   loadZooParts(dir)            a folder with zoo.json and its ONNX files:
 *                                manifest validated, checksums verified, graphs compared;
 *                                one Zoo per architecture (mixed zoos have several)
 *   loadZoo(dir)                 the same for a zoo of one architecture
 *   zooFromModels(files, opts)   plain ONNX files (paths or glob patterns) without a manifest
 * Both return a `Zoo`: name, input spec (preprocessing), classes, named layers,
 * and instances with absolute file paths. This file holds the types; the
 * loaders are zooFolder.ts (zoo.json) and plainModels.ts (plain files).
 */
import type { InputChoice, ModelFeeds } from './modelInputs.js';
import type { OnnxModel } from './onnxModel.js';
import type { FileHasher } from './zooFiles.js';
import type { InputSpec, ManifestLayer, ZooManifest } from './zooManifest.js';

export type { InputSpec, Layout, ZooManifest } from './zooManifest.js';
export { sha256File, type FileHasher } from './zooFiles.js';
export { checkManifestAgainstGraph, loadZoo, loadZooParts, type GraphClaims, type LoadZooOptions } from './zooFolder.js';
export { architectureNames, inputSpecFromModel, modelsAsZoos, zooFromModels } from './plainModels.js';

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
  /** how the files' sha256 are had (default: read every file) */
  hash?: FileHasher;
}
