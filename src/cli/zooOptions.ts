/**
 * Options shared by commands that take a zoo and stimuli (`extract`, and
 * `run`): declared once here, with the function that turns them into a Zoo,
 * a StimulusSet and extraction options.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { UserError } from '../errors.js';
import { DEFAULT_STIMULI, loadStimuli, type StimulusSet } from '../stimuli/loadStimuli.js';
import { packageRoot } from '../native/addon.js';
import { DEVICES, type DeviceChoice } from '../extract/device.js';
import { loadZoo, zooFromModels, type Zoo } from '../zoo/zoo.js';
import { choiceOption, collect, collectList, intOption, numberOption, threadsOption } from './parsers.js';

export const DEFAULT_ZOO = join(packageRoot, 'models', 'fmnist-allcnnc');

export interface ZooCliOptions {
  zoo?: string;
  model?: string[];
  inputSize?: [number, number];
  layout?: 'NCHW' | 'NHWC';
  scale?: number;
  mean?: number[];
  std?: number[];
}

export interface StimuliCliOptions {
  stimuli: string;
  perClass?: number;
  resize: boolean;
}

export interface ExtractCliOptions {
  layers?: string[];
  batch?: number;
  memory?: number;
  threads?: number;
  device: DeviceChoice;
}

function numberList(value: string): number[] {
  const parts = value.split(',').map((s) => Number(s.trim()));
  if (parts.length === 0 || parts.some((n) => !Number.isFinite(n))) {
    throw new InvalidArgumentError(`Expected comma-separated numbers but received '${value}'.`);
  }
  return parts;
}

function sizeOption(value: string): [number, number] {
  const parts = value.split(/[,x×]/).map((s) => Number(s.trim()));
  if (parts.length !== 2 || parts.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidArgumentError(`Expected H,W (two positive integers) but received '${value}'.`);
  }
  return [parts[0]!, parts[1]!];
}

export function addZooOptions(cmd: Command): Command {
  return cmd
    .option('--zoo <dir>', 'a zoo folder with zoo.json (default: models/fmnist-allcnnc)')
    .option('--model <file>', 'a plain ONNX file or glob pattern (repeatable: --model a.onnx --model b.onnx)', collect)
    .option('--input-size <H,W>', 'image size for models whose input size is symbolic', sizeOption)
    .option('--layout <layout>', 'input layout of plain models (default: guessed from the input shape)', choiceOption(['NCHW', 'NHWC'] as const))
    .option('--scale <x>', 'plain models: pixel / scale (default 255)', numberOption(Number.MIN_VALUE))
    .option('--mean <m[,m,m]>', 'plain models: per-channel mean after scaling (default 0)', numberList)
    .option('--std <s[,s,s]>', 'plain models: per-channel std after scaling (default 1)', numberList);
}

export function addStimuliOptions(cmd: Command): Command {
  return cmd
    .option('--stimuli <spec>', 'builtin:NAME | idx:IMAGES[,LABELS] | cifar10:FILE.bin | dir:PATH | npy:IMAGES.npy[,LABELS.npy]', DEFAULT_STIMULI)
    .option('--per-class <k>', 'use the first K images of each class in file order', intOption(1))
    .option('--no-resize', 'images of another size than the model input are an error instead of being resized and centre-cropped');
}

export function addExtractOptions(cmd: Command): Command {
  return cmd
    .option('--layers <spec>', "layers: names, patterns ('relu*'), op:Relu; repeatable or comma-separated (default: the zoo's layers, or every nonlinearity plus the output)", collectList)
    .option('--batch <n>', 'images per batch (default: from --memory)', intOption(1, 65536))
    .option('--memory <MiB>', 'memory budget for one batch, in MiB (default 512)', intOption(1))
    .option('--threads <n>', 'onnxruntime intra-op threads (0 = all cores)', threadsOption)
    .option('--device <device>', 'cpu | cuda | auto', choiceOption(DEVICES), 'cpu');
}

export function zooFromCli(opts: ZooCliOptions): Zoo {
  if (opts.zoo && opts.model) throw new UserError('give either --zoo or --model, not both', 2);
  if (opts.model) {
    return zooFromModels(opts.model, {
      input: { layout: opts.layout, scale: opts.scale, mean: opts.mean, std: opts.std, size: opts.inputSize },
    });
  }
  const dir = opts.zoo ?? DEFAULT_ZOO;
  if (!opts.zoo && !existsSync(join(dir, 'zoo.json'))) {
    throw new UserError(`no --zoo or --model given and the default zoo ${dir} is not installed`, 2);
  }
  if (opts.layout || opts.scale !== undefined || opts.mean || opts.std) {
    throw new UserError('--layout, --scale, --mean and --std apply to --model files; a zoo takes its preprocessing from zoo.json', 2);
  }
  return loadZoo(dir);
}

export function stimuliFromCli(zoo: Zoo, opts: StimuliCliOptions): Promise<StimulusSet> {
  return loadStimuli(opts.stimuli, zoo.input, { perClass: opts.perClass ?? null, resize: opts.resize });
}
