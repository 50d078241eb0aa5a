import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readRdm, condensedToSquare } from '../../src/io/rdmFile.js';
import { condensedLength, condensedRowStart } from '../../src/store/entryMeta.js';
import { sha256File } from '../../src/store/fileHash.js';
import { openRdmEntry, type RdmEntry } from '../../src/store/rdmEntry.js';
import { removeRdmEntry, writeRdmEntry } from '../../src/store/writeEntry.js';
import { TestRng } from '../helpers/random.js';
import { tempDir } from '../helpers/tmp.js';

const INFO = { metric: 'correlation', variant: 'full' as const, describe: { model: 'm.onnx', tensor: '/fc1/Relu', instance: 'seed0', layer: 'fc1' } };

function randomCondensed(rng: TestRng, n: number): Float64Array {
  const v = new Float64Array(condensedLength(n));
  for (let k = 0; k < v.length; k++) v[k] = rng.next() * 2;
  return v;
}

function open(dir: string): RdmEntry {
  const r = openRdmEntry(dir);
  assert.equal(r.status, 'ok', r.status === 'corrupt' ? r.reason : r.status);
  return (r as { entry: RdmEntry }).entry;
}

function sameValue(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

test('float64 values are stored as float32: reading gives Math.fround of each, also through the project reader', () => {
  const { dir, cleanup } = tempDir();
  try {
    const n = 37;
    const values = randomCondensed(new TestRng(1), n);
    values[0] = Number.NaN;
    values[1] = 0;
    values[2] = 1e-40; // float32 subnormal
    values[3] = 0.1;
    const at = join(dir, 'e');
    const w = writeRdmEntry(at, n, values, INFO);
    assert.equal(w.status, 'written');
    assert.deepEqual(readdirSync(dir), ['e'], 'no temporary folder left beside the entry');
    assert.deepEqual(readdirSync(at).sort(), ['meta.json', 'rdm.npy']);
    const meta = JSON.parse(readFileSync(join(at, 'meta.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(meta.format, 'seedscope-rdm/1');
    assert.equal(meta.n, n);
    assert.equal(meta.dtype, 'float32');
    assert.equal(meta.sha256, sha256File(join(at, 'rdm.npy')));
    assert.deepEqual(meta.describe, INFO.describe);

    const e = open(at);
    const all = e.readAll();
    const as64 = new Float64Array(e.length);
    e.readRange(0, e.length, as64);
    e.close();
    for (let k = 0; k < values.length; k++) {
      assert.ok(sameValue(all[k]!, Math.fround(values[k]!)), `entry ${k}`);
      assert.ok(sameValue(as64[k]!, Math.fround(values[k]!)), `entry ${k} (float64 destination)`);
    }
    // A 1-D float32 .npy of length N(N−1)/2 is what the project's RDM reader takes as condensed.
    const back = readRdm(join(at, 'rdm.npy'));
    assert.equal(back.n, n);
    assert.ok(back.values.every((v, k) => sameValue(v, Math.fround(values[k]!))));
  } finally {
    cleanup();
  }
});

test('float32 input is stored bit for bit', () => {
  const { dir, cleanup } = tempDir();
  try {
    const v32 = Float32Array.from(randomCondensed(new TestRng(2), 12));
    writeRdmEntry(join(dir, 'e'), 12, v32, INFO);
    const e = open(join(dir, 'e'));
    assert.deepEqual(e.readAll(), v32);
    e.close();
  } finally {
    cleanup();
  }
});

test('block reads of ranges match the whole vector (random starts and ends, float32 and float64, with offsets)', () => {
  const { dir, cleanup } = tempDir();
  try {
    const rng = new TestRng(3);
    const n = 100;
    const values = randomCondensed(rng, n);
    writeRdmEntry(join(dir, 'e'), n, values, INFO);
    const e = open(join(dir, 'e'));
    const whole = e.readAll();
    const cases: [number, number][] = [[0, 0], [0, whole.length], [whole.length, whole.length], [whole.length - 1, whole.length]];
    for (let t = 0; t < 200; t++) {
      const a = rng.int(whole.length + 1);
      const b = rng.int(whole.length + 1);
      cases.push([Math.min(a, b), Math.max(a, b)]);
    }
    for (const [start, end] of cases) {
      const off = rng.int(5);
      const o32 = new Float32Array(end - start + off);
      const o64 = new Float64Array(end - start + off);
      assert.equal(e.readRange(start, end, o32, off), end - start);
      e.readRange(start, end, o64, off);
      for (let k = 0; k < end - start; k++) {
        assert.equal(o32[off + k], whole[start + k]);
        assert.equal(o64[off + k], whole[start + k]);
      }
    }
    assert.throws(() => e.readRange(0, whole.length + 1, new Float32Array(whole.length + 1)), RangeError);
    assert.throws(() => e.readRange(5, 4, new Float32Array(10)), RangeError);
    assert.throws(() => e.readRange(0, 10, new Float32Array(9)), RangeError);
    assert.throws(() => e.readCondensedRows(0, n + 1, new Float32Array(whole.length)), RangeError);
    e.close();
    assert.throws(() => e.readRange(0, 1, new Float32Array(1)), /after close/);
  } finally {
    cleanup();
  }
});

test('rows in condensed and in square form match the whole RDM (N = 2, 3, 7, 100)', () => {
  const { dir, cleanup } = tempDir();
  try {
    const rng = new TestRng(4);
    for (const n of [2, 3, 7, 100]) {
      const at = join(dir, `n${n}`);
      writeRdmEntry(at, n, randomCondensed(rng, n), INFO);
      const e = open(at);
      const whole = e.readAll();
      const square = condensedToSquare(whole, n);
      const pairs: [number, number][] = [];
      if (n <= 7) {
        for (let i0 = 0; i0 <= n; i0++) for (let i1 = i0; i1 <= n; i1++) pairs.push([i0, i1]);
      } else {
        pairs.push([0, n], [n - 1, n], [0, 1], [50, 50]);
        for (let t = 0; t < 40; t++) {
          const a = rng.int(n + 1);
          const b = rng.int(n + 1);
          pairs.push([Math.min(a, b), Math.max(a, b)]);
        }
      }
      for (const [i0, i1] of pairs) {
        const s = condensedRowStart(i0, n);
        const count = condensedRowStart(i1, n) - s;
        const rows = new Float64Array(count);
        assert.equal(e.readCondensedRows(i0, i1, rows), count);
        assert.deepEqual(Array.from(rows), Array.from(whole.subarray(s, s + count)), `N=${n} condensed rows [${i0}, ${i1})`);
        const sq = new Float32Array((i1 - i0) * n).fill(-1);
        e.readSquareRows(i0, i1, sq);
        assert.deepEqual(Array.from(sq), Array.from(square.subarray(i0 * n, i1 * n)), `N=${n} square rows [${i0}, ${i1})`);
      }
      e.close();
    }
  } finally {
    cleanup();
  }
});

test("a flipped byte, a truncated payload, a missing or invalid meta.json are typed corrupt results; an absent folder is 'missing'", () => {
  const { dir, cleanup } = tempDir();
  try {
    const n = 20;
    const values = randomCondensed(new TestRng(5), n);
    const fresh = (name: string): string => {
      const at = join(dir, name);
      writeRdmEntry(at, n, values, INFO);
      return at;
    };
    const corrupt = (at: string, pattern: RegExp, verify = true): void => {
      const r = openRdmEntry(at, { verify });
      assert.equal(r.status, 'corrupt');
      assert.match((r as { reason: string }).reason, pattern);
    };

    const flipped = fresh('flipped');
    const bytes = readFileSync(join(flipped, 'rdm.npy'));
    bytes[bytes.length - 7]! ^= 0x10;
    writeFileSync(join(flipped, 'rdm.npy'), bytes);
    corrupt(flipped, /sha256 is [0-9a-f]{64} but meta\.json says/);
    const unverified = openRdmEntry(flipped, { verify: false });
    assert.equal(unverified.status, 'ok', 'verify: false checks the size only');
    if (unverified.status === 'ok') unverified.entry.close();

    const header = fresh('header');
    const hb = readFileSync(join(header, 'rdm.npy'));
    hb[1] = 0x00; // breaks the magic
    writeFileSync(join(header, 'rdm.npy'), hb);
    corrupt(header, /magic/, false);

    const truncated = fresh('truncated');
    truncateSync(join(truncated, 'rdm.npy'), bytes.length - 4);
    corrupt(truncated, /holds \d+ bytes but meta\.json says \d+/);

    const noMeta = fresh('no-meta');
    rmSync(join(noMeta, 'meta.json'));
    corrupt(noMeta, /meta\.json is missing/);

    const badJson = fresh('bad-json');
    writeFileSync(join(badJson, 'meta.json'), '{"format": "seedscope-rdm/1", ');
    corrupt(badJson, /not valid JSON/);

    const otherFormat = fresh('other-format');
    const meta = JSON.parse(readFileSync(join(otherFormat, 'meta.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(otherFormat, 'meta.json'), JSON.stringify({ ...meta, format: 'seedscope-rdm/0' }));
    corrupt(otherFormat, /format/);

    const wrongN = fresh('wrong-n');
    writeFileSync(join(wrongN, 'meta.json'), JSON.stringify({ ...meta, n: n + 1 }));
    corrupt(wrongN, /length 210 \(n = 21\)/);

    const noPayload = fresh('no-payload');
    rmSync(join(noPayload, 'rdm.npy'));
    corrupt(noPayload, /rdm\.npy is missing/);

    assert.equal(openRdmEntry(join(dir, 'never-written')).status, 'missing');
  } finally {
    cleanup();
  }
});

test('the writer refuses a wrong length, loses a race to an entry already in place, and removal leaves nothing behind', () => {
  const { dir, cleanup } = tempDir();
  try {
    assert.throws(() => writeRdmEntry(join(dir, 'x'), 5, new Float64Array(9), INFO), RangeError);
    assert.throws(() => writeRdmEntry(join(dir, 'x'), 1, new Float64Array(0), INFO), RangeError);
    assert.deepEqual(readdirSync(dir), []);

    const at = join(dir, 'e');
    assert.equal(writeRdmEntry(at, 4, new Float64Array(6).fill(1), INFO).status, 'written');
    assert.equal(writeRdmEntry(at, 4, new Float64Array(6).fill(2), INFO).status, 'exists');
    const e = open(at);
    assert.equal(e.readAll()[0], 1, 'the first entry stays');
    e.close();

    // A folder already in place (another writer's) makes our rename fail: ours is discarded.
    const taken = join(dir, 'taken');
    mkdirSync(taken);
    writeFileSync(join(taken, 'rdm.npy'), 'someone else');
    assert.equal(writeRdmEntry(taken, 4, new Float64Array(6), INFO).status, 'exists');
    assert.deepEqual(readdirSync(dir).sort(), ['e', 'taken'], 'no temporary folder left');

    assert.equal(removeRdmEntry(at), true);
    assert.equal(removeRdmEntry(at), false);
    assert.deepEqual(readdirSync(dir), ['taken'], 'no trash folder left');
  } finally {
    cleanup();
  }
});
