/**
 * float16 ⇄ float32 (src/io/float16.ts) on known bit patterns: normals,
 * subnormals, ±0, ±Infinity, NaN, the largest half, ties to even; every half
 * survives the round trip; and random floats go to their nearest half.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { float16ToFloat32, float32ToFloat16, halfBits } from '../../src/io/float16.js';

const toF32 = (h: number): number => float16ToFloat32(Uint16Array.of(h))[0]!;
const toF16 = (x: number): number => float32ToFloat16(Float32Array.of(x))[0]!;

test('float16 bit patterns give their exact float32 values', () => {
  const known: [number, number][] = [
    [0x0000, 0], [0x3c00, 1], [0xbc00, -1], [0x4000, 2], [0xc000, -2], [0x3800, 0.5],
    [0x3555, 0.333251953125], [0x7bff, 65504], [0xfbff, -65504], [0x3c01, 1 + 2 ** -10],
    [0x0001, 2 ** -24], [0x8001, -(2 ** -24)], [0x0002, 2 ** -23], [0x03ff, 1023 * 2 ** -24], [0x0400, 2 ** -14],
    [0x7c00, Infinity], [0xfc00, -Infinity],
  ];
  for (const [h, v] of known) assert.equal(toF32(h), v, `0x${h.toString(16)}`);
  assert.ok(Object.is(toF32(0x8000), -0));
  for (const h of [0x7e00, 0x7c01, 0xfe00, 0x7fff]) assert.ok(Number.isNaN(toF32(h)), `0x${h.toString(16)} is NaN`);
  // written into an existing array at an offset
  const out = new Float32Array(4).fill(7);
  float16ToFloat32(Uint16Array.of(0x3c00, 0x4000), out, 1);
  assert.deepEqual([...out], [7, 1, 2, 7]);
  assert.throws(() => float16ToFloat32(Uint16Array.of(1, 2), new Float32Array(2), 1), RangeError);
});

test('float32 rounds to the nearest half, ties to even, overflow to Infinity, underflow to zero', () => {
  const known: [number, number][] = [
    [0, 0x0000], [1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [65519, 0x7bff],
    [65520, 0x7c00], [1e6, 0x7c00], [-1e6, 0xfc00], [Infinity, 0x7c00], [-Infinity, 0xfc00],
    [1 + 2 ** -11, 0x3c00], // halfway between 1 and its successor: to the even one
    [1 + 3 * 2 ** -11, 0x3c02], // halfway between 0x3c01 and 0x3c02: to the even one
    [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just above halfway
    [2 ** -14, 0x0400], [2 ** -24, 0x0001], [2 ** -25, 0x0000], [3 * 2 ** -25, 0x0002],
    [2 ** -25 * 1.0001, 0x0001], [2 ** -26, 0x0000], [-(2 ** -24), 0x8001],
    [1023.5 * 2 ** -24, 0x0400], // halfway between the largest subnormal and the smallest normal: to the even one
  ];
  for (const [x, h] of known) assert.equal(toF16(x), h, `${x} → 0x${toF16(x).toString(16)}, expected 0x${h.toString(16)}`);
  assert.equal(toF16(-0), 0x8000);
  const nan = toF16(NaN);
  assert.equal(nan & 0x7c00, 0x7c00);
  assert.notEqual(nan & 0x3ff, 0);
});

test('every half survives float32 and back; random floats go to their nearest half', () => {
  const all = new Uint16Array(65536).map((_, i) => i);
  const back = float32ToFloat16(float16ToFloat32(all));
  for (let h = 0; h < 65536; h++) {
    const nan = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
    if (nan) assert.ok((back[h]! & 0x7c00) === 0x7c00 && (back[h]! & 0x3ff) !== 0);
    else assert.equal(back[h], h, `0x${h.toString(16)}`);
  }
  let seed = 12345;
  const bits = new Uint32Array(1);
  const f = new Float32Array(bits.buffer);
  for (let i = 0; i < 20000; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    // magnitudes from 2^-30 to 2^17: subnormal halves, normal ones and overflow
    const x = (seed & 1 ? -1 : 1) * 2 ** ((seed >>> 8) % 47 - 30) * (1 + (seed >>> 1) / 2 ** 32);
    f[0] = x;
    const h = halfBits(bits[0]!);
    const v = toF32(h);
    const xf = f[0]!;
    if (!Number.isFinite(v)) {
      assert.ok(Math.abs(xf) >= 65520, `${xf} overflowed`);
      continue;
    }
    // no neighbouring half is nearer
    for (const n of [h - 1, h + 1]) {
      if ((n & 0x7fff) > 0x7bff || (n & 0x8000) !== (h & 0x8000)) continue;
      assert.ok(Math.abs(toF32(n) - xf) >= Math.abs(v - xf), `${xf}: 0x${h.toString(16)} (${v}) but 0x${n.toString(16)} (${toF32(n)}) is nearer`);
    }
  }
});
