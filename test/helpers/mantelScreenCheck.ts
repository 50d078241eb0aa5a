/**
 * Child process for the per-ISA tests of the one-pair Mantel test's 8-bit
 * screen (native/core/mantel_screen.h; AVX-512 VNNI only, from N = 128). For
 * sizes around the screen's 64-row blocks and data from strongly related to
 * unrelated (the screen proves nearly every permutation, some, or gives up),
 * ties included, each run with early stops is compared with the same
 * permutations computed in full:
 * - counts equal (plain p-values: the threshold is the observed statistic;
 *   and with a null floor);
 * - a statistic at or above the floor is exact, any other is a bound between
 *   the statistic and the floor;
 * - the full statistics equal the TS reference (float storage: 1e-6).
 * Prints one JSON line with how many permutations the screen decided.
 */
import { loadAddon } from '../../src/native/addon.js';
import { mantelTest, type PairMethod } from '../../src/native/stats.js';
import { TestRng } from './random.js';
import { enginePermutation, permuteCondensed, randomCondensed, refStatistic } from './statsReference.js';

const TIE = 1e-9;
const PERMUTATIONS = 64;
const mismatches: string[] = [];
let checked = 0;
let screened = 0;

interface Case { name: string; n: number; method: PairMethod; a: Float64Array; b: Float64Array; floor: number }

function cases(): Case[] {
  const out: Case[] = [];
  for (const n of [128, 150, 257]) {
    const rng = new TestRng(900 + n);
    const a = randomCondensed(() => rng.normal(), n);
    for (const [label, weight] of [['strong', 3], ['medium', 0.4], ['unrelated', 0]] as const) {
      const b = a.map((v) => weight * v + rng.normal());
      out.push({ name: `n=${n} ${label} pearson`, n, method: 'pearson', a, b, floor: 0.02 });
    }
    // ties: a few levels only, ranked
    const coarse = a.map((v) => Math.round(v + 0.5 * rng.normal()));
    out.push({ name: `n=${n} ties spearman`, n, method: 'spearman', a, b: coarse, floor: 0.05 });
    out.push({ name: `n=${n} ties rho-a`, n, method: 'rho-a', a: coarse, b: a, floor: 0.05 });
  }
  // a permuted side that is all row effects (its residual is zero: no screen)
  const n = 140;
  const rng = new TestRng(77);
  const u = Array.from({ length: n }, () => rng.normal());
  const rows = new Float64Array((n * (n - 1)) / 2);
  for (let i = 0, t = 0; i < n; i++) for (let j = i + 1; j < n; j++, t++) rows[t] = u[i]! + u[j]!;
  out.push({ name: `n=${n} row effects only`, n, method: 'pearson', a: randomCondensed(() => rng.normal(), n), b: rows, floor: 0 });
  return out;
}

for (const c of cases()) {
  const opts = { method: c.method, permutations: PERMUTATIONS, seed: 11, threads: 2 };
  const full = await mantelTest([c.a, c.b], c.n, { ...opts, keepNullMax: true });
  for (let p = 0; p < PERMUTATIONS; p++) {
    checked++;
    const want = refStatistic(c.method, c.a, permuteCondensed(c.b, c.n, enginePermutation(11, p, c.n)));
    const got = full.nullMax![p]!;
    if (!(Math.abs(got - want) < 1e-6)) mismatches.push(`${c.name}: permutation ${p} ${got} instead of ${want}`);
  }
  const plain = await mantelTest([c.a, c.b], c.n, opts);
  screened += plain.screened;
  if (plain.count[1] !== full.count[1]) mismatches.push(`${c.name}: count ${plain.count[1]} instead of ${full.count[1]}`);
  const floored = await mantelTest([c.a, c.b], c.n, { ...opts, keepNullMax: true, nullFloor: c.floor });
  screened += floored.screened;
  if (floored.count[1] !== full.count[1]) mismatches.push(`${c.name} floor: count ${floored.count[1]} instead of ${full.count[1]}`);
  const threshold = Math.min(c.floor, full.statistic[1]!);
  for (let p = 0; p < PERMUTATIONS; p++) {
    const exact = full.nullMax![p]!;
    const got = floored.nullMax![p]!;
    if (exact >= threshold - TIE) {
      if (got !== exact) mismatches.push(`${c.name} floor: permutation ${p} ${got} instead of ${exact}`);
    } else if (!(got >= exact && got < threshold - TIE)) {
      mismatches.push(`${c.name} floor: permutation ${p} bound ${got} for ${exact}`);
    }
  }
}
const info = loadAddon().buildInfo();
process.stdout.write(JSON.stringify({ kernel: info.isa, vnni: info.vnni, mismatches, checked, screened }) + '\n');
