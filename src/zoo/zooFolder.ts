/**
 * A zoo folder: zoo.json validated (zooManifest.ts), every file's checksum
 * verified, instances grouped by architecture and each group's graphs
 * compared, and what zoo.json says of a graph checked against it. One Zoo per
 * architecture (loadZooParts); loadZoo for commands that take one.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { jsonSyntaxMessage } from '../io/json.js';
import { isInsideDir } from '../io/paths.js';
import { modelFeeds, type InputChoice, type ModelFeeds } from './modelInputs.js';
import type { ExternalDataFile, OnnxModel } from './onnxModel.js';
import { readSameGraphModels } from './sameGraph.js';
import type { InstanceDataFile, Zoo, ZooInstance } from './zoo.js';
import { fixedBatchOf, hashData, readRecordingData, sha256File, type FileHasher } from './zooFiles.js';
import { validateZooManifest, type InputSpec, type ManifestDataFile, type ManifestLayer, type ZooManifest } from './zooManifest.js';

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
  /** how the files' sha256 are had (default: read every file) */
  hash?: FileHasher;
}

/**
 * The external data files of instance i checked against zoo.json's
 * `instances[i].external_data`: the same locations, each with its sha256.
 * A model with external data needs the list, so that zoo.json's checksums
 * cover all of its weights.
 */
function checkManifestData(listed: ManifestDataFile[] | null, actual: readonly ExternalDataFile[], file: string, manifestFile: string, i: number,
  hash: FileHasher): InstanceDataFile[] {
  const field = `${manifestFile}: instances[${i}].external_data`;
  if (actual.length === 0) {
    if (listed && listed.length > 0) throw new UserError(`${field}: lists ${listed.length} data file(s) but ${file} keeps all its weights inside the file`);
    return [];
  }
  const hashed = hashData(actual, hash);
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
    const actual = (opts.hash ?? sha256File)(file);
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
      inst.data = checkManifestData(m.instances[i]!.external_data, reader.data.get(inst.file) ?? [], inst.file, manifestFile, i, opts.hash ?? sha256File);
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
