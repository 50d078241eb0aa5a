/**
 * Child process for the per-ISA early-stop tests of the Mantel engine (the
 * instruction set is fixed per process by SEEDSCOPE_ISA). For one pair and for
 * all pairs, on RDMs from strongly to weakly related, it compares the test
 * with early stops against the full computation (keepNullMax without a floor
 * computes every permutation in full) and prints one JSON line: the kernel
 * used, the mismatches found, and how many null maxima were bounds.
 */
import { loadAddon } from '../../src/native/addon.js';
import { mantelTest } from '../../src/native/stats.js';
import type { CompareMethod } from '../../src/native/compare.js';
import { TestRng } from './random.js';
import { randomCondensed } from './statsReference.js';

const TIE = 1e-9;
const mismatches: string[] = [];
let bounded = 0;
let counted = 0;

for (const n of [40, 100]) {
  const rng = new TestRng(n);
  const base = randomCondensed(() => rng.normal(), n);
  // weights from strongly related RDMs to nearly unrelated ones
  // strong row effects (some stimuli far from all others), which the engine takes apart
  const effect = Array.from({ length: n }, () => 2 * rng.normal());
  const rowEffects = randomCondensed(() => 0, n);
  for (let i = 0, t = 0; i < n; i++) for (let j = i + 1; j < n; j++, t++) rowEffects[t] = effect[i]! + effect[j]!;
  const rdms = [3, 2, 0.4, 0.05].map((w, r) => base.map((v, t) => w * v + rng.normal() + (r % 2 === 0 ? rowEffects[t]! : 0)));
  for (const method of ['pearson', 'r2', 'spearman', 'cosine', 'rho-a'] as CompareMethod[]) {
    for (const allPairs of [false, true]) {
      const set = allPairs ? rdms : [rdms[0]!, rdms[3]!];
      const k = set.length;
      const what = `n=${n} ${method} ${allPairs ? 'all pairs' : 'one pair'}`;
      const opts = { method, permutations: 300, seed: 3, threads: 2, allPairs };
      const full = await mantelTest(set, n, { ...opts, keepNullMax: true });
      const early = await mantelTest(set, n, opts);
      if (JSON.stringify(Array.from(early.count)) !== JSON.stringify(Array.from(full.count))) mismatches.push(`${what}: counts`);
      for (let s = 0; s < k * k; s++) counted += Number.isNaN(full.count[s]!) ? 0 : full.count[s]!;
      let floor = Number.POSITIVE_INFINITY;
      for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) floor = Math.min(floor, full.statistic[a * k + b]!);
      for (const f of [floor, floor / 2]) {
        const floored = await mantelTest(set, n, { ...opts, keepNullMax: true, nullFloor: f });
        if (JSON.stringify(Array.from(floored.count)) !== JSON.stringify(Array.from(full.count))) mismatches.push(`${what} floor ${f}: counts`);
        for (let p = 0; p < full.permutations; p++) {
          const exact = full.nullMax![p]!;
          const got = floored.nullMax![p]!;
          if (exact >= f - TIE) {
            if (got !== exact) mismatches.push(`${what} floor ${f}: permutation ${p} maximum ${got} instead of ${exact}`);
          } else if (got !== exact) {
            bounded++;
            if (!(got < f - TIE && got >= exact)) mismatches.push(`${what} floor ${f}: permutation ${p} bound ${got} for ${exact}`);
          }
        }
      }
    }
  }
}
process.stdout.write(JSON.stringify({ kernel: loadAddon().buildInfo().isa, mismatches, bounded, counted }) + '\n');
