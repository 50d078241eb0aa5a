/**
 * Child process for the per-ISA tests of the Mantel test's screen
 * (native/core/mantel_screen.h: AVX-512 VNNI or AVX2 kernels, from N = 128),
 * for one pair and for all pairs of K RDMs. For sizes around the screen's 64-row
 * blocks and data from strongly related to unrelated (the screen proves nearly
 * every permutation, some, or gives up), ties included, each run with early
 * stops is compared with the same permutations computed in full:
 * - counts equal (plain p-values: the threshold is the observed statistic;
 *   and with a null floor);
 * - a statistic at or above the floor is exact, any other is a bound between
 *   the statistic and the floor;
 * - the full statistics equal the TS reference (float storage: 1e-6).
 * Prints one JSON line with how many permutations the screen decided (in all,
 * and in the all-pairs runs).
 */
import { loadAddon } from '../../src/native/addon.js';
import { mantelTest } from '../../src/native/stats.js';
import type { CompareMethod } from '../../src/native/compare.js';
import { TestRng } from './random.js';
import { enginePermutation, permuteCondensed, randomCondensed, refStatistic } from './statsReference.js';

const TIE = 1e-9;
const PERMUTATIONS = 64;
const mismatches: string[] = [];
let checked = 0;
let screened = 0;
let screenedFamilies = 0;  // of those, in all-pairs runs

interface Case { name: string; n: number; method: CompareMethod; rdms: Float64Array[]; floor: number }

function cases(): Case[] {
  const out: Case[] = [];
  for (const n of [128, 150, 257]) {
    const rng = new TestRng(900 + n);
    const a = randomCondensed(() => rng.normal(), n);
    for (const [label, weight] of [['strong', 3], ['medium', 0.4], ['unrelated', 0]] as const) {
      const b = a.map((v) => weight * v + rng.normal());
      out.push({ name: `n=${n} ${label} pearson`, n, method: 'pearson', rdms: [a, b], floor: 0.02 });
      out.push({ name: `n=${n} ${label} r2`, n, method: 'r2', rdms: [a, b], floor: 0.0004 });
    }
    // ties: a few levels only, ranked
    const coarse = a.map((v) => Math.round(v + 0.5 * rng.normal()));
    out.push({ name: `n=${n} ties spearman`, n, method: 'spearman', rdms: [a, coarse], floor: 0.05 });
    out.push({ name: `n=${n} ties rho-a`, n, method: 'rho-a', rdms: [coarse, a], floor: 0.05 });
  }
  // a permuted side that is all row effects (its residual is zero: no screen)
  const n = 140;
  const rng = new TestRng(77);
  const u = Array.from({ length: n }, () => rng.normal());
  const rows = new Float64Array((n * (n - 1)) / 2);
  for (let i = 0, t = 0; i < n; i++) for (let j = i + 1; j < n; j++, t++) rows[t] = u[i]! + u[j]!;
  out.push({ name: `n=${n} row effects only`, n, method: 'pearson', rdms: [randomCondensed(() => rng.normal(), n), rows], floor: 0 });
  // families: K RDMs sharing a component of different strength (screened), and
  // with one unrelated RDM (its pairs keep the screen from proving anything)
  for (const [k, n2, unrelated] of [[4, 150, false], [3, 200, false], [4, 130, true]] as const) {
    const r2 = new TestRng(31 * k + n2);
    const shared = randomCondensed(() => r2.normal(), n2);
    const rdms = Array.from({ length: k }, (_, i) => shared.map((v) => (unrelated && i === k - 1 ? 0 : 1 + i) * v + r2.normal()));
    const tag = unrelated ? ' with an unrelated RDM' : '';
    out.push({ name: `n=${n2} all ${k} pairs${tag} pearson`, n: n2, method: 'pearson', rdms, floor: 0.02 });
    out.push({ name: `n=${n2} all ${k} pairs${tag} r2`, n: n2, method: 'r2', rdms, floor: 0.0004 });
    out.push({ name: `n=${n2} all ${k} pairs${tag} spearman`, n: n2, method: 'spearman', rdms: rdms.map((r) => r.map(Math.round)), floor: 0.05 });
  }
  return out;
}

for (const c of cases()) {
  const k = c.rdms.length;
  const allPairs = k > 2;
  const opts = { method: c.method, permutations: PERMUTATIONS, seed: 11, threads: 2, allPairs };
  const full = await mantelTest(c.rdms, c.n, { ...opts, keepNullMax: true });
  const pairs: [number, number][] = [];
  for (let b = 1; b < k; b++) for (let a = 0; a < (allPairs ? b : 1); a++) pairs.push([a, b]);
  for (let p = 0; p < PERMUTATIONS; p++) {
    checked++;
    const perm = enginePermutation(11, p, c.n);
    const want = Math.max(...pairs.map(([a, b]) => refStatistic(c.method, c.rdms[a]!, permuteCondensed(c.rdms[b]!, c.n, perm))));
    const got = full.nullMax![p]!;
    if (!(Math.abs(got - want) < 1e-6)) mismatches.push(`${c.name}: permutation ${p} ${got} instead of ${want}`);
  }
  const plain = await mantelTest(c.rdms, c.n, opts);
  screened += plain.screened;
  if (allPairs) screenedFamilies += plain.screened;
  const floored = await mantelTest(c.rdms, c.n, { ...opts, keepNullMax: true, nullFloor: c.floor });
  screened += floored.screened;
  if (allPairs) screenedFamilies += floored.screened;
  let threshold = c.floor;
  for (const [a, b] of pairs) {
    const at = a * k + b;
    threshold = Math.min(threshold, full.statistic[at]!);
    if (plain.count[at] !== full.count[at]) mismatches.push(`${c.name} (${a}, ${b}): count ${plain.count[at]} instead of ${full.count[at]}`);
    if (floored.count[at] !== full.count[at]) mismatches.push(`${c.name} (${a}, ${b}) floor: count ${floored.count[at]} instead of ${full.count[at]}`);
  }
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
process.stdout.write(JSON.stringify({ kernel: info.isa, screen: info.mantelScreen, mismatches, checked, screened, screenedFamilies }) + '\n');
