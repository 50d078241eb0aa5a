/**
 * `dir:PATH`: a folder of class subfolders holding PNG, JPEG or WebP images
 * (classes are the subfolder names in sorted order; images sorted by file
 * name), or a flat folder of images without labels. Each image is decoded with
 * sharp, converted to the model's channel count and resized/centre-cropped to
 * its input size.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import { UserError } from '../errors.js';
import { convertChannels, resizeCover } from './preprocess.js';
import type { RawImages } from './rawImages.js';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.webp']);

function imagesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => IMAGE_EXT.has(extname(f).toLowerCase()) && statSync(join(dir, f)).isFile())
    .sort()
    .map((f) => join(dir, f));
}

export interface FolderTarget {
  height: number;
  width: number;
  channels: number;
  resize: boolean;
}

async function decode(file: string, t: FolderTarget): Promise<Uint8Array> {
  let data: Buffer;
  let info: OutputInfo;
  try {
    ({ data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true }));
  } catch (err) {
    throw new UserError(`${file}: cannot decode the image (${(err as Error).message})`);
  }
  if (!t.resize && (info.height !== t.height || info.width !== t.width)) {
    throw new UserError(`${file}: image is ${info.height}×${info.width} but the model takes ${t.height}×${t.width} (resizing is off)`);
  }
  const px = convertChannels(new Uint8Array(data.buffer, data.byteOffset, data.length), info.channels, t.channels);
  if (info.height === t.height && info.width === t.width) return px;
  return resizeCover(px, info.height, info.width, t.channels, t.height, t.width);
}

export async function readImageFolder(dir: string, target: FolderTarget): Promise<RawImages> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${dir}: folder not found`);
  const subdirs = readdirSync(dir).filter((d) => !d.startsWith('.') && statSync(join(dir, d)).isDirectory()).sort();
  const top = imagesIn(dir);
  let files: string[];
  let labels: Int32Array | null = null;
  let classes: string[] | null = null;
  if (subdirs.length > 0) {
    if (top.length > 0) throw new UserError(`${dir}: expected either class subfolders or images, not both (found ${top.length} images beside ${subdirs.length} subfolders)`);
    const perClass = subdirs.map((d) => imagesIn(join(dir, d)));
    const empty = perClass.findIndex((f) => f.length === 0);
    if (empty >= 0) throw new UserError(`${join(dir, subdirs[empty]!)}: class folder holds no PNG, JPEG or WebP images`);
    files = perClass.flat();
    labels = Int32Array.from(perClass.flatMap((f, c) => f.map(() => c)));
    classes = subdirs;
  } else {
    files = top;
  }
  if (files.length === 0) throw new UserError(`${dir}: expected class subfolders of PNG, JPEG or WebP images but the folder holds none`);
  const size = target.height * target.width * target.channels;
  const pixels = new Uint8Array(files.length * size);
  for (let start = 0; start < files.length; start += 16) {
    const chunk = files.slice(start, start + 16);
    // settle all, then report the first failure in file order (deterministic messages)
    const decoded = await Promise.allSettled(chunk.map((f) => decode(f, target)));
    decoded.forEach((r, k) => {
      if (r.status === 'rejected') throw r.reason;
      pixels.set(r.value, (start + k) * size);
    });
  }
  return { kind: 'uint8', n: files.length, height: target.height, width: target.width, channels: target.channels, pixels, labels, classes };
}
