/** Every file and folder (folders with a trailing '/') below `dir`, relative to it: what a fuzz case left behind. */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export function listFiles(dir: string, root = dir): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(relative(root, p) + '/', ...listFiles(p, root));
    else out.push(relative(root, p));
  }
  return out;
}
