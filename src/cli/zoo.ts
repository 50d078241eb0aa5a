/**
 * `seedscope zoo synth --from MODEL.onnx [--instances K] [--noise X] [--seed S] -o DIR`:
 * a synthetic zoo (the model plus seeded Gaussian weight noise) for scale and
 * speed tests; the work is src/zoo/synthZoo.ts.
 */
import { Option, type Command } from 'commander';
import { MAX_SYNTH_INSTANCES, synthZoo, type SynthOptions } from '../zoo/synthZoo.js';
import { interruptController } from './interrupt.js';
import { info, printJson, warn } from './output.js';
import { jsonOption, quietOption, seedOption } from './options.js';
import { intArg, numberArg } from './parsers.js';
import { ProgressBar } from './progressBar.js';

type SynthCliOptions = Pick<SynthOptions, 'from' | 'instances' | 'noise' | 'seed' | 'output' | 'name'> & { json?: boolean; quiet?: boolean };

export function registerZoo(program: Command): void {
  const zoo = program.command('zoo').description('make zoos');
  zoo
    .command('synth')
    .description('a SYNTHETIC zoo for scale and speed tests, not a trained one: K copies of a model with seeded Gaussian noise on its float32 weights (σ = noise × each tensor\'s std)')
    .addOption(new Option('--from <file>', 'the source ONNX model (inside a zoo folder: its input, classes, output, layers and dataset are inherited)').makeOptionMandatory())
    .addOption(new Option('--instances <k>', 'number of instances').argParser(intArg(1, MAX_SYNTH_INSTANCES)).default(10))
    .addOption(new Option('--noise <x>', "σ of each weight tensor's noise, as a multiple of that tensor's std").argParser(numberArg(0)).default(0.05))
    .addOption(seedOption('seed of the noise'))
    .addOption(new Option('-o, --output <dir>', 'the zoo folder to write (new, empty, or an earlier synthetic zoo)').makeOptionMandatory())
    .addOption(new Option('--name <name>', 'zoo name (default synth-<source>-k<K>-noise<X>)'))
    .addOption(jsonOption('print the written zoo.json'))
    .addOption(quietOption())
    .action(async (opts: SynthCliOptions) => {
      const mode = { json: Boolean(opts.json), quiet: Boolean(opts.quiet) };
      const bar = new ProgressBar('synth', !mode.quiet && !mode.json);
      const result = await synthZoo({
        from: opts.from,
        instances: opts.instances,
        noise: opts.noise,
        seed: opts.seed,
        output: opts.output,
        name: opts.name,
        signal: interruptController.signal,
        warn,
        onProgress: (done, total) => bar.update(done, total, `${done}/${total} instances`),
      });
      bar.done();
      const m = result.manifest;
      if (mode.json) printJson(m);
      else info(mode, `wrote ${opts.output}: synthetic zoo '${m.name}', ${m.instances.length} instances (${m.synthetic.perturbed.length} weight tensors perturbed, σ = ${opts.noise} × each tensor's std), ${(result.bytes / 2 ** 20).toFixed(1)} MiB in ${result.seconds.toFixed(1)}s; not a trained zoo: for scale and speed tests only`);
    });
}
