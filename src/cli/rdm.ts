/**
 * `seedscope rdm ACTS.npy --metric M [--per-feature] [--dtype float32|float64]
 *  [--condensed] [--threads T] -o RDM.npy`: one RDM from an activation array
 * (N × D, or N × any shape flattened per stimulus). The RDM is float64 unless
 * --dtype float32 is given, square unless --condensed.
 */
import { Option, type Command } from 'commander';
import { UserError } from '../errors.js';
import { checkReplaceableFile } from '../io/atomicWrite.js';
import { readFloatNpy, writeNpy } from '../io/npy.js';
import { computeRdm, type NanReason, type RdmMetric } from '../native/rdm.js';
import { choiceArg } from './parsers.js';
import { jsonOption, metricOption, quietOption, threadsOption } from './options.js';
import { info, printJson, warn } from './output.js';
import { ProgressBar } from './progressBar.js';

interface RdmCliOptions {
  metric: RdmMetric;
  perFeature?: boolean;
  dtype: 'float32' | 'float64';
  condensed?: boolean;
  threads: number;
  output: string;
  json?: boolean;
  quiet?: boolean;
}

/** "3 stimuli have undefined distances (NaN entries): 0 (zero-variance), 5 (non-finite)". */
export function describeNanStimuli(indices: readonly number[], reasons: readonly NanReason[], limit = 20): string {
  const shown = indices.slice(0, limit).map((s, k) => `${s} (${reasons[k] ?? 'undefined'})`);
  const more = indices.length > limit ? `, and ${indices.length - limit} more` : '';
  const noun = indices.length === 1 ? 'stimulus has' : 'stimuli have';
  return `${indices.length} ${noun} undefined distances (NaN entries): ${shown.join(', ')}${more}`;
}

/** N and D of an activation array: N × D, or N × any shape flattened per stimulus. */
export function activationShape(shape: readonly number[], file: string): { n: number; d: number } {
  if (shape.length < 2) {
    throw new UserError(`${file}: expected activations of shape (N, D) or (N, ...) but received shape (${shape.join(', ')}${shape.length === 1 ? ',' : ''})`);
  }
  const n = shape[0]!;
  const d = shape.slice(1).reduce((a, b) => a * b, 1);
  if (n < 2) throw new UserError(`${file}: expected at least 2 stimuli (rows) but received shape (${shape.join(', ')})`);
  if (d < 1) throw new UserError(`${file}: expected at least 1 feature per stimulus but received shape (${shape.join(', ')})`);
  return { n, d };
}

export function registerRdm(program: Command): void {
  program
    .command('rdm')
    .description('compute the RDM of an activation array (N stimuli × D features, .npy) and write it as .npy')
    .argument('<acts>', 'activations: .npy of shape (N, D) or (N, ...), float32 or float64')
    .addOption(metricOption())
    .option('--per-feature', 'divide sqeuclidean by D (euclidean: its square root), as rsatoolbox does')
    .addOption(new Option('--dtype <dtype>', 'dtype of the RDM file: float32|float64').argParser(choiceArg(['float32', 'float64'] as const)).default('float64'))
    .option('--condensed', 'write the upper triangle (i < j, row-major) as a vector of length N(N-1)/2')
    .addOption(threadsOption())
    .requiredOption('-o, --output <file>', 'where to write the RDM (.npy)')
    .addOption(jsonOption('print one JSON summary on stdout'))
    .addOption(quietOption())
    .action(async (acts: string, opts: RdmCliOptions) => {
      const mode = { json: Boolean(opts.json), quiet: Boolean(opts.quiet) };
      checkReplaceableFile(opts.output); // before the work: a device or folder at -o is refused at once
      const a = readFloatNpy(acts);
      const { n, d } = activationShape(a.shape, acts);
      const bar = new ProgressBar('rdm', !mode.json && !mode.quiet);
      const started = performance.now();
      const r = await computeRdm(a.data, n, d, {
        metric: opts.metric,
        perFeature: Boolean(opts.perFeature),
        outDtype: opts.dtype,
        condensed: Boolean(opts.condensed),
        threads: opts.threads,
        onProgress: (done, total) => bar.update(done, total),
      });
      const seconds = (performance.now() - started) / 1000;
      bar.done();
      if (r.nanStimuli.length > 0) warn(`${acts}: ${describeNanStimuli(r.nanStimuli, r.nanReasons)}`);
      const shape = opts.condensed ? [r.rdm.length] : [n, n];
      writeNpy(opts.output, r.rdm, shape);
      if (mode.json) {
        printJson({
          output: opts.output, n, d, metric: opts.metric, per_feature: Boolean(opts.perFeature),
          dtype: opts.dtype, condensed: Boolean(opts.condensed), shape,
          nan_stimuli: r.nanStimuli, nan_reasons: r.nanReasons, kernel: r.kernel, seconds,
        });
      } else {
        info(mode, `wrote ${opts.output}: ${opts.condensed ? `condensed (${r.rdm.length})` : `${n} × ${n}`} ${opts.dtype}, ${opts.metric}, ${seconds.toFixed(2)} s`);
      }
    });
}
