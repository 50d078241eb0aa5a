/**
 * `seedscope extract (--zoo DIR | --model F …) --stimuli SPEC [--layers …] -o OUT`:
 * runs every instance over the stimuli and writes each layer's activations
 * (float32 N × D .npy), the labels and a manifest.
 */
import type { Command } from 'commander';
import { resolveDevice } from '../extract/device.js';
import { extractActivations, planBatch } from '../extract/extractActivations.js';
import { writeExtraction } from '../extract/writeExtraction.js';
import { checkOutputDir } from '../io/stagedDir.js';
import { loadZoos, type ZooSources } from '../pipeline/loadZoos.js';
import { loadStimuli } from '../stimuli/loadStimuli.js';
import { resolveLayers } from '../zoo/resolveLayers.js';
import { interruptController } from './interrupt.js';
import { info, printJson, warn } from './output.js';
import { addExtractionOptions, addStimuliOptions, addZooOptions, jsonOption, quietOption, type ExtractionOptions, type StimuliOptions } from './options.js';
import { ProgressBar } from './progressBar.js';

type Options = ZooSources & StimuliOptions & ExtractionOptions & { output: string; json?: boolean; quiet?: boolean };

export function registerExtract(program: Command): void {
  const cmd = program
    .command('extract')
    .description('write the activations of every instance and layer to OUT/<instance>/<layer>.npy with labels and a manifest');
  addZooOptions(cmd);
  addStimuliOptions(cmd);
  addExtractionOptions(cmd);
  cmd
    .requiredOption('-o, --output <dir>', 'output folder')
    .addOption(quietOption())
    .addOption(jsonOption('print the manifest as one JSON document'))
    .action(async (opts: Options) => {
      const mode = { json: Boolean(opts.json), quiet: Boolean(opts.quiet) };
      checkOutputDir(opts.output);
      // resolved before any work so a missing CUDA provider fails (or warns) first
      const resolved = resolveDevice(opts.device, warn);
      const device = resolved === 'cuda' && opts.device === 'auto' ? 'auto' : resolved;
      const zoo = loadZoos(opts, { single: true })[0]!;
      const layers = await resolveLayers(zoo, opts.layers ?? []);
      const stimuli = await loadStimuli(opts.stimuli, zoo.input, { perClass: opts.perClass ?? null, resize: opts.resize, classes: zoo.classes });
      if (stimuli.labelRule) info(mode, `labels: ${stimuli.labelRule}`);
      // a batch's tensors get an eighth of the budget (at most 512 MiB): the rest holds the instance's activations
      const batch = await planBatch(zoo, stimuli.n, { batch: opts.batch, memoryMB: opts.memory === undefined ? undefined : Math.max(16, Math.min(512, (opts.memory * 1024) / 8)) });
      info(mode, `extracting ${layers.length} layers of ${zoo.instances.length} instances (${zoo.name}) over ${stimuli.n} stimuli, batch ${batch}`);
      // one bar over all instances: a 10-instance zoo gives ten lines in a CI log, not a hundred
      const bar = new ProgressBar('extract', !mode.quiet && !mode.json);
      const results = extractActivations(zoo, stimuli, {
        layers,
        batch,
        threads: opts.threads,
        device,
        signal: interruptController.signal,
        reuseBuffers: true, // each instance is written before the next is asked for
        onWarning: warn,
        onProgress: (p) => bar.update(p.index * p.total + p.done, p.instances * p.total,
          `${p.instance} (${p.index + 1}/${p.instances}), batch ${p.batches}, ${p.imagesPerSecond.toFixed(0)} images/s`),
      });
      const manifest = await writeExtraction(opts.output, zoo, stimuli, layers, results, batch, warn);
      bar.done();
      if (mode.json) printJson(manifest);
      else info(mode, `wrote ${opts.output} (${manifest.instances.length} instances × ${manifest.layers.length} layers) in ${manifest.seconds.toFixed(1)}s`);
    });
}
