/**
 * One fuzz case through the real CLI (a spawned `seedscope` process), as a
 * user runs it: the check that the in-process workers judge what the
 * executable does, and the runner of saved failures (regression tests).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../src/native/addon.js';
import { SEED_FILES, resolveArgs } from './cases.js';
import type { CaseResult } from './worker.js';
import { listFiles } from './listFiles.js';

export interface SavedCase {
  index: number;
  format: string;
  file: string;
  mutation: string;
  args: string[];
}

/** Runs `c` (its mutated bytes `bytes`) in a fresh folder built from the seeds in `seedDir`; the child is killed after `timeoutMs`. */
export async function runSpawned(c: SavedCase, bytes: Uint8Array, seedDir: string, timeoutMs = 20_000): Promise<CaseResult & { timedOut: boolean; signal: string | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'seedscope-fuzz-case-'));
  try {
    for (const f of SEED_FILES) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      copyFileSync(join(seedDir, f), join(dir, f));
    }
    writeFileSync(join(dir, c.file), bytes);
    const before = new Set(listFiles(dir));
    const out = join(dir, c.args.includes('rdm') ? 'out.npy' : 'out');
    const args = resolveArgs(c.args, dir, out);
    const t0 = performance.now();
    const { code, signal, stderr, timedOut } = await new Promise<{ code: number | null; signal: string | null; stderr: string; timedOut: boolean }>((resolve, reject) => {
      const child = spawn(process.execPath, [join(packageRoot, 'dist', 'src', 'cli', 'main.js'), ...args], {
        stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache'), SEEDSCOPE_DEBUG: '' },
      });
      let err = '';
      let killed = false;
      child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      const timer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, timeoutMs);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stderr: err, timedOut: killed });
      });
    });
    const created = listFiles(dir).filter((f) => !before.has(f) && f !== 'cache/' && !f.startsWith('cache/'));
    return {
      index: c.index, format: c.format, file: c.file, mutation: c.mutation, args: c.args,
      code: code ?? -1, signal, stderr, ms: performance.now() - t0, created, timedOut,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
