/**
 * Which file a fuzz case mutates and which command reads it. Each format
 * has one or more commands; case i of a campaign picks its format, its
 * command and its mutation from the case's own seed alone.
 */
import { join } from 'node:path';
import { FuzzRng, caseSeed, mutate } from './mutate.js';

export const FORMATS = ['npy', 'idx', 'cifar10', 'zoo.json', 'onnx', 'png', 'jpeg'] as const;
export type FuzzFormat = (typeof FORMATS)[number];

interface Target {
  format: FuzzFormat;
  /** the seed file mutated, relative to the seed folder */
  file: string;
  /** how much of its start is header */
  headerBytes: number;
  textHeader: boolean;
  /** the command line, with paths relative to the case folder; OUT is the output path the command must not leave behind on failure */
  commands: string[][];
}

const EXTRACT = (stimuli: string, model = ['--model', 'model.onnx']): string[] =>
  ['extract', ...model, '--stimuli', stimuli, '--layers', '/conv1/Conv_output_0', '-o', 'OUT', '--quiet', '--threads', '1'];

const TARGETS: readonly Target[] = [
  { format: 'npy', file: 'a.npy', headerBytes: 128, textHeader: true, commands: [
    ['compare', 'a.npy', 'b.npy', '--threads', '1'],
    ['permtest', 'a.npy', 'b.npy', '--permutations', '20', '--quiet', '--threads', '1'],
    ['bootstrap', 'a.npy', 'b.npy', 'c.npy', '--over', 'stimuli', '--samples', '20', '--quiet', '--threads', '1'],
  ] },
  { format: 'npy', file: 'x.npy', headerBytes: 128, textHeader: true, commands: [
    ['rdm', 'x.npy', '-o', 'OUT', '--quiet', '--threads', '1'],
    ['cka', 'x.npy', 'y.npy', '--threads', '1'],
  ] },
  { format: 'npy', file: 'images.npy', headerBytes: 128, textHeader: true, commands: [EXTRACT('npy:images.npy,labels.npy')] },
  { format: 'npy', file: 'labels.npy', headerBytes: 128, textHeader: true, commands: [EXTRACT('npy:images.npy,labels.npy')] },
  { format: 'idx', file: 'images-idx3-ubyte', headerBytes: 16, textHeader: false, commands: [EXTRACT('idx:images-idx3-ubyte,labels-idx1-ubyte')] },
  { format: 'idx', file: 'labels-idx1-ubyte', headerBytes: 8, textHeader: false, commands: [EXTRACT('idx:images-idx3-ubyte,labels-idx1-ubyte')] },
  { format: 'idx', file: 'images-idx3-ubyte.gz', headerBytes: 24, textHeader: false, commands: [EXTRACT('idx:images-idx3-ubyte.gz')] },
  { format: 'cifar10', file: 'data_batch_1.bin', headerBytes: 3074, textHeader: false, commands: [EXTRACT('cifar10:data_batch_1.bin')] },
  { format: 'zoo.json', file: 'zoo/zoo.json', headerBytes: 1 << 20, textHeader: true, commands: [
    EXTRACT('npy:images.npy,labels.npy', ['--zoo', 'zoo']),
    ['layers', 'zoo', '--json'],
  ] },
  { format: 'onnx', file: 'model.onnx', headerBytes: 2048, textHeader: false, commands: [
    EXTRACT('npy:images.npy,labels.npy'),
    ['layers', 'model.onnx', '--json'],
  ] },
  { format: 'png', file: 'images/T-shirt/0a.png', headerBytes: 64, textHeader: false, commands: [EXTRACT('dir:images')] },
  { format: 'jpeg', file: 'images/T-shirt/0b.jpg', headerBytes: 400, textHeader: false, commands: [EXTRACT('dir:images')] },
];

/** Every seed file a case folder needs (all of them: copying a few kilobytes is cheaper than knowing which). */
export const SEED_FILES = [
  'a.npy', 'b.npy', 'c.npy', 'x.npy', 'y.npy', 'images.npy', 'labels.npy', 'images-idx3-ubyte', 'labels-idx1-ubyte',
  'images-idx3-ubyte.gz', 'data_batch_1.bin', 'zoo/zoo.json', 'zoo/seed0.onnx', 'zoo/seed1.onnx', 'zoo/seed2.onnx', 'model.onnx',
  'images/T-shirt/0a.png', 'images/T-shirt/0b.jpg', 'images/Trouser/1a.png', 'images/Trouser/1b.jpg',
];

export interface FuzzCase {
  index: number;
  format: FuzzFormat;
  file: string;
  mutation: string;
  bytes: Uint8Array;
  /** arguments with OUT standing for the output path */
  args: string[];
}

/** Case `index` of the campaign `seed`, mutating the seed file read by `readSeed`. */
export function fuzzCase(seed: number, index: number, readSeed: (file: string) => Uint8Array): FuzzCase {
  const rng = new FuzzRng(caseSeed(seed, index));
  // formats equally often, then a target of that format
  const format = FORMATS[index % FORMATS.length]!;
  const target = rng.pick(TARGETS.filter((t) => t.format === format));
  const args = rng.pick(target.commands);
  const m = mutate(readSeed(target.file), rng, target.headerBytes, target.textHeader);
  return { index, format, file: target.file, mutation: `${m.kind}: ${m.detail}`, bytes: m.bytes, args };
}

/** The arguments with OUT replaced by `out` and relative paths made absolute in `dir`. */
export function resolveArgs(args: readonly string[], dir: string, out: string): string[] {
  return args.map((a) => {
    if (a === 'OUT') return out;
    const m = /^(npy|idx|cifar10|dir):(.*)$/.exec(a);
    if (m) return `${m[1]}:${m[2]!.split(',').map((f) => join(dir, f)).join(',')}`;
    return /\.(npy|onnx)$|^zoo$/.test(a) ? join(dir, a) : a;
  });
}
