/**
 * Images as read from a stimulus file, before preprocessing: uint8 pixels in
 * N × H × W × C order (channels last), or a float array already shaped for the
 * model. Labels are optional (an unlabelled folder or .npy file).
 */
import { UserError } from '../errors.js';

export interface RawImages {
  kind: 'uint8';
  n: number;
  height: number;
  width: number;
  channels: number;
  /** N × H × W × C. */
  pixels: Uint8Array;
  labels: Int32Array | null;
  classes: string[] | null;
}

export interface FloatImages {
  kind: 'float';
  n: number;
  /** N followed by the model's per-stimulus input shape. */
  shape: number[];
  data: Float32Array;
  labels: Int32Array | null;
  classes: string[] | null;
}

export type SourceImages = RawImages | FloatImages;

/** Keeps the images at `indices`, in that order. */
export function selectImages(src: SourceImages, indices: readonly number[]): SourceImages {
  const pick = (labels: Int32Array | null): Int32Array | null =>
    labels ? Int32Array.from(indices, (i) => labels[i]!) : null;
  if (src.kind === 'uint8') {
    const size = src.height * src.width * src.channels;
    const pixels = new Uint8Array(indices.length * size);
    indices.forEach((i, k) => pixels.set(src.pixels.subarray(i * size, (i + 1) * size), k * size));
    return { ...src, n: indices.length, pixels, labels: pick(src.labels) };
  }
  const size = src.shape.slice(1).reduce((a, b) => a * b, 1);
  const data = new Float32Array(indices.length * size);
  indices.forEach((i, k) => data.set(src.data.subarray(i * size, (i + 1) * size), k * size));
  return { ...src, n: indices.length, shape: [indices.length, ...src.shape.slice(1)], data, labels: pick(src.labels) };
}

/**
 * The first K images of each class in file order; the result is grouped by
 * class (class 0's K images, then class 1's, ...), as the paper's figures sort
 * stimuli. Every class present must have at least K images.
 */
export function perClassIndices(labels: Int32Array, k: number, classes: string[] | null, source: string): number[] {
  const byClass = new Map<number, number[]>();
  labels.forEach((c, i) => {
    const list = byClass.get(c) ?? [];
    if (list.length < k) list.push(i);
    byClass.set(c, list);
  });
  const out: number[] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const list = byClass.get(c)!;
    if (list.length < k) {
      const name = classes?.[c] !== undefined ? `'${classes[c]}' (${c})` : String(c);
      throw new UserError(`${source}: --per-class ${k}: class ${name} has only ${list.length} images`);
    }
    out.push(...list);
  }
  return out;
}

export function checkLabels(labels: Int32Array, n: number, classes: string[] | null, labelsFile: string, imagesFile: string): void {
  if (labels.length !== n) {
    throw new UserError(`${labelsFile}: expected ${n} labels (one per image of ${imagesFile}) but received ${labels.length}`);
  }
  if (classes) {
    const bad = labels.findIndex((l) => l < 0 || l >= classes.length);
    if (bad >= 0) throw new UserError(`${labelsFile}: label ${bad} is ${labels[bad]} but there are ${classes.length} classes`);
  }
}
