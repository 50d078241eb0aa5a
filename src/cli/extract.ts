/**
 * `seedscope extract (--zoo DIR | --model F …) --stimuli SPEC [--layers …] -o OUT`:
 * runs every instance over the stimuli and writes each layer's activations
 * (float32 N × D .npy), the labels and a manifest.
 */
import type { Command } from 'commander';
import { resolveDevice } from '../extract/device.js';
import { extractActivations, planBatch } from '../extract/extractActivations.js';
import { checkOutputDir, writeExtraction } from '../extract/writeExtraction.js';
import { resolveLayers } from '../zoo/resolveLayers.js';
import { interruptController } from './interrupt.js';
import { info, printJson, warn } from './output.js';
import { ProgressBar } from './progressBar.js';
import { addExtractOptions, addStimuliOptions, addZooOptions, stimuliFromCli, zooFromCli,
  type ExtractCliOptions, type StimuliCliOptions, type ZooCliOptions } from './zooOptions.js';

type Options = ZooCliOptions & StimuliCliOptions & ExtractCliOptions & { output: string; json?: boolean; quiet?: boolean };

export function registerExtract(program: Command): void {
  const cmd = program
    .command('extract')
    .description('write the activations of every instance and layer to OUT/<instance>/<layer>.npy with labels and a manifest');
  addZooOptions(cmd);
  addStimuliOptions(cmd);
  addExtractOptions(cmd);
  cmd
    .requiredOption('-o, --output <dir>', 'output folder')
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print the manifest as one JSON document')
    .action(async (opts: Options) => {
      const mode = { json: Boolean(opts.json), quiet: Boolean(opts.quiet) };
      checkOutputDir(opts.output);
      // resolved before any work so a missing CUDA provider fails (or warns) first
      const resolved = resolveDevice(opts.device, warn);
      const device = resolved === 'cuda' && opts.device === 'auto' ? 'auto' : resolved;
      const zoo = zooFromCli(opts);
      const layers = await resolveLayers(zoo, opts.layers ?? []);
      const stimuli = await stimuliFromCli(zoo, opts);
      const batch = await planBatch(zoo, stimuli.n, { batch: opts.batch, memoryMB: opts.memory });
      info(mode, `extracting ${layers.length} layers of ${zoo.instances.length} instances (${zoo.name}) over ${stimuli.n} stimuli, batch ${batch}`);
      let bar: ProgressBar | null = null;
      let barIndex = -1;
      const results = extractActivations(zoo, stimuli, {
        layers,
        batch,
        threads: opts.threads,
        device,
        signal: interruptController.signal,
        reuseBuffers: true, // each instance is written before the next is asked for
        onWarning: warn,
        onProgress: (p) => {
          if (p.index !== barIndex) {
            bar?.done();
            barIndex = p.index;
            bar = new ProgressBar(`${p.instance} (${p.index + 1}/${p.instances})`, !mode.quiet && !mode.json);
          }
          bar?.update(p.done, p.total, `batch ${p.batches}, ${p.imagesPerSecond.toFixed(0)} images/s`);
        },
      });
      const manifest = await writeExtraction(opts.output, zoo, stimuli, layers, results, batch);
      (bar as ProgressBar | null)?.done();
      if (mode.json) printJson(manifest);
      else info(mode, `wrote ${opts.output} (${manifest.instances.length} instances × ${manifest.layers.length} layers) in ${manifest.seconds.toFixed(1)}s`);
    });
}
