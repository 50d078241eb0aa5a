/** `seedscope layers MODEL.onnx|ZOO [--json]`: every tensor a user could pick as a layer. */
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { layerCatalog } from '../zoo/layerCatalog.js';
import { resolveLayers } from '../zoo/resolveLayers.js';
import { loadZoo, zooFromModels } from '../zoo/zoo.js';
import { printJson } from './output.js';
import { allowOutsideZooOption, jsonOption } from './options.js';
import { sizeArg } from './parsers.js';

interface LayersOptions {
  json?: boolean;
  natural?: boolean;
  inputSize?: [number, number];
  allowOutsideZoo?: boolean;
}

export function registerLayers(program: Command): void {
  program
    .command('layers')
    .description('list the tensors of an ONNX model (or a zoo folder) that can be picked with --layers')
    .argument('<model>', 'an .onnx file or a zoo folder')
    .option('--input-size <H,W>', 'image size for models whose input size is symbolic', sizeArg)
    .option('--natural', 'only natural layers (activations, convolutions, pooling, Gemm/MatMul, outputs)')
    .addOption(allowOutsideZooOption())
    .addOption(jsonOption())
    .action(async (model: string, opts: LayersOptions) => {
      const isZoo = existsSync(model) && statSync(model).isDirectory() && existsSync(join(model, 'zoo.json'));
      const zoo = isZoo ? loadZoo(model, { allowOutside: opts.allowOutsideZoo }) : zooFromModels([model], { input: { size: opts.inputSize } });
      const catalog = await layerCatalog(zoo);
      const defaults = new Set((await resolveLayers(zoo, [])).map((l) => l.tensor));
      const rows = catalog.filter((l) => !opts.natural || l.natural).map((l) => ({
        name: l.short ?? l.tensor,
        tensor: l.tensor,
        op: l.op,
        node: l.node,
        shape: l.shape,
        size: l.size,
        natural: l.natural,
        default: defaults.has(l.tensor),
        output: l.graphOutput,
      }));
      if (opts.json) {
        printJson({ model: isZoo ? zoo.dir : zoo.instances[0]!.file, input: zoo.input, fixed_batch: zoo.fixedBatch, layers: rows });
        return;
      }
      const head = ['node', 'op', 'shape', 'features', '', 'name'];
      const table = rows.map((r) => [
        String(r.node), r.op, r.shape.join('×'), String(r.size),
        (r.default ? 'D' : ' ') + (r.natural ? 'n' : ' '),
        r.name === r.tensor ? r.tensor : `${r.name} (${r.tensor})`,
      ]);
      const widths = head.map((h, k) => Math.max(h.length, ...table.map((t) => t[k]!.length)));
      const line = (cells: string[]): string => cells.map((c, k) => (k === cells.length - 1 ? c : c.padEnd(widths[k]!))).join('  ');
      const input = zoo.input;
      process.stdout.write(`input '${input.name}' ${input.layout} [${input.shape.join(', ')}]${zoo.fixedBatch !== null ? `, fixed batch ${zoo.fixedBatch}` : ''}\n`);
      process.stdout.write(line(head) + '\n');
      for (const t of table) process.stdout.write(line(t) + '\n');
      process.stdout.write(`${rows.length} tensors; n = natural layer, D = picked by default\n`);
    });
}
