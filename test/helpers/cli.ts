/** Runs the built CLI the way a user does and captures everything. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/native/addon.js';

/**
 * The RDM cache of the CLI runs of this test file: its own folder (not the
 * user's ~/.cache), shared by the file's runs and removed when it ends.
 */
const testCache = mkdtempSync(join(tmpdir(), 'seedscope-test-cache-'));
process.once('exit', () => rmSync(testCache, { recursive: true, force: true }));

export const cliPath = join(packageRoot, 'dist', 'src', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** the child is killed (SIGKILL) after this long; default 2 minutes */
  timeoutMs?: number;
}

/** Spawns the CLI; `onStderr` sees all of stderr so far after each chunk, with the child. */
function spawnCli(args: string[], opts: CliOptions, onStderr?: (stderr: string, child: ChildProcess) => void): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: opts.cwd ?? packageRoot,
      env: { ...process.env, XDG_CACHE_HOME: testCache, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, child);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, opts);
}

/** Runs the CLI, asserts that it exited with 0 (its stderr as the message) and parses its stdout as JSON. */
export async function runCliJson<T>(args: string[], opts: CliOptions = {}): Promise<CliResult & { json: T }> {
  const r = await runCli(args, opts);
  assert.equal(r.code, 0, r.stderr);
  return { ...r, json: JSON.parse(r.stdout) as T };
}

/**
 * Runs the CLI and sends it SIGINT (Ctrl-C; or `signal`) once, as soon as its
 * stderr so far satisfies `when`; `interrupted` says whether that happened.
 */
export async function interruptCli(args: string[], when: (stderr: string) => boolean, opts: CliOptions & { signal?: NodeJS.Signals } = {}): Promise<CliResult & { interrupted: boolean }> {
  let interrupted = false;
  const r = await spawnCli(args, opts, (stderr, child) => {
    if (!interrupted && when(stderr)) {
      interrupted = true;
      child.kill(opts.signal ?? 'SIGINT');
    }
  });
  return { ...r, interrupted };
}

/** stderr is "one clear line": exactly one non-empty line that starts with "seedscope:". */
export function isOneLineError(stderr: string): boolean {
  const lines = stderr.split('\n').filter((l) => l.trim().length > 0 && !l.startsWith('npm warn'));
  return lines.length === 1 && lines[0]!.startsWith('seedscope:');
}
