/**
 * Child process for the per-ISA tests of the one-pair Mantel kernel (the
 * instruction set is fixed per process by SEEDSCOPE_ISA). For sizes from
 * N = 3 (float64 storage) to past N = 64 (float storage, rows of every length
 * from 1 up, so every tail length of the vector kernels occurs), each null
 * statistic is compared with the TS reference: computed in full (keepNullMax,
 * no floor: the kernel without gathered squares) and with early stops (a
 * floor: the kernel with them; statistics above the floor must be exact, the
 * others bounds between the statistic and the floor). Prints one JSON line.
 */
import { loadAddon } from '../../src/native/addon.js';
import { mantelTest } from '../../src/native/stats.js';
import type { CompareMethod } from '../../src/native/compare.js';
import { TestRng } from './random.js';
import { enginePermutation, permuteCondensed, randomCondensed, refStatistic } from './statsReference.js';

const TIE = 1e-9;
const mismatches: string[] = [];
let checked = 0;
let bounded = 0;

for (const n of [3, 4, 9, 17, 40, 64, 65, 90]) {
  const rng = new TestRng(500 + n);
  const a = randomCondensed(() => rng.normal(), n);
  const b = a.map((v) => 0.3 * v + rng.normal());
  // fewer permutations than N! so that they are sampled (exact enumeration is tested elsewhere)
  const permutations = n === 3 ? 5 : n === 4 ? 23 : 40;
  const tol = n >= 64 ? 1e-6 : 1e-10;  // float storage from N = 64
  for (const method of ['pearson', 'r2', 'spearman', 'rho-a'] as CompareMethod[]) {
    const opts = { method, permutations, seed: 7, threads: 2, keepNullMax: true };
    const expected = Array.from({ length: permutations }, (_, p) =>
      refStatistic(method, a, permuteCondensed(b, n, enginePermutation(7, p, n))));
    const full = await mantelTest([a, b], n, opts);
    for (let p = 0; p < permutations; p++) {
      checked++;
      const got = full.nullMax![p]!;
      const want = expected[p]!;
      if (!(Math.abs(got - want) < tol)) mismatches.push(`n=${n} ${method} permutation ${p}: ${got} instead of ${want}`);
    }
    const floor = 0;
    const early = await mantelTest([a, b], n, { ...opts, nullFloor: floor });
    if (early.count[1] !== full.count[1]) {
      mismatches.push(`n=${n} ${method} floor: count ${early.count[1]} instead of ${full.count[1]}`);
    }
    for (let p = 0; p < permutations; p++) {
      const exact = full.nullMax![p]!;
      const got = early.nullMax![p]!;
      if (exact >= floor - TIE) {
        if (got !== exact) mismatches.push(`n=${n} ${method} floor: permutation ${p} ${got} instead of ${exact}`);
      } else if (got !== exact) {
        bounded++;
        const ok = got < floor - TIE && got >= exact;
        if (!ok) mismatches.push(`n=${n} ${method} floor: permutation ${p} bound ${got} for ${exact}`);
      }
    }
  }
}
process.stdout.write(JSON.stringify({ kernel: loadAddon().buildInfo().isa, mismatches, checked, bounded }) + '\n');
