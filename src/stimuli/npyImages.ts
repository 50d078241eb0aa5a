/**
 * `npy:IMAGES.npy[,LABELS.npy]`: uint8 images (N × H × W, N × H × W × C, or
 * N × C × H × W with C = 1 or 3) are preprocessed like any image; a float
 * array that already has the model's input shape is used as it is.
 */
import { readNpy, toInt32Labels } from '../io/npy.js';
import { UserError } from '../errors.js';
import type { SourceImages } from './rawImages.js';

export function readNpyImages(file: string): SourceImages {
  const a = readNpy(file);
  const s = a.shape;
  if (s.length < 2) throw new UserError(`${file}: expected images with a leading N dimension but received shape (${s.join(', ')})`);
  // with a zero dimension the header can claim 10^12 images in an empty file
  if (s.slice(1).some((d) => d < 1)) throw new UserError(`${file}: expected images of at least one value each but received shape (${s.join(', ')})`);
  if (a.data instanceof Float32Array || a.data instanceof Float64Array) {
    return { kind: 'float', n: s[0]!, shape: s, data: a.data instanceof Float32Array ? a.data : Float32Array.from(a.data), labels: null, classes: null };
  }
  if (!(a.data instanceof Uint8Array)) {
    throw new UserError(`${file}: expected uint8 images or float32/float64 model inputs but received ${a.dtype}`);
  }
  const n = s[0]!;
  if (s.length === 3) return { kind: 'uint8', n, height: s[1]!, width: s[2]!, channels: 1, pixels: a.data, labels: null, classes: null };
  if (s.length === 4) {
    const small = (d: number): boolean => d === 1 || d === 3 || d === 4;
    if (small(s[3]!)) return { kind: 'uint8', n, height: s[1]!, width: s[2]!, channels: s[3]!, pixels: a.data, labels: null, classes: null };
    if (small(s[1]!)) {
      // channels first: interleave to H × W × C
      const [c, h, w] = [s[1]!, s[2]!, s[3]!];
      const px = new Uint8Array(a.data.length);
      for (let i = 0; i < n; i++) {
        for (let ch = 0; ch < c; ch++) {
          for (let p = 0; p < h * w; p++) px[i * c * h * w + p * c + ch] = a.data[i * c * h * w + ch * h * w + p]!;
        }
      }
      return { kind: 'uint8', n, height: h, width: w, channels: c, pixels: px, labels: null, classes: null };
    }
  }
  throw new UserError(`${file}: expected uint8 images of shape (N, H, W), (N, H, W, C) or (N, C, H, W) with C in 1, 3, 4 but received (${s.join(', ')})`);
}

export function readNpyLabels(file: string): Int32Array {
  const a = readNpy(file);
  if (a.shape.length !== 1) throw new UserError(`${file}: expected a 1-D array of labels but received shape (${a.shape.join(', ')})`);
  if (a.data instanceof Float32Array || a.data instanceof Float64Array) {
    throw new UserError(`${file}: expected integer labels but received ${a.dtype}`);
  }
  return toInt32Labels(a, file);
}
