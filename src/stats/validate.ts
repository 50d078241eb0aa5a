/**
 * Input checks before native work, so bad input gets one line that names the
 * files: equal N, enough entries finite in both RDMs of every compared pair,
 * and RDMs that are not constant (a correlation with them is undefined).
 */
import { UserError } from '../errors.js';

export interface NamedRdm {
  values: Float64Array;
  /** file name or label used in messages */
  name: string;
}

function nonConstant(values: Float64Array, mask?: Uint8Array): boolean {
  let first = Number.NaN;
  for (let t = 0; t < values.length; t++) {
    const v = values[t]!;
    if (!Number.isFinite(v) || (mask && !mask[t])) continue;
    if (Number.isNaN(first)) first = v;
    else if (v !== first) return true;
  }
  return false;
}

/**
 * Whether any entry is NaN or ±inf, as a plain loop: TypedArray.some with a
 * callback cost about 1 s of a default run's Mantel phase (10 × 9 RDMs of
 * 499,500 entries), this a few milliseconds.
 */
function hasNonFinite(values: Float64Array): boolean {
  for (let t = 0; t < values.length; t++) {
    const v = values[t]!;
    if (v - v !== 0) return true; // NaN − NaN and inf − inf are NaN; finite v − v is 0
  }
  return false;
}

/**
 * Throws a UserError when two compared RDMs share fewer than 3 finite entries
 * or an RDM is constant over its finite entries. pairs: indices to check
 * (default: all pairs).
 */
export function checkComparable(rdms: readonly NamedRdm[], pairs?: readonly [number, number][]): void {
  for (const r of rdms) {
    if (!nonConstant(r.values)) {
      throw new UserError(`${r.name}: expected an RDM whose finite entries are not all equal (a correlation with a constant RDM is undefined)`);
    }
  }
  const anyNaN = rdms.some((r) => hasNonFinite(r.values));
  if (!anyNaN) return;
  const list = pairs ?? rdms.flatMap((_, a) => rdms.slice(a + 1).map((__, d) => [a, a + 1 + d] as [number, number]));
  for (const [a, b] of list) {
    const x = rdms[a]!.values;
    const y = rdms[b]!.values;
    let kept = 0;
    for (let t = 0; t < x.length; t++) if (Number.isFinite(x[t]!) && Number.isFinite(y[t]!)) kept++;
    if (kept < 3) {
      throw new UserError(`${rdms[a]!.name} and ${rdms[b]!.name}: only ${kept} entries are finite in both RDMs; at least 3 are needed`);
    }
  }
}

/** Library callers' resampling settings: a count of draws ≥ 1 and a seed in [0, 2^53 − 1] (what the CLI's options also accept). */
export function checkResampling(countName: 'permutations' | 'samples', count: number, seed: number): void {
  if (!Number.isInteger(count) || count < 1) throw new UserError(`${countName}: expected an integer ≥ 1 but received ${count}`, 2);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UserError(`seed: expected an integer in [0, 2^53 − 1] but received ${seed}`, 2);
}

/** A value given now, or read when needed (RDMs of one layer from the store: one layer in memory at a time). */
export type Lazy<T> = T | (() => Promise<T>);

export async function resolveLazy<T>(value: Lazy<T>): Promise<T> {
  return typeof value === 'function' ? (value as () => Promise<T>)() : value;
}
