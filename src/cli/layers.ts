/**
 * `seedscope layers MODEL.onnx|ZOO [--json]`: every tensor a user could pick
 * as a layer, with its per-stimulus shape, its number of features and the
 * memory extracting it would need for N stimuli (N × features × 4 bytes of
 * float32 activations per instance; N from --n, else from --stimuli, whose
 * default is the default stimulus set), natural layers and default picks
 * marked.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { layerCatalog } from '../zoo/layerCatalog.js';
import { resolveSharedLayers } from '../zoo/sharedLayers.js';
import { loadZooParts, zooFromModels, type Zoo } from '../zoo/zoo.js';
import { countStimuli, DEFAULT_STIMULI } from '../stimuli/loadStimuli.js';
import { formatBytes } from '../resources.js';
import { printJson } from './output.js';
import { addInputChoiceOptions, allowOutsideZooOption, jsonOption } from './options.js';
import { describeFeeds, type FillMode } from '../zoo/modelInputs.js';
import { intArg, sizeArg } from './parsers.js';

interface LayersOptions {
  json?: boolean;
  natural?: boolean;
  inputSize?: [number, number];
  allowOutsideZoo?: boolean;
  input?: string;
  fillInputs?: FillMode;
  n?: number;
  stimuli: string;
  perClass?: number;
}

/** Bytes of the float32 activations of one tensor for n stimuli (one instance). */
export function activationBytes(n: number, features: number): number {
  return n * features * 4;
}

export function registerLayers(program: Command): void {
  const cmd = program
    .command('layers')
    .description('list the tensors of an ONNX model (or a zoo folder) that can be picked with --layers: shape, features, memory for N stimuli')
    .argument('<model>', 'an .onnx file or a zoo folder')
    .option('--input-size <H,W>', 'image size for models whose input size is symbolic', sizeArg)
    .option('--natural', 'only natural layers (activations, convolutions, pooling, Gemm/MatMul, outputs)')
    .addOption(new Option('--n <N>', 'number of stimuli the memory column is for (default: the size of --stimuli)').argParser(intArg(1, 1e12)))
    .addOption(new Option('--stimuli <spec>', 'stimulus set whose size is N (read, not preprocessed)').default(DEFAULT_STIMULI))
    .addOption(new Option('--per-class <k>', 'with --stimuli: N counts the first K images of each class').argParser(intArg(1, 1e9)))
    .addOption(allowOutsideZooOption())
    .addOption(jsonOption());
  addInputChoiceOptions(cmd)
    .action(async (model: string, opts: LayersOptions) => {
      const isZoo = existsSync(model) && statSync(model).isDirectory() && existsSync(join(model, 'zoo.json'));
      const inputs = { input: opts.input, fillInputs: opts.fillInputs };
      // a mixed zoo: one table per architecture, the defaults being the layers they share
      const parts = isZoo ? loadZooParts(model, { allowOutside: opts.allowOutsideZoo, inputs }) : [zooFromModels([model], { input: { size: opts.inputSize }, inputs })];
      const defaults = await resolveSharedLayers(parts, []);
      const nSource = opts.n !== undefined ? '--n' : `${opts.stimuli}${opts.perClass ? ` --per-class ${opts.perClass}` : ''}`;
      const listings: PartListing[] = [];
      for (const [pi, zoo] of parts.entries()) {
        const n = opts.n ?? await countStimuli(opts.stimuli, zoo.input, { perClass: opts.perClass ?? null });
        listings.push(await listPart(zoo, new Set(defaults[pi]!.map((l) => l.tensor)), n, opts.natural === true));
      }
      const where = isZoo ? parts[0]!.dir : parts[0]!.instances[0]!.file;
      if (opts.json) {
        const json = (l: PartListing): Record<string, unknown> => ({
          input: l.zoo.input, feeds: describeFeeds(l.zoo.feeds), fixed_batch: l.zoo.fixedBatch,
          n: l.n, n_from: nSource, instances: l.zoo.instances.length, default_bytes: l.defaultBytes, rdm_bytes: l.rdmBytes,
          external_data: l.zoo.instances[0]!.data.map((d) => ({ file: d.file, sha256: d.sha256 })),
          layers: l.rows,
        });
        printJson(parts.length === 1 ? { model: where, ...json(listings[0]!) }
          : { model: where, architectures: listings.map((l) => ({ architecture: l.zoo.architecture, ...json(l) })) });
        return;
      }
      for (const [pi, l] of listings.entries()) {
        if (parts.length > 1) {
          process.stdout.write(`${pi > 0 ? '\n' : ''}architecture ${l.zoo.architecture} (${l.zoo.instances.length} instance${l.zoo.instances.length === 1 ? '' : 's'} of ${parts.length} architectures; default = the layers all share)\n`);
        }
        printPart(l, nSource);
      }
    });
}

interface PartListing {
  zoo: Zoo;
  n: number;
  rows: LayerRow[];
  defaultBytes: number;
  rdmBytes: number;
}

type LayerRow = {
  name: string; tensor: string; op: string; node: number; shape: number[]; size: number; natural: boolean; default: boolean;
  output: boolean; features: number; dtype: string; bytes: number;
};

/** One architecture's tensors, with its default picks marked and the memory for n stimuli. */
async function listPart(zoo: Zoo, defaults: ReadonlySet<string>, n: number, naturalOnly: boolean): Promise<PartListing> {
  const catalog = await layerCatalog(zoo);
  const rows = catalog.filter((l) => !naturalOnly || l.natural).map((l) => ({
    name: l.short ?? l.tensor,
    tensor: l.tensor,
    op: l.op,
    node: l.node,
    shape: l.shape,
    size: l.size,
    natural: l.natural,
    default: defaults.has(l.tensor),
    output: l.graphOutput,
    features: l.size,
    dtype: l.dtype,
    bytes: activationBytes(n, l.size),
  }));
  return { zoo, n, rows, defaultBytes: rows.filter((r) => r.default).reduce((a, r) => a + r.bytes, 0), rdmBytes: (n * (n - 1) / 2) * 4 };
}

function printPart({ zoo, n, rows, defaultBytes, rdmBytes }: PartListing, nSource: string): void {
  const instances = zoo.instances.length;
  const head = ['node', 'op', 'shape', 'features', `memory (N=${n})`, 'natural', 'default', 'name'];
  const table = rows.map((r) => [
    String(r.node), r.op, r.shape.join('×'), String(r.features), formatBytes(r.bytes),
    r.natural ? 'yes' : '-', r.default ? 'yes' : '-',
    r.name === r.tensor ? r.tensor : `${r.name} (${r.tensor})`,
  ]);
  const right = new Set([3, 4]);
  const widths = head.map((h, k) => Math.max(h.length, ...table.map((t) => t[k]!.length)));
  const line = (cells: string[]): string => cells.map((c, k) => (k === cells.length - 1 ? c : right.has(k) ? c.padStart(widths[k]!) : c.padEnd(widths[k]!))).join('  ');
  const input = zoo.input;
  const data = zoo.instances[0]!.data;
  const filled = zoo.feeds.filled.map((f) => `'${f.name}' ${f.dtype} [${f.dims.map((d) => d ?? 'batch').join(', ')}]`);
  process.stdout.write(`input '${input.name}' ${input.layout} [${input.shape.join(', ')}] ${zoo.feeds.imageType}${zoo.fixedBatch !== null ? `, fixed batch ${zoo.fixedBatch}` : ''}` +
    `${filled.length > 0 ? `; fed zeros (--fill-inputs zeros): ${filled.join(', ')}` : ''}` +
    `${data.length > 0 ? `; weights in ${data.length} external data file${data.length === 1 ? '' : 's'} (${data.map((d) => d.location).join(', ')})` : ''}\n`);
  process.stdout.write(line(head) + '\n');
  for (const t of table) process.stdout.write(line(t) + '\n');
  const natural = rows.filter((r) => r.natural).length;
  process.stdout.write(`${rows.length} tensors, ${natural} natural layers (activations, convolutions, pooling, Gemm/MatMul, outputs); default = picked when --layers is not given\n`);
  const cast = rows.filter((r) => r.dtype !== 'float32').map((r) => r.dtype);
  if (cast.length > 0) process.stdout.write(`${[...new Set(cast)].join(' and ')} tensors are cast to float32 when extracted; the memory column counts float32\n`);
  process.stdout.write(`memory: float32 activations of one instance for N = ${n} stimuli (${nSource}), N × features × 4 bytes; ` +
    `the default layers together ${formatBytes(defaultBytes)}; each RDM ${formatBytes(rdmBytes)}${instances > 1 ? ` (× ${instances} instances)` : ''}\n`);
}
