/**
 * Preprocessing to the model's input: channel conversion (grey ↔ RGB, alpha
 * dropped), resize of the shorter side and centre crop (sharp, 'cover'),
 * x = (pixel / scale − mean[c]) / std[c], and NCHW or NHWC order.
 */
import sharp from 'sharp';
import { UserError } from '../errors.js';
import type { InputSpec } from '../zoo/zooManifest.js';
import type { SourceImages } from './rawImages.js';

export interface PreprocessOptions {
  /** Resize and centre-crop images whose size differs from the model's (default); false makes that an error. */
  resize?: boolean;
  /** Names the stimulus source in errors. */
  source: string;
}

export function inputGeometry(input: InputSpec): { channels: number; height: number; width: number } {
  const [a, b, c] = input.shape as [number, number, number];
  return input.layout === 'NCHW' ? { channels: a, height: b, width: c } : { channels: c, height: a, width: b };
}

/** One image's pixels (H × W × from) to H × W × to channels. */
export function convertChannels(px: Uint8Array, from: number, to: number): Uint8Array {
  if (from === to) return px;
  const count = px.length / from;
  const out = new Uint8Array(count * to);
  const hasColour = from >= 3;
  for (let p = 0; p < count; p++) {
    const i = p * from;
    if (to === 1) {
      // ITU-R BT.601 luma; alpha (channel 2 of grey+alpha, 4 of RGBA) is dropped
      out[p] = hasColour ? Math.round(0.299 * px[i]! + 0.587 * px[i + 1]! + 0.114 * px[i + 2]!) : px[i]!;
    } else {
      for (let c = 0; c < to; c++) out[p * to + c] = hasColour ? px[i + Math.min(c, 2)]! : px[i]!;
    }
  }
  return out;
}

/** Resizes one H × W × C image so that it covers W' × H' and crops the centre. */
export async function resizeCover(px: Uint8Array, h: number, w: number, c: number, outH: number, outW: number): Promise<Uint8Array> {
  let pipeline = sharp(px, { raw: { width: w, height: h, channels: c as 1 | 3 } })
    .resize(outW, outH, { fit: 'cover', position: 'centre' });
  // sharp writes raw grey input as RGB unless told to stay grey
  pipeline = c === 1 ? pipeline.toColourspace('b-w') : pipeline;
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return info.channels === c ? new Uint8Array(data.buffer, data.byteOffset, data.length) : convertChannels(data, info.channels, c);
}

/** Writes one H × W × C uint8 image, normalised, into `out` at image slot `k`. */
function normaliseInto(out: Float32Array, k: number, px: Uint8Array, input: InputSpec, g: ReturnType<typeof inputGeometry>): void {
  const { channels: C, height: H, width: W } = g;
  const base = k * C * H * W;
  const inv = 1 / input.scale;
  for (let c = 0; c < C; c++) {
    const mean = input.mean[input.mean.length === 1 ? 0 : c]!;
    const istd = 1 / input.std[input.std.length === 1 ? 0 : c]!;
    for (let p = 0; p < H * W; p++) {
      const v = (px[p * C + c]! * inv - mean) * istd;
      out[input.layout === 'NCHW' ? base + c * H * W + p : base + p * C + c] = v;
    }
  }
}

/** All images preprocessed to a Float32Array of N × (model input shape). */
export async function toModelInput(src: SourceImages, input: InputSpec, opts: PreprocessOptions): Promise<Float32Array> {
  const g = inputGeometry(input);
  const size = g.channels * g.height * g.width;
  if (src.kind === 'float') {
    const want = [src.n, ...input.shape];
    const squeezedGrey = g.channels === 1 && src.shape.length === 3 && src.shape[1] === g.height && src.shape[2] === g.width;
    if (src.shape.join(',') !== want.join(',') && !squeezedGrey) {
      throw new UserError(`${opts.source}: expected float images of shape (${want.join(', ')}) (the model's input, ${input.layout}) but received (${src.shape.join(', ')}); give uint8 images to have them resized and normalised`);
    }
    return src.data;
  }
  const resize = opts.resize ?? true;
  if (!resize && (src.height !== g.height || src.width !== g.width)) {
    throw new UserError(`${opts.source}: images are ${src.height}×${src.width} but the model takes ${g.height}×${g.width} (resizing is off)`);
  }
  const out = new Float32Array(src.n * size);
  const inSize = src.height * src.width * src.channels;
  const jobs: Promise<void>[] = [];
  for (let k = 0; k < src.n; k++) {
    const px = convertChannels(src.pixels.subarray(k * inSize, (k + 1) * inSize), src.channels, g.channels);
    if (src.height === g.height && src.width === g.width) {
      normaliseInto(out, k, px, input, g);
    } else {
      jobs.push(resizeCover(px, src.height, src.width, g.channels, g.height, g.width).then((r) => normaliseInto(out, k, r, input, g)));
      if (jobs.length >= 16) await Promise.all(jobs.splice(0));
    }
  }
  await Promise.all(jobs);
  return out;
}
