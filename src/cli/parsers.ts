/**
 * Argument parsers for commander options. Every one throws InvalidArgumentError
 * with the message shape "Expected … but received '…'.", so every bad value
 * reads the same and exits with code 2.
 */
import { InvalidArgumentError } from 'commander';

export function intArg(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
      throw new InvalidArgumentError(`Expected ${range} but received '${value}'.`);
    }
    return n;
  };
}

export function numberArg(min = -Infinity, max = Infinity) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`Expected a finite number in [${min}, ${max}] but received '${value}'.`);
    }
    return n;
  };
}

export function choiceArg<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`Expected one of ${choices.join('|')} but received '${value}'.`);
    }
    return value as T;
  };
}

/** For repeatable options: `--x a --x b,c` gives ['a', 'b', 'c']. */
export function listArg(value: string, previous: string[] | undefined): string[] {
  const parts = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return [...(previous ?? []), ...parts];
}

/** For repeatable options that keep each value whole (paths may hold commas). */
export function repeatArg(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function numberListArg(value: string): number[] {
  const parts = value.split(',').map((s) => Number(s.trim()));
  if (parts.length === 0 || parts.some((n) => !Number.isFinite(n))) {
    throw new InvalidArgumentError(`Expected comma-separated numbers but received '${value}'.`);
  }
  return parts;
}

export function sizeArg(value: string): [number, number] {
  const parts = value.split(/[,x×]/).map((s) => Number(s.trim()));
  if (parts.length !== 2 || parts.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidArgumentError(`Expected H,W (two positive integers) but received '${value}'.`);
  }
  return [parts[0]!, parts[1]!];
}

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "30d", "12h", "90m", "45s", "2w", "1.5h" → milliseconds; undefined when malformed. */
export function parseDuration(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(value.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * DURATION_UNITS[m[2]!]!;
  return Number.isFinite(ms) ? ms : undefined;
}

/** `--older-than 30d`: a duration in milliseconds. */
export function durationArg(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new InvalidArgumentError(`Expected a duration such as 30d, 12h, 90m or 45s (units s, m, h, d, w) but received '${value}'.`);
  }
  return ms;
}
