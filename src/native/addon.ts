/**
 * The one place that loads the native addon. Everything else calls the typed
 * wrappers in this folder.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Addon } from './AddonTypes.js';

export class NoBinaryFoundError extends Error {
  override name = 'NoBinaryFoundError';
}

/** Root of the package (the folder holding package.json). */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('seedscope: cannot find package.json above ' + fileURLToPath(import.meta.url));
})();

let cached: Addon | undefined;

export function loadAddon(): Addon {
  if (cached) return cached;
  const file = join(packageRoot, 'build', 'Release', 'seedscope.node');
  if (!existsSync(file)) {
    throw new NoBinaryFoundError(
      `seedscope: native addon not found at ${file}; run "npm install" (or "npm run build") in ${packageRoot}`);
  }
  const require = createRequire(import.meta.url);
  cached = require(file) as Addon;
  return cached;
}

/** Which build system produced the addon, from build/build-info.json. */
export function buildRecord(): { build: string; type: string; built_at?: string } | undefined {
  const file = join(packageRoot, 'build', 'build-info.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { build: string; type: string; built_at?: string };
  } catch {
    return undefined;
  }
}

/**
 * Runs a native promise and, on failure, appends the JS stack captured before
 * the work was queued, so errors point at the caller rather than at nothing.
 */
export async function withJsStack<T>(start: () => Promise<T>): Promise<T> {
  const origin = new Error();
  try {
    return await start();
  } catch (err) {
    if (err instanceof Error && origin.stack) {
      const callerFrames = origin.stack.split('\n').slice(1).join('\n');
      err.stack = `${err.name}: ${err.message}\n${callerFrames}`;
    }
    throw err;
  }
}
