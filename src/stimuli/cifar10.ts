/**
 * The CIFAR-10 binary format: records of 1 label byte followed by 3 × 32 × 32
 * pixel bytes (red plane, green plane, blue plane). Class names come from
 * batches.meta.txt beside the file when it is there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import type { RawImages } from './rawImages.js';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

function classNames(file: string): string[] {
  const meta = join(dirname(file), 'batches.meta.txt');
  if (!existsSync(meta)) return CIFAR10_CLASSES;
  const names = readFileSync(meta, 'utf8').split('\n').map((s) => s.trim()).filter((s) => s.length > 0);
  return names.length === 10 ? names : CIFAR10_CLASSES;
}

export function readCifar10(files: readonly string[]): RawImages {
  const chunks: Uint8Array[] = [];
  for (const file of files) {
    if (!existsSync(file)) throw new UserError(`${file}: file not found`);
    const bytes = readFileSync(file);
    if (bytes.length === 0 || bytes.length % RECORD !== 0) {
      throw new UserError(`${file}: expected CIFAR-10 binary records of ${RECORD} bytes (1 label + 3×32×32 pixels) but the file size ${bytes.length} is not a multiple of ${RECORD}`);
    }
    chunks.push(bytes);
  }
  const n = chunks.reduce((a, c) => a + c.length / RECORD, 0);
  const pixels = new Uint8Array(n * 3 * PLANE);
  const labels = new Int32Array(n);
  let i = 0;
  for (const bytes of chunks) {
    for (let r = 0; r < bytes.length / RECORD; r++, i++) {
      const rec = r * RECORD;
      const label = bytes[rec]!;
      if (label > 9) throw new UserError(`${files[chunks.indexOf(bytes)]}: record ${r} has label ${label}; expected 0-9`);
      labels[i] = label;
      // planes (CHW) to interleaved HWC
      const out = i * 3 * PLANE;
      for (let p = 0; p < PLANE; p++) {
        pixels[out + 3 * p] = bytes[rec + 1 + p]!;
        pixels[out + 3 * p + 1] = bytes[rec + 1 + PLANE + p]!;
        pixels[out + 3 * p + 2] = bytes[rec + 1 + 2 * PLANE + p]!;
      }
    }
  }
  return { kind: 'uint8', n, height: SIDE, width: SIDE, channels: 3, pixels, labels, classes: classNames(files[0]!) };
}
