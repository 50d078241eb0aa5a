/**
 * Where the CLI speaks. With --json, stdout carries exactly one JSON document
 * and nothing else; logs, warnings and progress go to stderr, and --quiet or
 * --json silence progress.
 */
export interface OutputMode {
  json: boolean;
  quiet: boolean;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, jsonReplacer, 2) + '\n');
}

/** NaN and ±Infinity are not JSON: they become null. Typed arrays become arrays. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

export function warn(message: string): void {
  process.stderr.write(`seedscope: warning: ${message}\n`);
}

export function info(mode: OutputMode, message: string): void {
  if (!mode.quiet && !mode.json) process.stderr.write(message + '\n');
}
