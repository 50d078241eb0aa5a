/** File names from tensor and instance names: characters other than letters, digits, '.', '_' and '-' become '_'. */
export function sanitizeFileName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[_.]+/, '').replace(/_+$/, '');
  return s.length > 0 ? s.slice(0, 120) : 'layer';
}

/** Sanitised names made unique by a numeric suffix, in input order. */
export function uniqueFileNames(names: readonly string[], reserved: readonly string[] = []): string[] {
  const used = new Set(reserved.map((r) => r.toLowerCase()));
  return names.map((n) => {
    const base = sanitizeFileName(n);
    let candidate = base;
    for (let k = 2; used.has(candidate.toLowerCase()); k++) candidate = `${base}-${k}`;
    used.add(candidate.toLowerCase());
    return candidate;
  });
}
