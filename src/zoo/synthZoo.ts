/**
 * A synthetic zoo for scale and speed tests (`seedscope zoo synth`): K copies
 * of one ONNX model whose weights get seeded Gaussian noise, with a zoo.json
 * that marks them as synthetic. NOT a trained zoo: the instances differ by
 * noise, not by training from different seeds.
 *
 * - Perturbed: every float32 initializer of the main graph with ≥ 2 elements
 *   (weights and biases), stored as raw_data or float_data; each element
 *   becomes w + σ·z with σ = noise × the tensor's own standard deviation
 *   (over its elements, divided by n) and z standard normal, rounded to
 *   float32. Unchanged: other types (INT64 shapes, …), scalars and tensors of
 *   one element, tensors whose std is 0 or not finite, segments, Constant
 *   nodes and subgraphs. External-data models are refused.
 * - Determinism: z for instance i, tensor t, element j is the j-th normal of
 *   SeededRandom(s) with s = the first 4 bytes (big-endian) of
 *   sha256(`${seed}/${i}/${t's name}`): a function of (seed, i, name, j) only,
 *   so instance i does not depend on K and the same command gives the same
 *   bytes everywhere.
 * - The new weights overwrite the old ones in a copy of the source file
 *   (src/zoo/onnxInitializers.ts): everything else in the file is kept byte
 *   for byte, so noise 0 gives copies of the source.
 * - Output: `<dir>/seed<i>.onnx` (i zero-padded to the width of K − 1) and
 *   zoo.json, built in a staged folder and renamed into place
 *   (src/io/stagedDir.ts). Format: docs/formats.md, "zoo.json".
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CancelledError, UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { jsonSyntaxMessage, jsonText } from '../io/json.js';
import { StagedDir } from '../io/stagedDir.js';
import { SeededRandom } from '../stats/seededRandom.js';
import { ONNX_FLOAT, readInitializers, type ByteRange } from './onnxInitializers.js';
import { readOnnxModel, type OnnxModel } from './onnxModel.js';
import { modelFeeds } from './modelInputs.js';
import { checkManifestAgainstGraph, inputSpecFromModel } from './zoo.js';
import { ZOO_FORMAT, validateZooManifest, type InputSpec, type ManifestInstance, type ZooManifest } from './zooManifest.js';

export const MAX_SYNTH_INSTANCES = 10000;

export interface SynthOptions {
  /** The source ONNX model. */
  from: string;
  instances: number;
  /** σ of each tensor's noise as a multiple of that tensor's std (≥ 0). */
  noise: number;
  seed: number;
  /** The zoo folder to write. */
  output: string;
  /** The zoo's name (default `synth-<source>-k<K>-noise<noise>`). */
  name?: string;
  signal?: AbortSignal;
  /** Told once when stale staging folders of killed runs were removed beside the output. */
  warn?: (message: string) => void;
  /** Called after each instance is written. */
  onProgress?: (done: number, total: number) => void;
}

/** zoo.json's `synthetic` record. */
export interface SyntheticRecord {
  note: string;
  source: string;
  source_sha256: string;
  noise: number;
  seed: number;
  instances: number;
  perturbed: string[];
}

export type SynthManifest = Omit<ZooManifest, 'width' | 'dropout' | 'training' | 'instances'> & {
  synthetic: SyntheticRecord;
  input: InputSpec;
  instances: Pick<ManifestInstance, 'name' | 'seed' | 'file' | 'sha256' | 'test_accuracy'>[];
};

export interface SynthResult {
  /** Absolute path of the written zoo folder. */
  dir: string;
  manifest: SynthManifest;
  /** Bytes of all instance files together. */
  bytes: number;
  seconds: number;
}

/** One tensor that gets noise: its name, where its elements are and the σ of its noise. */
export interface NoiseTarget {
  name: string;
  ranges: ByteRange[];
  elements: number;
  std: number;
  sigma: number;
}

/** The 32-bit seed of the noise stream of instance `i`, tensor `name`. */
export function noiseStreamSeed(seed: number, i: number, name: string): number {
  return createHash('sha256').update(`${seed}/${i}/${name}`, 'utf8').digest().readUInt32BE(0);
}

function* floatPositions(ranges: readonly ByteRange[]): Generator<number> {
  for (const r of ranges) for (let p = r.start; p < r.end; p += 4) yield p;
}

/** Mean and standard deviation (population, float64, two passes in file order). */
function tensorStd(view: DataView, ranges: readonly ByteRange[], n: number): number {
  let sum = 0;
  for (const p of floatPositions(ranges)) sum += view.getFloat32(p, true);
  const mean = sum / n;
  let ss = 0;
  for (const p of floatPositions(ranges)) {
    const d = view.getFloat32(p, true) - mean;
    ss += d * d;
  }
  return Math.sqrt(ss / n);
}

/** The tensors of an ONNX file that get noise, with σ = noise × their std. */
export function noiseTargets(bytes: Uint8Array, file: string, noise: number): NoiseTarget[] {
  const inits = readInitializers(bytes, file);
  const external = inits.filter((t) => t.external);
  if (external.length > 0) {
    throw new UserError(`${file}: the model keeps weights in external data files ('${external[0]!.name}'${external.length > 1 ? ` and ${external.length - 1} more` : ''}); zoo synth does not support external-data models yet`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const targets: NoiseTarget[] = [];
  for (const t of inits) {
    if (t.dataType !== ONNX_FLOAT || t.segment || t.storage === 'none' || t.elements < 2) continue;
    const std = tensorStd(view, t.floatRanges, t.elements);
    if (!(std > 0) || !Number.isFinite(std)) continue;
    targets.push({ name: t.name, ranges: t.floatRanges, elements: t.elements, std, sigma: noise * std });
  }
  return targets;
}

/** Instance i: a copy of the source bytes with noise added to every target. */
export function synthInstance(source: Uint8Array, targets: readonly NoiseTarget[], seed: number, i: number): Uint8Array {
  const out = new Uint8Array(source); // a copy
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (const t of targets) {
    if (t.sigma === 0) continue;
    const rng = new SeededRandom(noiseStreamSeed(seed, i, t.name));
    for (const p of floatPositions(t.ranges)) view.setFloat32(p, view.getFloat32(p, true) + t.sigma * rng.normal(), true);
  }
  return out;
}

/** File name of instance i of K: seed<i> zero-padded to the width of K − 1 (K = 100: seed00 … seed99). */
export function synthInstanceName(i: number, k: number): string {
  return `seed${String(i).padStart(String(Math.max(0, k - 1)).length, '0')}`;
}

interface SourceZoo {
  manifest: ZooManifest;
  instance: ManifestInstance;
}

/** The zoo whose zoo.json lies beside `from` and lists it, or null. */
function zooOfSource(from: string, sha256: string): SourceZoo | null {
  const manifestFile = join(dirname(resolve(from)), 'zoo.json');
  if (!existsSync(manifestFile)) return null;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch (err) {
    throw new UserError(`${manifestFile}: expected JSON but it cannot be parsed (${jsonSyntaxMessage(err)})`);
  }
  const manifest = validateZooManifest(json, manifestFile);
  const root = dirname(manifestFile);
  const instance = manifest.instances.find((inst) => resolve(root, inst.file) === resolve(from));
  if (!instance) return null;
  if (instance.sha256 !== sha256) {
    throw new UserError(`${from}: sha256 is ${sha256} but ${manifestFile} says ${instance.sha256} for it (the file was altered or replaced)`);
  }
  return { manifest, instance };
}

/** An earlier synthetic zoo may be replaced; any other zoo.json is the user's. */
function checkReplaceable(output: string): void {
  const manifestFile = join(output, 'zoo.json');
  if (!existsSync(manifestFile)) return;
  let synthetic = false;
  try {
    const json = JSON.parse(readFileSync(manifestFile, 'utf8')) as unknown;
    synthetic = typeof json === 'object' && json !== null && typeof (json as { synthetic?: unknown }).synthetic === 'object' && (json as { synthetic?: unknown }).synthetic !== null;
  } catch {
    synthetic = false;
  }
  if (!synthetic) {
    throw new UserError(`-o ${output}: holds a zoo that zoo synth did not make (its zoo.json has no "synthetic" record); only an earlier synthetic zoo is replaced`);
  }
}

function plainInput(model: OnnxModel): InputSpec {
  const input = modelFeeds(model).image;
  const dims = input.dims ?? [];
  if (dims.length !== 4 || dims.slice(1).some((d) => typeof d !== 'number')) {
    throw new UserError(`${model.file}: zoo.json needs the input's image shape but '${input.name}' has shape [${dims.map(String).join(', ')}]; synthesize from a model inside a zoo folder whose zoo.json gives the input`);
  }
  return inputSpecFromModel(model);
}

/** The zoo.json fields that do not depend on the instances, checked against the source graph. */
function baseManifest(opts: SynthOptions, model: OnnxModel, sha256: string, targets: readonly NoiseTarget[]): Omit<SynthManifest, 'instances'> {
  const src = zooOfSource(opts.from, sha256);
  const sourceName = src ? `${src.manifest.name}-${src.instance.name}` : basename(opts.from).replace(/\.onnx$/i, '');
  const sourceLabel = src ? `${src.manifest.name}/${src.instance.file}` : basename(opts.from);
  const floatOutputs = model.outputs.filter((o) => o.elemType === ONNX_FLOAT && (o.dims?.length ?? 2) === 2);
  const arch = src ? src.instance.architecture ?? src.manifest.architecture : null;
  const base: Omit<SynthManifest, 'instances'> = {
    format: ZOO_FORMAT,
    name: opts.name ?? `synth-${sourceName}-k${opts.instances}-noise${opts.noise}`,
    architecture: `${arch ? `${arch} ` : ''}(synthetic: ${sourceLabel} + noise σ = ${opts.noise} × the std of each float32 weight tensor)`,
    dataset: src?.manifest.dataset ?? null,
    // an instance of a mixed zoo has its own input, layers and logits
    input: src?.instance.input ?? src?.manifest.input ?? plainInput(model),
    classes: src ? src.manifest.classes : null,
    // as for plain models: a single 2-D float output is taken as the logits
    output: src ? src.instance.output ?? src.manifest.output : model.outputs.length === 1 && floatOutputs.length === 1 ? floatOutputs[0]!.name : null,
    layers: src ? src.instance.layers ?? src.manifest.layers : [],
    synthetic: {
      note: 'NOT a trained zoo: the source model plus seeded Gaussian noise on its weights, for scale and speed tests only',
      source: opts.from,
      source_sha256: sha256,
      noise: opts.noise,
      seed: opts.seed,
      instances: opts.instances,
      perturbed: targets.map((t) => t.name),
    },
  };
  checkManifestAgainstGraph(base, model, join(opts.output, 'zoo.json'));
  return base;
}

const nextTick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Writes the synthetic zoo; see the file comment. */
export async function synthZoo(opts: SynthOptions): Promise<SynthResult> {
  const started = performance.now();
  if (!Number.isInteger(opts.instances) || opts.instances < 1 || opts.instances > MAX_SYNTH_INSTANCES) {
    throw new UserError(`--instances: expected an integer in [1, ${MAX_SYNTH_INSTANCES}] but received ${opts.instances}`);
  }
  if (!Number.isFinite(opts.noise) || opts.noise < 0) throw new UserError(`--noise: expected a finite number ≥ 0 but received ${opts.noise}`);
  const model = readOnnxModel(opts.from, { externalData: false }); // models with external data are refused below (noiseTargets)
  const source = model.bytes;
  const sha256 = createHash('sha256').update(source).digest('hex');
  const targets = noiseTargets(source, opts.from, opts.noise);
  const base = baseManifest(opts, model, sha256, targets);
  checkReplaceable(opts.output);
  const staged = new StagedDir(opts.output, 'zoo-synth', { warn: opts.warn });
  try {
    const instances: SynthManifest['instances'] = [];
    let bytes = 0;
    for (let i = 0; i < opts.instances; i++) {
      if (opts.signal?.aborted) throw new CancelledError();
      const name = synthInstanceName(i, opts.instances);
      const data = synthInstance(source, targets, opts.seed, i);
      writeFileAtomic(staged.file(`${name}.onnx`), data);
      bytes += data.length;
      instances.push({ name, seed: i, file: `${name}.onnx`, sha256: createHash('sha256').update(data).digest('hex'), test_accuracy: null });
      opts.onProgress?.(i + 1, opts.instances);
      await nextTick(); // lets Ctrl-C through
    }
    if (opts.signal?.aborted) throw new CancelledError();
    const manifest: SynthManifest = { ...base, instances };
    validateZooManifest(JSON.parse(jsonText(manifest)), join(opts.output, 'zoo.json'));
    writeFileAtomic(staged.file('zoo.json'), jsonText(manifest));
    staged.commit();
    return { dir: staged.target, manifest, bytes, seconds: (performance.now() - started) / 1000 };
  } catch (err) {
    throw staged.fail(err);
  }
}
