/**
 * The input format of benchmark-action/github-action-benchmark's tools
 * customSmallerIsBetter and customBiggerIsBetter, as its README and
 * src/extract.ts define it: a JSON array of objects with `name` (string),
 * `unit` (string) and `value` (number) required, `range` and `extra`
 * (strings) optional. The action coerces with zod, so a missing field or a
 * null value (JSON's NaN) fails there; its range parser reads "± <number>"
 * (or "+- <number>"). Returns the problems found, empty when valid.
 */
export function githubBenchmarkProblems(text: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return [`not JSON: ${(err as Error).message}`];
  }
  if (!Array.isArray(doc)) return ['not an array'];
  if (doc.length === 0) return ['empty: the action fails with "No benchmark result was found"'];
  const problems: string[] = [];
  const names = new Set<string>();
  doc.forEach((e: unknown, i) => {
    if (e === null || typeof e !== 'object' || Array.isArray(e)) {
      problems.push(`[${i}] is not an object`);
      return;
    }
    const o = e as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!['name', 'unit', 'value', 'range', 'extra'].includes(k)) problems.push(`[${i}] unknown key ${k}`);
    if (typeof o.name !== 'string' || o.name.length === 0) problems.push(`[${i}].name is not a non-empty string`);
    else if (names.has(o.name)) problems.push(`[${i}].name ${o.name} repeats`);
    else names.add(o.name);
    if (typeof o.unit !== 'string' || o.unit.length === 0) problems.push(`[${i}].unit is not a non-empty string`);
    if (typeof o.value !== 'number' || !Number.isFinite(o.value)) problems.push(`[${i}].value is not a finite number: ${JSON.stringify(o.value)}`);
    if (o.range !== undefined && (typeof o.range !== 'string' || !/^(\+-|±)\s*\d/.test(o.range) || !Number.isFinite(Number(o.range.replace(/^(\+-|±)\s*/, ''))))) {
      problems.push(`[${i}].range is not "± <number>": ${JSON.stringify(o.range)}`);
    }
    if (o.extra !== undefined && typeof o.extra !== 'string') problems.push(`[${i}].extra is not a string`);
  });
  return problems;
}
