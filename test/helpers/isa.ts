/**
 * Runs a built test script in a child process with SEEDSCOPE_ISA set, so each
 * instruction-set path of the addon is exercised on this machine (the ISA is
 * chosen once per process).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { loadAddon, packageRoot } from '../../src/native/addon.js';

/** From lowest to highest: a CPU supporting one supports those before it. */
export const ISA_ORDER = ['portable', 'avx2', 'avx512'] as const;

/** Why this CPU cannot run `isa`, or undefined when it can. */
export function isaUnsupported(isa: string): string | undefined {
  const cpu = loadAddon().buildInfo().cpuIsa;
  return ISA_ORDER.indexOf(isa as never) > ISA_ORDER.indexOf(cpu as never) ? `this CPU supports only ${cpu}` : undefined;
}

/** Runs dist/test/helpers/<name>.js with SEEDSCOPE_ISA=isa and collects its output. */
export function runHelperWithIsa(name: string, isa: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = join(packageRoot, 'dist', 'test', 'helpers', `${name}.js`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env: { ...process.env, SEEDSCOPE_ISA: isa }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The JSON line that helper <name> prints under SEEDSCOPE_ISA=isa, after
 * checking that it exited cleanly; undefined (and the test skipped) where
 * this CPU cannot run `isa`.
 */
export async function isaHelperOutput<T>(t: TestContext, name: string, isa: string): Promise<T | undefined> {
  const unsupported = isaUnsupported(isa);
  if (unsupported) {
    t.skip(unsupported);
    return undefined;
  }
  const r = await runHelperWithIsa(name, isa);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}
