/**
 * Inputs for end-to-end tests of `seedscope run`: the tiny three-instance
 * zoo under test/fixtures, variants of it, and small generated stimulus sets.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/native/addon.js';
import { writeNpy } from '../../src/io/npy.js';
import { TestRng } from './random.js';

export const tinyZoo = join(packageRoot, 'test', 'fixtures', 'onnx', 'zoo-tiny');

/** n 28 × 28 uint8 images in `classes` classes (class-dependent pattern plus noise), as npy: spec. */
export function makeStimuli(dir: string, n = 40, classes = 4, labelled = true): string {
  const rng = new TestRng(7);
  const images = new Uint8Array(n * 28 * 28);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % classes;
    for (let p = 0; p < 28 * 28; p++) {
      const pattern = ((p % 28) * (labels[i]! + 1) + Math.floor(p / 28) * (classes - labels[i]!)) % 256;
      images[i * 784 + p] = Math.max(0, Math.min(255, Math.round(pattern * 0.7 + 60 * rng.next())));
    }
  }
  const img = join(dir, 'stimuli.npy');
  writeNpy(img, images, [n, 28, 28]);
  if (!labelled) return `npy:${img}`;
  const lab = join(dir, 'labels.npy');
  writeNpy(lab, labels, [n]);
  return `npy:${img},${lab}`;
}

/** A copy of the tiny zoo under another name, optionally with only its first `keep` instances. */
export function copyZoo(dir: string, name: string, keep?: number): string {
  const target = join(dir, name);
  cpSync(tinyZoo, target, { recursive: true });
  const file = join(target, 'zoo.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name: string; instances: unknown[] };
  manifest.name = name;
  if (keep !== undefined) manifest.instances = manifest.instances.slice(0, keep);
  writeFileSync(file, JSON.stringify(manifest, null, 2));
  return target;
}
