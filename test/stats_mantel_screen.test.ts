import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ISA_ORDER, isaUnsupported, runHelperWithIsa } from './helpers/isa.js';
import { loadAddon } from '../src/native/addon.js';
import { TestRng } from './helpers/random.js';

for (const isa of ISA_ORDER) {
  const name = '8-bit screen, one pair and all pairs: counts and bounds equal the full computation, N = 128 to 257, ties, unrelated data';
  test(`${name} (${isa} kernels)`, async (t) => {
    const unsupported = isaUnsupported(isa);
    if (unsupported) return t.skip(unsupported);
    const r = await runHelperWithIsa('mantelScreenCheck', isa);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { kernel: string; vnni: boolean; mismatches: string[]; checked: number; screened: number; screenedFamilies: number };
    assert.equal(out.kernel, isa);
    assert.deepEqual(out.mismatches, []);
    assert.ok(out.checked > 0);
    // The screen runs exactly where VNNI is in use, and then decides permutations.
    if (out.vnni) {
      assert.ok(out.screened > out.screenedFamilies, 'the screen decided no permutation of a single pair');
      assert.ok(out.screenedFamilies > 0, 'the screen decided no permutation of a family');
    } else {
      assert.equal(out.screened, 0);
    }
  });
}

/** Σ_{i<j} a(i,j)·b(π i, π j) in float64 (products of float32 values are exact). */
function permutedDot(a: Float32Array, b: Float32Array, n: number, perm: Int32Array): number {
  const at = (i: number, j: number): number => {
    if (i > j) [i, j] = [j, i];
    return b[i * n - (i * (i + 1)) / 2 + (j - i - 1)]!;
  };
  let s = 0;
  for (let i = 0, t = 0; i < n; i++) for (let j = i + 1; j < n; j++, t++) s += a[t]! * at(perm[i]!, perm[j]!);
  return s;
}

test('the screen alone: its bound is never below the permuted sum, is within a few % of it, and stops early only below `stop`', async (t) => {
  const addon = loadAddon();
  const rng = new TestRng(4242);
  let ran = false;
  for (const n of [128, 200, 301]) {
    const m = (n * (n - 1)) / 2;
    const a = Float32Array.from({ length: m }, () => rng.normal());
    // b = a: under the identity (and near it) the rows not yet screened carry
    // as much of the sum as Cauchy–Schwarz allows, so a bound that skimped on
    // them would fall below the sum
    for (const b of [a, Float32Array.from(a, (v) => 0.5 * v + rng.normal())]) {
      const perms: Int32Array[] = [];
      const identity = Int32Array.from({ length: n }, (_, i) => i);
      perms.push(identity);
      const swapped = identity.slice();
      for (let k = 0; k < 5; k++) {
        const i = rng.int(n), j = rng.int(n);
        [swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!];
      }
      perms.push(swapped);
      for (let k = 0; k < 6; k++) {
        const p = identity.slice();
        for (let i = n - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          [p[i], p[j]] = [p[j]!, p[i]!];
        }
        perms.push(p);
      }
      const flat = new Int32Array(perms.length * n);
      perms.forEach((p, k) => flat.set(p, k * n));
      const exact = perms.map((p) => permutedDot(a, b, n, p));
      let na = 0, nb = 0;
      for (let t2 = 0; t2 < m; t2++) { na += a[t2]! ** 2; nb += b[t2]! ** 2; }
      const scale = Math.sqrt(na * nb);
      const full = await addon.mantelScreenCheck(a, b, n, flat, -Infinity);
      if (!full.available) continue;
      ran = true;
      exact.forEach((e, k) => {
        const got = full.bounds[k]!;
        assert.ok(got >= e, `n=${n} permutation ${k}: bound ${got} below the sum ${e}`);
        assert.ok(got - e < 0.05 * scale, `n=${n} permutation ${k}: bound ${got} far above the sum ${e} (scale ${scale})`);
      });
      for (const stop of [-0.5 * scale, 0, 0.2 * scale, 0.6 * scale, 2 * scale]) {
        const early = await addon.mantelScreenCheck(a, b, n, flat, stop);
        exact.forEach((e, k) => {
          const got = early.bounds[k]!;
          assert.ok(got >= e, `n=${n} stop ${stop} permutation ${k}: bound ${got} below the sum ${e}`);
          // it stops early only with a bound below stop; otherwise it is the full bound
          if (got !== full.bounds[k]) assert.ok(got < stop, `n=${n} stop ${stop} permutation ${k}: early bound ${got} not below stop`);
        });
      }
    }
  }
  if (!ran) t.skip('AVX-512 VNNI not in use here: the screen does not run');
});

test('the screen alone: bad arguments are clear errors', async () => {
  const addon = loadAddon();
  const a = new Float32Array(3), b = new Float32Array(3);
  await assert.rejects(async () => addon.mantelScreenCheck(a, b, 3, Int32Array.from([0, 0, 1]), 0), /not a permutation/);
  await assert.rejects(async () => addon.mantelScreenCheck(a, b, 3, Int32Array.from([0, 1]), 0), /multiple of n/);
  await assert.rejects(async () => addon.mantelScreenCheck(a, new Float32Array(2), 3, Int32Array.from([0, 1, 2]), 0), /b/);
  await assert.rejects(async () => addon.mantelScreenCheck(a, b, 3, Int32Array.from([0, 1, 2]), Infinity), /stop/);
});
