/**
 * Where the CLI speaks. With --json, stdout carries exactly one JSON document
 * and nothing else; logs, warnings and progress go to stderr, and --quiet or
 * --json silence progress.
 */
import { jsonText } from '../io/json.js';

export interface OutputMode {
  json: boolean;
  quiet: boolean;
}

export function printJson(value: unknown): void {
  process.stdout.write(jsonText(value));
}

export function warn(message: string): void {
  process.stderr.write(`seedscope: warning: ${message}\n`);
}

export function info(mode: OutputMode, message: string): void {
  if (!mode.quiet && !mode.json) process.stderr.write(message + '\n');
}
