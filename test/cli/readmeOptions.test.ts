/**
 * The README documents every option of every command: options are declared
 * once (src/cli/options.ts) and the README must not drift from them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { packageRoot } from '../../src/native/addon.js';

function commands(c: Command, path: string[] = []): { path: string; cmd: Command }[] {
  return c.commands.flatMap((sub) => [{ path: [...path, sub.name()].join(' '), cmd: sub }, ...commands(sub, [...path, sub.name()])]);
}

test('every option of every command appears in the README', () => {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
  const missing: string[] = [];
  for (const { path, cmd } of commands(buildProgram())) {
    for (const o of cmd.options) {
      const flags = [o.long, o.short].filter((f): f is string => Boolean(f));
      if (!flags.some((f) => readme.includes(f))) missing.push(`${path} ${flags.join('/')}`);
    }
  }
  assert.deepEqual(missing, []);
});
