/** JSON as seedscope writes it: NaN and ±Infinity become null, typed arrays plain arrays. */
import { oneLine, quoted } from '../errors.js';

export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/** Indented JSON text with a final newline. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, jsonReplacer, 2) + '\n';
}

/**
 * Why JSON text did not parse, on one line: V8's message quotes a raw piece
 * of the text (newlines, binary bytes and all); here the piece is dropped and
 * the offending token quoted with escapes.
 */
export function jsonSyntaxMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const token = /^Unexpected token '?([\s\S]*?)'?, ("[\s\S]*"|[\s\S]*?) is not valid JSON$/.exec(text);
  if (token) return `unexpected character ${quoted(token[1]!, 10)}`;
  const cut = text.replace(/, "[\s\S]*" is not valid JSON$/, ' (not valid JSON)');
  return oneLine(cut.length > 200 ? cut.slice(0, 200) + '…' : cut);
}
