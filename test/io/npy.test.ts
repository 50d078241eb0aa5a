import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy, parseNpy, readNpy, writeNpy } from '../../src/io/npy.js';
import { UserError } from '../../src/errors.js';
import { withTempDir } from '../helpers/tmp.js';

test('npy round-trips float32, float64 and int32 with their shapes', () => withTempDir((dir) => {
  const cases = [
    { data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] },
    { data: new Float64Array([0.5, -1.25, NaN]), shape: [3] },
    { data: new Int32Array([7, 8, 9, 10]), shape: [2, 1, 2] },
  ];
  for (const [i, c] of cases.entries()) {
    const f = join(dir, `a${i}.npy`);
    writeNpy(f, c.data, c.shape);
    const back = readNpy(f);
    assert.deepEqual(back.shape, c.shape);
    assert.equal(back.data.constructor, c.data.constructor);
    assert.deepEqual(Array.from(back.data as ArrayLike<number>), Array.from(c.data));
  }
}));

test('npy header is padded to 64 bytes as numpy writes it', () => {
  const [head] = encodeNpy(new Float32Array(4), [2, 2]);
  assert.equal(head!.length % 64, 0);
});

test('npy rejects truncated data, bad magic, fortran order and unknown dtypes', () => {
  const [head, body] = encodeNpy(new Float32Array(12), [3, 4]);
  const truncated = Buffer.concat([head!, body!.subarray(0, 20)]);
  assert.throws(() => parseNpy(truncated, 'x.npy'), (e: unknown) => e instanceof UserError && /x\.npy: expected 48 bytes/.test(e.message));
  assert.throws(() => parseNpy(Buffer.from('not numpy at all'), 'y.npy'), /y\.npy: expected a NumPy \.npy file/);
  const fortran = Buffer.from(Buffer.concat([head!, body!]).toString('latin1').replace("'fortran_order': False", "'fortran_order': True "), 'latin1');
  assert.throws(() => parseNpy(fortran, 'f.npy'), /C-order/);
  const complex = Buffer.from(Buffer.concat([head!, body!]).toString('latin1').replace("'<f4'", "'<c8'"), 'latin1');
  assert.throws(() => parseNpy(complex, 'c.npy'), /expected dtype float32 or float64/);
});

test('missing .npy file is a UserError naming it', () => withTempDir((dir) => {
  assert.throws(() => readNpy(join(dir, 'nope.npy')), /nope\.npy: file not found/);
  writeFileSync(join(dir, 'empty.npy'), '');
  assert.throws(() => readNpy(join(dir, 'empty.npy')), /empty\.npy/);
}));
