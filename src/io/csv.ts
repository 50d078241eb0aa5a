/**
 * CSV (RFC 4180): fields with a comma, quote or line break are quoted, quotes
 * doubled; numbers keep full precision; null, undefined and NaN are empty.
 */
export type CsvValue = string | number | boolean | null | undefined;

export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) {
    if (row.length !== header.length) throw new Error(`toCsv: row has ${row.length} fields, header ${header.length}`);
    lines.push(row.map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}
