/** Paths of the committed ONNX fixtures and their golden activations (test/fixtures/make_fixtures.py). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/native/addon.js';
import { readNpy } from '../../src/io/npy.js';

export const fixtures = join(packageRoot, 'test', 'fixtures');
export const onnxFixture = (name: string): string => join(fixtures, 'onnx', name);
export const tinyZoo = join(fixtures, 'onnx', 'zoo-tiny');

export interface Golden {
  input: string;
  tensors: Record<string, { data: Float32Array; shape: number[] }>;
}

export function readGolden(name: string): Golden {
  const dir = join(fixtures, 'golden', name);
  const index = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as { input: string; tensors: Record<string, { file: string; shape: number[] }> };
  const tensors: Golden['tensors'] = {};
  for (const [t, v] of Object.entries(index.tensors)) tensors[t] = { data: readNpy(join(dir, v.file)).data as Float32Array, shape: v.shape };
  return { input: join(dir, index.input), tensors };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}
