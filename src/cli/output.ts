/**
 * Where the CLI speaks. With --json, stdout carries exactly one JSON document
 * and nothing else; logs, warnings and progress go to stderr, and --quiet or
 * --json silence progress.
 */
import { oneLine } from '../errors.js';
import { jsonText } from '../io/json.js';

export interface OutputMode {
  json: boolean;
  quiet: boolean;
}

export function printJson(value: unknown): void {
  process.stdout.write(jsonText(value));
}

let ended = false;

/**
 * Writes the error line that ends the command and silences stderr after it:
 * progress callbacks of native work still queued, warnings and notes of
 * work that was still running must not come after the error, which is the
 * last line a user (or a script reading stderr) sees.
 */
export function writeFinalError(line: string): void {
  if (ended) return;
  ended = true;
  process.stderr.write(line.endsWith('\n') ? line : `${line}\n`);
}

/** False once the final error line is written: nothing may follow it. */
export function stderrOpen(): boolean {
  return !ended;
}

/** Makes stderr speak again (for code that runs several commands in one process, such as the fuzzer). */
export function reopenStderr(): void {
  ended = false;
}

export function warn(message: string): void {
  if (ended) return;
  process.stderr.write(`seedscope: warning: ${oneLine(message)}\n`);
}

export function info(mode: OutputMode, message: string): void {
  if (!mode.quiet && !mode.json && !ended) process.stderr.write(message + '\n');
}
