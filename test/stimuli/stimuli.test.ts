import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { writeNpy } from '../../src/io/npy.js';
import { loadStimuli } from '../../src/stimuli/loadStimuli.js';
import type { InputSpec } from '../../src/zoo/zooManifest.js';
import { withTempDir } from '../helpers/tmp.js';

const grey28: InputSpec = { name: 'input', shape: [1, 28, 28], layout: 'NCHW', scale: 255, mean: [0], std: [1] };

function idxBytes(dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, k) => head.writeUInt32BE(d, 4 + 4 * k));
  return Buffer.concat([head, data]);
}

test('builtin:fmnist-1000: 1000 images sorted by class, labels, class names; --per-class picks the first K of each class', async () => {
  const s = await loadStimuli('builtin:fmnist-1000', grey28);
  assert.equal(s.n, 1000);
  assert.deepEqual(s.shape, [1000, 1, 28, 28]);
  assert.equal(s.classes?.[9], 'Ankle boot');
  assert.deepEqual([s.labels![0], s.labels![99], s.labels![100], s.labels![999]], [0, 0, 1, 9]);
  assert.equal(s.indices, null);
  assert.match(s.checksum, /^[0-9a-f]{64}$/);
  const k = await loadStimuli('builtin:fmnist-1000', grey28, { perClass: 3 });
  assert.equal(k.n, 30);
  assert.deepEqual(k.indices!.slice(0, 4), [0, 1, 2, 100]);
  assert.deepEqual(Array.from(k.images.subarray(784, 2 * 784)), Array.from(s.images.subarray(784, 2 * 784)));
  await assert.rejects(loadStimuli('builtin:fmnist-1000', grey28, { perClass: 101 }), /--per-class 101: class 'T-shirt\/top' \(0\) has only 100 images/);
  await assert.rejects(loadStimuli('builtin:nope', grey28), /no built-in stimulus set of this name/);
});

test('preprocessing: scale, per-channel mean/std, grey to RGB, NCHW and NHWC order', () => withTempDir(async (dir) => {
  const px = new Uint8Array(2 * 2 * 2);
  px.set([0, 51, 102, 255, 10, 20, 30, 40]);
  const file = join(dir, 'img.npy');
  writeNpy(file, px, [2, 2, 2]);
  const rgbChw: InputSpec = { name: 'x', shape: [3, 2, 2], layout: 'NCHW', scale: 255, mean: [0.1, 0.2, 0.3], std: [0.5, 0.25, 2] };
  const s = await loadStimuli(`npy:${file}`, rgbChw);
  // image 0, channel 1, pixel 1: (51/255 - 0.2) / 0.25 = 0
  assert.ok(Math.abs(s.images[4 + 1]! - 0) < 1e-6);
  assert.ok(Math.abs(s.images[8 + 3]! - (1 - 0.3) / 2) < 1e-6);
  const rgbHwc: InputSpec = { ...rgbChw, shape: [2, 2, 3], layout: 'NHWC' };
  const h = await loadStimuli(`npy:${file}`, rgbHwc);
  // pixel 3 (255), channel 2 at offset 3*3+2
  assert.ok(Math.abs(h.images[11]! - (1 - 0.3) / 2) < 1e-6);
  assert.equal(h.labels, null);
}));

test('idx: raw and gzip images with labels; truncated data, a truncated gzip and a label count mismatch are errors', () => withTempDir(async (dir) => {
  const n = 4;
  const px = Uint8Array.from({ length: n * 28 * 28 }, (_, i) => i % 251);
  writeFileSync(join(dir, 'img'), idxBytes([n, 28, 28], px));
  writeFileSync(join(dir, 'img.gz'), gzipSync(idxBytes([n, 28, 28], px)));
  writeFileSync(join(dir, 'lab.gz'), gzipSync(idxBytes([n], Uint8Array.from([3, 1, 3, 0]))));
  writeFileSync(join(dir, 'lab3'), idxBytes([3], Uint8Array.from([3, 1, 3])));
  const a = await loadStimuli(`idx:${join(dir, 'img')}`, grey28);
  const b = await loadStimuli(`idx:${join(dir, 'img.gz')},${join(dir, 'lab.gz')}`, grey28);
  assert.equal(a.n, 4);
  assert.deepEqual(Array.from(a.images), Array.from(b.images));
  assert.ok(Math.abs(b.images[250]! - 250 / 255) < 1e-6);
  assert.deepEqual(Array.from(b.labels!), [3, 1, 3, 0]);
  const k = await loadStimuli(`idx:${join(dir, 'img.gz')},${join(dir, 'lab.gz')}`, grey28, { perClass: 1 });
  assert.deepEqual(k.indices, [3, 1, 0]);
  writeFileSync(join(dir, 'short'), idxBytes([n, 28, 28], px).subarray(0, 1000));
  await assert.rejects(loadStimuli(`idx:${join(dir, 'short')}`, grey28), /short: expected 3136 bytes \(3\.1 KiB\) of data for IDX dimensions 4 × 28 × 28 but the file holds 984 \(truncated\?\)/);
  writeFileSync(join(dir, 'short.gz'), gzipSync(idxBytes([n, 28, 28], px)).subarray(0, 200));
  await assert.rejects(loadStimuli(`idx:${join(dir, 'short.gz')}`, grey28), /short\.gz: expected a gzip-compressed IDX file but it cannot be decompressed/);
  await assert.rejects(loadStimuli(`idx:${join(dir, 'img')},${join(dir, 'lab3')}`, grey28), /lab3: expected 4 labels \(one per image of .*img\) but received 3/);
  await assert.rejects(loadStimuli(`idx:${join(dir, 'missing')}`, grey28), /missing: file not found/);
}));

test('cifar10: records to RGB images and labels, resized to the model; a wrong record size is an error', () => withTempDir(async (dir) => {
  const rec = 3073;
  const bytes = new Uint8Array(2 * rec);
  bytes[0] = 7;
  bytes.fill(200, 1, 1 + 1024); // red plane of image 0
  bytes[rec] = 2;
  writeFileSync(join(dir, 'data_batch_1.bin'), bytes);
  const rgb32: InputSpec = { name: 'x', shape: [3, 32, 32], layout: 'NCHW', scale: 255, mean: [0], std: [1] };
  const s = await loadStimuli(`cifar10:${join(dir, 'data_batch_1.bin')}`, rgb32);
  assert.equal(s.n, 2);
  assert.deepEqual(Array.from(s.labels!), [7, 2]);
  assert.equal(s.classes![7], 'horse');
  assert.ok(Math.abs(s.images[0]! - 200 / 255) < 1e-6 && s.images[1024] === 0);
  const g = await loadStimuli(`cifar10:${join(dir, 'data_batch_1.bin')}`, grey28);
  assert.deepEqual(g.shape, [2, 1, 28, 28]);
  writeFileSync(join(dir, 'bad.bin'), bytes.subarray(0, rec + 100));
  await assert.rejects(loadStimuli(`cifar10:${join(dir, 'bad.bin')}`, rgb32), /bad\.bin: expected CIFAR-10 binary records of 3073 bytes .* the file size 3173 is not a multiple of 3073/);
}));

test('dir: class subfolders of PNG, JPEG and WebP images, decoded and resized; bad folders and images are errors', () => withTempDir(async (dir) => {
  const mk = (w: number, h: number, c: 1 | 3, v: number) => sharp(Buffer.alloc(w * h * c, v), { raw: { width: w, height: h, channels: c } });
  mkdirSync(join(dir, 'set', 'cat'), { recursive: true });
  mkdirSync(join(dir, 'set', 'dog'), { recursive: true });
  await mk(28, 28, 1, 100).png().toFile(join(dir, 'set', 'cat', 'a.png'));
  await mk(56, 40, 3, 200).jpeg({ quality: 100 }).toFile(join(dir, 'set', 'cat', 'b.jpg'));
  await mk(30, 30, 3, 50).webp({ lossless: true }).toFile(join(dir, 'set', 'dog', 'c.webp'));
  writeFileSync(join(dir, 'set', 'dog', 'notes.txt'), 'ignored');
  const s = await loadStimuli(`dir:${join(dir, 'set')}`, grey28);
  assert.equal(s.n, 3);
  assert.deepEqual(s.classes, ['cat', 'dog']);
  assert.deepEqual(Array.from(s.labels!), [0, 0, 1]);
  assert.ok(Math.abs(s.images[0]! - 100 / 255) < 1e-6);
  assert.ok(Math.abs(s.images[784 + 400]! - 200 / 255) < 0.02);
  const rgb: InputSpec = { name: 'x', shape: [3, 28, 28], layout: 'NCHW', scale: 255, mean: [0], std: [1] };
  const c = await loadStimuli(`dir:${join(dir, 'set')}`, rgb);
  assert.ok(Math.abs(c.images[2 * 784 + 10]! - 100 / 255) < 1e-6, 'grey replicated to RGB');
  await assert.rejects(loadStimuli(`dir:${join(dir, 'set')}`, grey28, { resize: false }), /b\.jpg: image is 40×56 but the model takes 28×28 \(resizing is off\)/);

  mkdirSync(join(dir, 'empty'));
  await assert.rejects(loadStimuli(`dir:${join(dir, 'empty')}`, grey28), /empty: expected class subfolders of PNG, JPEG or WebP images but the folder holds none/);
  mkdirSync(join(dir, 'set', 'bird'));
  await assert.rejects(loadStimuli(`dir:${join(dir, 'set')}`, grey28), /bird: class folder holds no PNG, JPEG or WebP images/);
  writeFileSync(join(dir, 'set', 'bird', 'broken.png'), 'not a png');
  await assert.rejects(loadStimuli(`dir:${join(dir, 'set')}`, grey28), /broken\.png: cannot decode the image/);
  await assert.rejects(loadStimuli(`dir:${join(dir, 'nowhere')}`, grey28), /nowhere: folder not found/);
}));

test('npy: uint8 images are preprocessed, floats in the model shape are used as they are; wrong shapes and labels are errors', () => withTempDir(async (dir) => {
  const f = Float32Array.from({ length: 2 * 784 }, (_, i) => i / 1000);
  writeNpy(join(dir, 'f.npy'), f, [2, 1, 28, 28]);
  writeNpy(join(dir, 'lab.npy'), Int32Array.from([1, 0]), [2]);
  writeNpy(join(dir, 'lab3.npy'), Int32Array.from([1, 0, 1]), [3]);
  const s = await loadStimuli(`npy:${join(dir, 'f.npy')},${join(dir, 'lab.npy')}`, grey28);
  assert.deepEqual(Array.from(s.images), Array.from(f));
  assert.deepEqual(Array.from(s.labels!), [1, 0]);
  writeNpy(join(dir, 'f32.npy'), new Float32Array(2 * 32 * 32), [2, 1, 32, 32]);
  await assert.rejects(loadStimuli(`npy:${join(dir, 'f32.npy')}`, grey28), /f32\.npy: expected float images of shape \(2, 1, 28, 28\) .* but received \(2, 1, 32, 32\)/);
  await assert.rejects(loadStimuli(`npy:${join(dir, 'f.npy')},${join(dir, 'lab3.npy')}`, grey28), /lab3\.npy: expected 2 labels/);
  writeNpy(join(dir, 'u.npy'), new Uint8Array(3 * 3 * 32 * 32).fill(255), [3, 3, 32, 32]);
  const u = await loadStimuli(`npy:${join(dir, 'u.npy')}`, grey28);
  assert.deepEqual(u.shape, [3, 1, 28, 28]);
  assert.ok(Math.abs(u.images[5]! - 1) < 1e-6);
  await assert.rejects(loadStimuli(`npy:${join(dir, 'u.npy')}`, grey28, { perClass: 1 }), /--per-class 1: the stimuli .* have no labels/);
  await assert.rejects(loadStimuli('tiff:x', grey28), /--stimuli tiff:x: expected one of builtin:NAME/);
}));
