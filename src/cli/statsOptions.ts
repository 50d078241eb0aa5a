/**
 * Options shared by `permtest` and `bootstrap`. Numbers are validated in the
 * action (not by commander), so that a bad value such as `--seed -1` gets the
 * usual one line "seedscope: --seed: expected …" and exit code 2.
 */
import { UserError } from '../errors.js';
import { PAIR_METHODS, type PairMethod } from '../native/stats.js';
import { readRdms } from '../io/rdmFile.js';

export function parseIntArg(name: string, value: string | undefined, fallback: number, min: number,
  max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw new UserError(`${name}: expected ${range} but received '${value}'`, 2);
  }
  return n;
}

export function parseChoiceArg<T extends string>(name: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UserError(`${name}: expected one of ${choices.join('|')} but received '${value}'`, 2);
  }
  return value as T;
}

export function parseMethod(value: string | undefined, fallback: PairMethod): PairMethod {
  return parseChoiceArg('--method', value, PAIR_METHODS, fallback);
}

/** Seeds are integers in [0, 2^53 − 1] so that they survive JSON round trips. */
export function parseSeed(value: string | undefined): number {
  return parseIntArg('--seed', value, 0, 0);
}

export function loadRdmFiles(files: readonly string[]): { n: number; values: Float64Array[] } {
  const rdms = readRdms(files);
  return { n: rdms[0]!.n, values: rdms.map((r) => r.values) };
}
