/** JSON as seedscope writes it: NaN and ±Infinity become null, typed arrays plain arrays. */

export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/** Indented JSON text with a final newline. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, jsonReplacer, 2) + '\n';
}
