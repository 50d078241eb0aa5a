/**
 * Expands `--model` arguments that are glob patterns ('zoo/*.onnx'), for
 * shells that did not expand them (quoted, or on Windows). A plain path is
 * returned as it is. Matches are sorted so instance order is stable.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { UserError } from '../errors.js';

const GLOB_CHARS = /[*?[\]{}!]/;

function walk(dir: string, depth: number, out: string[]): void {
  if (depth > 8) return;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, depth + 1, out);
    else if (e.isFile() || (e.isSymbolicLink() && statSync(p, { throwIfNoEntry: false })?.isFile())) out.push(p);
  }
}

export function expandModelArgs(args: readonly string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    if (!GLOB_CHARS.test(arg)) {
      files.push(arg);
      continue;
    }
    const parts = arg.split(/[\\/]/);
    const fixed: string[] = [];
    for (const p of parts) {
      if (GLOB_CHARS.test(p)) break;
      fixed.push(p);
    }
    const base = fixed.length === 0 ? '.' : fixed.join(sep) || sep;
    const isMatch = picomatch(arg.split(sep).join('/'), { dot: false });
    const all: string[] = [];
    walk(resolve(base), 0, all);
    const matches = all
      .map((abs) => join(base, relative(resolve(base), abs)))
      .filter((p) => isMatch(p.split(sep).join('/')))
      .sort();
    if (matches.length === 0) throw new UserError(`--model ${arg}: the pattern matches no file`);
    files.push(...matches);
  }
  return files;
}
