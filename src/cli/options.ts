/**
 * Every command-line option that more than one command takes, declared once.
 * Each factory returns a fresh commander Option (an Option object belongs to
 * one command) whose argParser validates the value; a bad value becomes one
 * line "seedscope: option '--x <v>' argument 'v' is invalid. Expected … but
 * received 'v'." and exit code 2, the same for every command.
 */
import { Option, type Command } from 'commander';
import { compareMethods } from '../native/compare.js';
import { RDM_METRICS } from '../native/rdm.js';
import { DEVICES } from '../extract/device.js';
import { DEFAULT_STIMULI } from '../stimuli/loadStimuli.js';
import { FILL_MODES, type FillMode } from '../zoo/modelInputs.js';
import { choiceArg, intArg, listArg, numberArg, numberListArg, repeatArg, sizeArg } from './parsers.js';

/** Seeds survive JSON round trips and the native RNG's 64-bit key: integers in [0, 2^53 − 1]. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

export const threadsOption = (help = 'threads (0 = all cores; results do not depend on it)'): Option =>
  new Option('--threads <n>', help).argParser(intArg(0, 1024)).default(0);

export const seedOption = (help = 'seed of every random draw'): Option =>
  new Option('--seed <n>', `${help}, an integer in [0, 2^53 − 1]`).argParser(intArg(0, MAX_SEED)).default(0);

export const permutationsOption = (dflt: number, min: number, help: string): Option =>
  new Option('--permutations <n>', help).argParser(intArg(min, 1e9)).default(dflt);

export const compareMethodOption = (flag: '--method' | '--compare', dflt: string, help = 'RDM comparison'): Option =>
  new Option(`${flag} <m>`, `${help}: ${compareMethods.join('|')}`).argParser(choiceArg(compareMethods)).default(dflt);

export const metricOption = (dflt = 'correlation', help = 'RDM dissimilarity'): Option =>
  new Option('--metric <m>', `${help}: ${RDM_METRICS.join('|')}`).argParser(choiceArg(RDM_METRICS)).default(dflt);

export const jsonOption = (help = 'print one JSON document on stdout, and nothing else there'): Option =>
  new Option('--json', help);

export const quietOption = (): Option => new Option('--quiet', 'no progress or summary on stderr');

export const cacheDirOption = (): Option =>
  new Option('--cache <dir>', 'the RDM cache folder (default $XDG_CACHE_HOME/seedscope, else ~/.cache/seedscope)');

/** Where the zoos come from. Each --zoo, and the --model files together, make one zoo. */
export interface ZooSourceOptions {
  zoo?: string[];
  model?: string[];
  inputSize?: [number, number];
  layout?: 'NCHW' | 'NHWC';
  scale?: number;
  mean?: number[];
  std?: number[];
  allowOutsideZoo?: boolean;
  input?: string;
  fillInputs?: FillMode;
}

/** --input and --fill-inputs: models with several inputs (run, extract, layers). */
export function addInputChoiceOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--input <name>', 'the image input of a model with several inputs (a zoo names it in zoo.json)'))
    .addOption(new Option('--fill-inputs <mode>', `feed a model's other inputs: ${FILL_MODES.join('|')} (constant zeros of each input's declared shape and type; never without this option)`).argParser(choiceArg(FILL_MODES)));
}

export const allowOutsideZooOption = (): Option =>
  new Option('--allow-outside-zoo', "accept zoo.json instance files that resolve outside the zoo folder ('..', absolute paths, symbolic links); recorded in results.json");

export function addZooOptions(cmd: Command): Command {
  cmd
    .addOption(new Option('--zoo <dir>', 'a zoo folder with zoo.json (repeatable; default: models/fmnist-allcnnc)').argParser(repeatArg))
    .addOption(new Option('--model <file>', 'plain ONNX files or glob patterns forming one zoo (repeatable)').argParser(repeatArg))
    .addOption(new Option('--input-size <H,W>', 'image size for models whose input size is symbolic').argParser(sizeArg))
    .addOption(new Option('--layout <layout>', 'plain models: input layout NCHW|NHWC (default: guessed from the input shape)').argParser(choiceArg(['NCHW', 'NHWC'] as const)))
    .addOption(new Option('--scale <x>', 'plain models: pixel / scale (default 255)').argParser(numberArg(Number.MIN_VALUE)))
    .addOption(new Option('--mean <m[,m,m]>', 'plain models: per-channel mean after scaling (default 0)').argParser(numberListArg))
    .addOption(new Option('--std <s[,s,s]>', 'plain models: per-channel std after scaling (default 1)').argParser(numberListArg))
    .addOption(allowOutsideZooOption());
  return addInputChoiceOptions(cmd);
}

export interface StimuliOptions {
  stimuli: string;
  perClass?: number;
  resize: boolean;
}

export function addStimuliOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--stimuli <spec>', 'builtin:NAME | idx:IMAGES[,LABELS] | cifar10:FILE.bin | dir:PATH | npy:IMAGES.npy[,LABELS.npy]').default(DEFAULT_STIMULI))
    .addOption(new Option('--per-class <k>', 'use the first K images of each class in file order').argParser(intArg(1, 1e9)))
    .addOption(new Option('--no-resize', 'images of another size than the model input are an error instead of being resized and centre-cropped'));
}

export interface ExtractionOptions {
  layers?: string[];
  batch?: number;
  memory?: number;
  threads: number;
  device: (typeof DEVICES)[number];
}

export function addExtractionOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--layers <spec>', "layers: short names, tensor names, patterns ('relu*'), op:Relu; repeatable or comma-separated (default: the zoo's layers, or every nonlinearity plus the output)").argParser(listArg))
    .addOption(new Option('--batch <n>', 'images per batch (default: from --memory)').argParser(intArg(1, 65536)))
    .addOption(new Option('--memory <GiB>', 'memory the command may use, in GiB (default: half the machine\'s, at most 16); batches and step sizes are chosen to fit').argParser(numberArg(0.05, 1 << 20)))
    .addOption(threadsOption())
    .addOption(new Option('--device <d>', `where onnxruntime runs: ${DEVICES.join('|')}`).argParser(choiceArg(DEVICES)).default('cpu'));
}
