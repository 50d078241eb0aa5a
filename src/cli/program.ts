/**
 * The seedscope command line: every command registers itself here, and every
 * error becomes an exit code and one line on stderr.
 */
import { Command, CommanderError } from 'commander';
import { UserError, isCancellation, oneLine } from '../errors.js';
import { writeFinalError } from './output.js';
import { NoBinaryFoundError } from '../native/addon.js';
import { seedscopeVersion } from '../version.js';
import { registerInfo } from './info.js';
import { registerBench } from './bench.js';
import { registerRun } from './run.js';
import { registerCompare } from './compare.js';
import { registerCka } from './cka.js';
import { registerLayers } from './layers.js';
import { registerExtract } from './extract.js';
import { registerRdm } from './rdm.js';
import { registerPermtest } from './permtest.js';
import { registerBootstrap } from './bootstrap.js';
import { registerCache } from './cache.js';
import { registerZoo } from './zoo.js';

const EXIT_CODES = `
Exit codes:
  0    success
  1    bad input or a failed run (one line on stderr says which file/field and why)
  2    bad command-line usage
  130  interrupted (Ctrl-C); no partial output is left behind`;

export function buildProgram(): Command {
  const program = new Command('seedscope')
    .description('Measure how much deep networks differ when only their random seed differs.')
    .version(seedscopeVersion)
    // commander's own errors (bad option values, unknown options) in the one-line shape of every other error
    .configureOutput({ outputError: (message, write) => write(`seedscope: ${message.replace(/^error: /, '').trim()} (see --help)\n`) })
    .addHelpText('after', EXIT_CODES)
    // each command's options belong to it alone: `bench --repeat` (the suite) and
    // `bench rdm --repeat` (the rdm benchmark) must not capture each other's
    .enablePositionalOptions();
  program.exitOverride();
  registerInfo(program);
  registerRun(program);
  registerRdm(program);
  registerBench(program);
  registerCompare(program);
  registerCka(program);
  registerLayers(program);
  registerExtract(program);
  registerPermtest(program);
  registerBootstrap(program);
  registerCache(program);
  registerZoo(program);
  return program;
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed its message (help and version exit with 0)
    return err.exitCode === 0 ? 0 : 2;
  }
  if (isCancellation(err)) {
    writeFinalError('seedscope: cancelled');
    return 130;
  }
  if (err instanceof UserError) {
    writeFinalError(`seedscope: ${oneLine(err.message)}`);
    return err.exitCode;
  }
  if (err instanceof NoBinaryFoundError) {
    writeFinalError(oneLine(err.message));
    return 1;
  }
  if (err instanceof Error) {
    // Native argument checks throw TypeError/RangeError with a complete sentence.
    if (process.env.SEEDSCOPE_DEBUG) process.stderr.write(`${err.stack ?? ''}\n`);
    writeFinalError(`seedscope: ${oneLine(err.message)}`);
    return 1;
  }
  writeFinalError(`seedscope: ${oneLine(String(err))}`);
  return 1;
}

