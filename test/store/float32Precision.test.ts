/**
 * The store keeps RDMs as float32. This states what that costs: for
 * correlation-distance RDMs of N = 200 stimuli, the Pearson r² between two
 * RDMs read back from the store differs from the float64 one by at most 1e-6
 * (everything here is computed in float64).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openRdmEntry } from '../../src/store/rdmEntry.js';
import { writeRdmEntry } from '../../src/store/writeEntry.js';
import { TestRng } from '../helpers/random.js';
import { tempDir } from '../helpers/tmp.js';

/** Condensed correlation-distance RDM (1 − Pearson r between rows) of an n × d matrix. */
function correlationRdm(x: Float64Array, n: number, d: number): Float64Array {
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let mean = 0;
    for (let k = 0; k < d; k++) mean += x[i * d + k]!;
    mean /= d;
    let ss = 0;
    for (let k = 0; k < d; k++) ss += (x[i * d + k]! - mean) ** 2;
    const s = Math.sqrt(ss);
    for (let k = 0; k < d; k++) z[i * d + k] = (x[i * d + k]! - mean) / s;
  }
  const out = new Float64Array((n * (n - 1)) / 2);
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += z[i * d + k]! * z[j * d + k]!;
      out[p++] = 1 - dot;
    }
  }
  return out;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const m = a.length;
  let ma = 0;
  let mb = 0;
  for (let k = 0; k < m; k++) {
    ma += a[k]!;
    mb += b[k]!;
  }
  ma /= m;
  mb /= m;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let k = 0; k < m; k++) {
    const da = a[k]! - ma;
    const db = b[k]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

test('float32 storage changes the Pearson r² of correlation-distance RDM pairs (N = 200) by at most 1e-6', () => {
  const { dir, cleanup } = tempDir();
  try {
    const rng = new TestRng(2024);
    const n = 200;
    let worst = 0;
    // From nearly identical representations (r² ≈ 1) to unrelated ones (r² ≈ 0), small and large D.
    const cases = [[0.01, 64], [0.1, 64], [0.3, 64], [1, 64], [3, 64], [1e3, 64], [0.05, 512], [1, 512], [0.2, 8], [2, 8]] as const;
    cases.forEach(([noise, d], c) => {
      const x = rng.normals(n * d);
      const y = new Float64Array(n * d);
      for (let k = 0; k < y.length; k++) y[k] = x[k]! + noise * rng.normal();
      const a = correlationRdm(x, n, d);
      const b = correlationRdm(y, n, d);
      const stored = [a, b].map((v, s) => {
        const at = join(dir, `${c}-${s}`);
        writeRdmEntry(at, n, v, { metric: 'correlation', variant: 'full' });
        const r = openRdmEntry(at);
        assert.equal(r.status, 'ok');
        if (r.status !== 'ok') throw new Error('unreachable');
        const back = new Float64Array(r.entry.length);
        r.entry.readRange(0, r.entry.length, back);
        r.entry.close();
        return back;
      });
      assert.ok(stored[0]!.some((v, k) => v !== a[k]), 'the stored values are rounded');
      const r64 = pearson(a, b) ** 2;
      const r32 = pearson(stored[0]!, stored[1]!) ** 2;
      const diff = Math.abs(r64 - r32);
      worst = Math.max(worst, diff);
      assert.ok(diff <= 1e-6, `noise ${noise}, D = ${d}: r² = ${r64} in float64, ${r32} from float32 (difference ${diff})`);
    });
    assert.ok(worst > 0, 'rounding is visible at all');
  } finally {
    cleanup();
  }
});
