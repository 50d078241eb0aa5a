/**
 * Valid inputs of every format seedscope reads, written once per fuzz
 * process into a folder: the mutations start from these. They are small so
 * that a case runs in milliseconds, and generated (not stored) so that the
 * repository holds no binary fixtures for the fuzzer.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { writeNpy } from '../../src/io/npy.js';
import { packageRoot } from '../../src/native/addon.js';
import { FuzzRng } from './mutate.js';

export const TINY_ZOO = join(packageRoot, 'test', 'fixtures', 'onnx', 'zoo-tiny');
/** the fixture model: input 1 × 28 × 28 (NCHW), 10 logits */
export const MODEL = join(packageRoot, 'test', 'fixtures', 'onnx', 'cnn.onnx');

const N_IMAGES = 4;

function rdm(rng: FuzzRng, n: number): Float64Array {
  const pts = Array.from({ length: n * 2 }, () => rng.next());
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) m[i * n + j] = Math.hypot(pts[2 * i]! - pts[2 * j]!, pts[2 * i + 1]! - pts[2 * j + 1]!);
  }
  return m;
}

function idx(dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, k) => head.writeUInt32BE(d, 4 + 4 * k));
  return Buffer.concat([head, data]);
}

/** Writes every seed into `dir` (created). */
export async function writeSeeds(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const rng = new FuzzRng(20240518);
  for (const name of ['a', 'b', 'c']) writeNpy(join(dir, `${name}.npy`), rdm(rng, 7), [7, 7]);
  writeNpy(join(dir, 'x.npy'), Float32Array.from({ length: 6 * 5 }, () => rng.next()), [6, 5]);
  writeNpy(join(dir, 'y.npy'), Float64Array.from({ length: 6 * 3 }, () => rng.next()), [6, 3]);
  const pixels = Uint8Array.from({ length: N_IMAGES * 28 * 28 }, () => rng.int(256));
  const labels = Int32Array.from({ length: N_IMAGES }, (_, i) => i % 10);
  writeNpy(join(dir, 'images.npy'), pixels, [N_IMAGES, 28, 28]);
  writeNpy(join(dir, 'labels.npy'), labels, [N_IMAGES]);
  writeFileSync(join(dir, 'images-idx3-ubyte'), idx([N_IMAGES, 28, 28], pixels));
  writeFileSync(join(dir, 'labels-idx1-ubyte'), idx([N_IMAGES], Uint8Array.from(labels)));
  writeFileSync(join(dir, 'images-idx3-ubyte.gz'), gzipSync(idx([N_IMAGES, 28, 28], pixels)));
  const record = 1 + 3 * 32 * 32;
  const cifar = Buffer.alloc(3 * record);
  for (let r = 0; r < 3; r++) {
    cifar[r * record] = r;
    for (let p = 1; p < record; p++) cifar[r * record + p] = rng.int(256);
  }
  writeFileSync(join(dir, 'data_batch_1.bin'), cifar);
  mkdirSync(join(dir, 'zoo'), { recursive: true });
  for (const f of ['zoo.json', 'seed0.onnx', 'seed1.onnx', 'seed2.onnx']) copyFileSync(join(TINY_ZOO, f), join(dir, 'zoo', f));
  copyFileSync(MODEL, join(dir, 'model.onnx'));
  for (const [cls, k] of [['T-shirt', 0], ['Trouser', 1]] as const) {
    mkdirSync(join(dir, 'images', cls), { recursive: true });
    const raw = Buffer.from(Array.from({ length: 20 * 24 * 3 }, () => rng.int(256)));
    const img = sharp(raw, { raw: { width: 24, height: 20, channels: 3 } });
    await img.clone().png().toFile(join(dir, 'images', cls, `${k}a.png`));
    await img.clone().jpeg().toFile(join(dir, 'images', cls, `${k}b.jpg`));
  }
}
