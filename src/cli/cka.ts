/**
 * `seedscope cka X.npy Y.npy [--unbiased] [--threads T] [--json]`: linear CKA
 * of two representations of the same N stimuli (N × any shape, flattened per
 * stimulus).
 */
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { checkMemory } from '../resources.js';
import { readFloatNpy } from '../io/npy.js';
import { linearCka } from '../native/compare.js';
import { printJson, warn } from './output.js';
import { jsonOption, threadsOption } from './options.js';

export interface CkaReport {
  cka: number;
  unbiased: boolean;
  n: number;
}

interface CkaCliOptions {
  unbiased?: boolean;
  threads: number;
  json?: boolean;
}

function readActivations(file: string): { data: Float32Array | Float64Array; n: number } {
  const a = readFloatNpy(file);
  const n = a.shape[0];
  if (n === undefined) throw new UserError(`${file}: expected activations of shape (N, …) but received a 0-d array`);
  if (n < 1 || a.data.length === 0) throw new UserError(`${file}: expected activations with at least one stimulus and one feature but received shape (${a.shape.join(', ')})`);
  for (let i = 0; i < a.data.length; i++) {
    if (!Number.isFinite(a.data[i]!)) {
      const d = a.data.length / n;
      throw new UserError(`${file}: expected finite activations but stimulus ${Math.floor(i / d)}, feature ${i % d} is ${a.data[i]}`);
    }
  }
  return { data: a.data, n };
}

export async function runCka(xFile: string, yFile: string, opts: CkaCliOptions): Promise<CkaReport> {
  const x = readActivations(xFile);
  const y = readActivations(yFile);
  if (x.n !== y.n) throw new UserError(`${yFile}: expected activations of ${x.n} stimuli like ${xFile} but received ${y.n}`);
  // two N × N float64 kernels and the float64 centred copies of X and Y
  const bytes = 16 * x.n * x.n + 8 * (x.data.length + y.data.length);
  checkMemory(bytes, `${xFile}: CKA of ${x.n} stimuli (two N × N kernels and centred copies of X and Y)`);
  const unbiased = Boolean(opts.unbiased);
  const cka = await linearCka(x.data, y.data, x.n, { unbiased, threads: opts.threads });
  if (Number.isNaN(cka)) {
    warn(unbiased && x.n < 4
      ? `unbiased CKA needs at least 4 stimuli but ${xFile} has ${x.n}; the result is NaN`
      : 'CKA is undefined (NaN): a representation does not vary across stimuli');
  }
  return { cka, unbiased, n: x.n };
}

export function registerCka(program: Command): void {
  program
    .command('cka')
    .description('linear CKA of two representations of the same N stimuli (.npy, N × any shape)')
    .argument('<x>', 'activations X (.npy, N × …)')
    .argument('<y>', 'activations Y (.npy, N × …)')
    .option('--unbiased', 'the unbiased HSIC estimator (Song et al. 2012); needs N ≥ 4')
    .addOption(threadsOption())
    .addOption(jsonOption())
    .action(async (xFile: string, yFile: string, opts: CkaCliOptions) => {
      const r = await runCka(xFile, yFile, opts);
      if (opts.json) printJson(r);
      else process.stdout.write(`linear CKA (${r.unbiased ? 'unbiased' : 'biased'}, N = ${r.n}) = ${Number.isFinite(r.cka) ? r.cka.toFixed(4) : 'NaN'}\n`);
    });
}
