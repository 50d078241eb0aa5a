/**
 * Child process for the per-ISA tests of the Mantel screen on its own (the
 * test hook mantelScreenCheck): its bound is never below the permuted sum, is
 * within 5 % of ‖a‖·‖b‖ of it, and stops early only below `stop`. Cases
 * include b = a under the identity (and near it), where the rows not yet
 * screened carry as much of the sum as Cauchy–Schwarz allows, so a bound that
 * skimped on them would fall below the sum. Prints one JSON line.
 */
import { loadAddon } from '../../src/native/addon.js';
import { TestRng } from './random.js';

const failures: string[] = [];
let checked = 0;
function check(ok: boolean, what: string): void {
  checked++;
  if (!ok && failures.length < 20) failures.push(what);
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

let ran = false;
const addon = loadAddon();
const rng = new TestRng(4242);
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
      check(got >= e, `n=${n} permutation ${k}: bound ${got} below the sum ${e}`);
      check(got - e < 0.05 * scale, `n=${n} permutation ${k}: bound ${got} far above the sum ${e} (scale ${scale})`);
    });
    for (const stop of [-0.5 * scale, 0, 0.2 * scale, 0.6 * scale, 2 * scale]) {
      const early = await addon.mantelScreenCheck(a, b, n, flat, stop);
      exact.forEach((e, k) => {
        const got = early.bounds[k]!;
        check(got >= e, `n=${n} stop ${stop} permutation ${k}: bound ${got} below the sum ${e}`);
        // it stops early only with a bound below stop; otherwise it is the full bound
        if (got !== full.bounds[k]) check(got < stop, `n=${n} stop ${stop} permutation ${k}: early bound ${got} not below stop`);
      });
    }
  }
}
process.stdout.write(JSON.stringify({ screen: loadAddon().buildInfo().mantelScreen, ran, checked, failures }) + '\n');
