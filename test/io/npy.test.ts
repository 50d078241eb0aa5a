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

/** .npy bytes with `header` (padded with spaces, ending in \n) as the header text and `body` as the data. */
function npyWith(header: string, body: Uint8Array, version = 1): Buffer {
  const pre = version === 1 ? 10 : 12;
  const pad = (64 - ((pre + header.length + 1) % 64)) % 64;
  const text = Buffer.from(header + ' '.repeat(pad) + '\n', 'latin1');
  const head = Buffer.alloc(pre);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(head);
  if (version === 1) head.writeUInt16LE(text.length, 8);
  else head.writeUInt32LE(text.length, 8);
  return Buffer.concat([head, text, body]);
}

test('npy headers are parsed strictly, as numpy parses them (keys, types, the exact shape tuple)', () => {
  const body = new Uint8Array(new Float32Array(6).buffer);
  const good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  assert.deepEqual(parseNpy(npyWith(good, body), 'g.npy').shape, [2, 3]);
  assert.deepEqual(parseNpy(npyWith("{'shape': (6,), 'descr': '<f4', 'fortran_order': False}", body, 2), 'g.npy').shape, [6]);
  assert.deepEqual(parseNpy(npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }", body), 'g.npy').shape, [2, 3]);
  // each was read as some array by the old regular expressions; numpy refuses all of them
  const refused = [
    "{'descr': '<f4', 'fortran_order': False, 'shape': (6), }", // (6) is an int, not a tuple
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } trailing",
    "{'descr': '<f4', 'fortran_order': 'False', 'shape': (2, 3)}",
    "{'descr': '<f4' 'fortran_order': False, 'shape': (2, 3)}",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2 3)}",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3)}",
    "{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3]}",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2.0, 3)}",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'shape': (2, 3), 'x': 0}",
    "{'descr': '<f4', 'fortran_order': False}",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2,, 3)}",
  ];
  for (const h of refused) {
    assert.throws(() => parseNpy(npyWith(h, body), 'bad.npy'), (e: unknown) => e instanceof UserError && /^bad\.npy: /.test(e.message), h);
  }
  // a minor version other than 0
  const v11 = npyWith(good, body);
  v11[7] = 1;
  assert.throws(() => parseNpy(v11, 'v.npy'), /version 1\.0 but received 1\.1/);
});

test('npy: a corrupt header is quoted escaped and cut, never echoed raw', () => {
  const header = "{'descr': '<f4',\n\x00\x01 'fortran_order': False, 'shape': (2, 3)" + 'x'.repeat(300) + '}';
  try {
    parseNpy(npyWith(header, new Uint8Array(24)), 'c.npy');
    assert.fail('accepted a corrupt header');
  } catch (e) {
    assert.ok(e instanceof UserError);
    assert.ok(!/[\n\r\x00-\x1f]/.test(e.message), `raw control bytes in: ${JSON.stringify(e.message)}`);
    assert.match(e.message, /\\n\\x00\\x01/);
    assert.ok(e.message.length < 300, `message not cut: ${e.message.length} characters`);
  }
});

test('npy: a shape claiming 10^12 elements is refused before reading, with the bytes it would need', () => {
  const e = (() => { try { parseNpy(npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }", new Uint8Array(64)), 'huge.npy'); } catch (err) { return err; } return undefined; })();
  assert.ok(e instanceof UserError);
  assert.match((e as Error).message, /huge\.npy: expected 4000000000000 bytes \(3\.6 TiB\)/);
});
