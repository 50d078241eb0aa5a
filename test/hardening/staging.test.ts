/**
 * What a killed or starved process leaves behind: a run killed with SIGKILL
 * leaves its `.OUT.partial-PID` staging folder, which the next output in the
 * same folder removes (its marker and dead PID checked; nothing else), saying
 * so once. A file-size limit (ulimit -f: EFBIG; Node ignores SIGXFSZ) is one
 * line naming the file, and leaves neither output nor staging folder; so is
 * a full disk (ENOSPC: a 200 KiB tmpfs in a private mount namespace, where
 * unshare and mount are allowed).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeNpy } from '../../src/io/npy.js';
import { cliPath, interruptCli, isOneLineError, runCli } from '../helpers/cli.js';
import { makeStimuli, tinyZoo } from '../helpers/runFixtures.js';
import { withTempDir } from '../helpers/tmp.js';

const FAST = ['--permutations', '0', '--bootstrap', '0', '--threads', '2', '--no-cache'];

/** The pid of a process that has ended (a short child, waited for). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function marker(pid: number, complete = false, files: string[] = []): string {
  return JSON.stringify({ format: 'seedscope-output/1', kind: 'run', version: '0.0.0', pid, host: hostname(), created: new Date().toISOString(), complete, ...(complete ? { files } : {}) });
}

test('a run killed with SIGKILL leaves its staging folder; the next output there removes it (and only it) and says so once', () => withTempDir(async (dir) => {
  const stimuli = makeStimuli(dir, 200, 4);
  const out = join(dir, 'out');
  const killed = await interruptCli(['run', '--zoo', tinyZoo, '--stimuli', stimuli, '--permutations', '200000', '--bootstrap', '0', '--no-cache', '-o', out],
    (stderr) => stderr.includes('extract'), { signal: 'SIGKILL', timeoutMs: 60_000 });
  assert.ok(killed.interrupted, killed.stderr);
  const left = readdirSync(dir).filter((e) => e.startsWith('.out.partial-'));
  assert.equal(left.length, 1, `staging folders after SIGKILL: ${readdirSync(dir).join(', ')}`);
  assert.ok(existsSync(join(dir, left[0]!, '.seedscope-output')), 'the staging folder carries the marker');

  // what must survive: no marker; a marker of another pid; a live pid (ours); a file, not a folder; a half-written .old
  const dead = deadPid();
  const keep = [`.mine.partial-${dead}`, `.other.partial-${dead}`, `.live.partial-${process.pid}`, `.file.partial-${dead}`, `.half.partial-${dead}.old`];
  mkdirSync(join(dir, keep[0]!));
  writeFileSync(join(dir, keep[0]!, 'notes.txt'), 'mine');
  mkdirSync(join(dir, keep[1]!));
  writeFileSync(join(dir, keep[1]!, '.seedscope-output'), marker(dead + 1));
  mkdirSync(join(dir, keep[2]!));
  writeFileSync(join(dir, keep[2]!, '.seedscope-output'), marker(process.pid));
  writeFileSync(join(dir, keep[3]!), 'a file');
  mkdirSync(join(dir, keep[4]!));
  writeFileSync(join(dir, keep[4]!, '.seedscope-output'), marker(dead, false));
  writeFileSync(join(dir, keep[4]!, 'x'), 'x');
  // an earlier output set aside by a commit that was killed half-way: put back
  const earlier = join(dir, 'elsewhere', 'earlier'); // written elsewhere: its own run would clean this folder up
  assert.equal((await runCli(['run', '--zoo', tinyZoo, '--stimuli', stimuli, ...FAST, '--quiet', '-o', earlier])).code, 0);
  cpSync(earlier, join(dir, `.restored.partial-${dead}.old`), { recursive: true });

  const again = await runCli(['run', '--zoo', tinyZoo, '--stimuli', stimuli, ...FAST, '--quiet', '-o', out]);
  assert.equal(again.code, 0, again.stderr);
  const notices = again.stderr.split('\n').filter((l) => l.includes('staging folder'));
  assert.equal(notices.length, 1, again.stderr);
  assert.match(notices[0]!, /^seedscope: warning: cleaned up 2 staging folders left in .* by killed seedscope runs \(.*\.out\.partial-\d+.*\)$/);
  assert.ok(!existsSync(join(dir, left[0]!)));
  for (const k of keep) assert.ok(existsSync(join(dir, k)), `${k} must survive`);
  assert.equal(readFileSync(join(dir, keep[0]!, 'notes.txt'), 'utf8'), 'mine');
  assert.ok(existsSync(join(dir, 'restored', 'results.json')), 'the set-aside output is put back');
  assert.ok(existsSync(join(out, 'results.json')));

  // said once: a later run has nothing more to remove and says nothing
  const third = await runCli(['run', '--zoo', tinyZoo, '--stimuli', stimuli, ...FAST, '--quiet', '-o', out]);
  assert.equal(third.code, 0, third.stderr);
  assert.equal(third.stderr, '');
}));

const haveBash = spawnSync('bash', ['-c', 'true']).status === 0;

/** Runs the CLI under `ulimit -f kib` (a file-size limit; Node ignores SIGXFSZ, so writes fail with EFBIG). */
function underFileLimit(kib: number, args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stderr: string } {
  const r = spawnSync('bash', ['-c', `ulimit -f ${kib}; exec "$0" "$@"`, process.execPath, cliPath, ...args],
    { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, stderr: r.stderr };
}

test('a file-size limit (ulimit -f) is one line naming the file, and leaves no output, staging folder or temporary file', { skip: !haveBash }, () => withTempDir(async (dir) => {
  const stimuli = makeStimuli(dir, 24, 3);
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const out = join(dir, 'out');
  // the run: report.html and the figures exceed 60 KiB
  const r = underFileLimit(60, ['run', '--zoo', tinyZoo, '--stimuli', stimuli, ...FAST, '--quiet', '-o', out], { TMPDIR: tmp });
  assert.equal(r.code, 1, r.stderr);
  assert.ok(isOneLineError(r.stderr), r.stderr);
  assert.match(r.stderr, /^seedscope: cannot write .*\/out\/\S+: EFBIG/);
  assert.deepEqual(readdirSync(dir).sort(), ['labels.npy', 'stimuli.npy', 'tmp']);
  assert.deepEqual(readdirSync(tmp).filter((e) => e.startsWith('seedscope-')), [], 'the --no-cache folder is removed');

  // the RDM cache: an entry too large for the limit
  const big = makeStimuli(join(dir, 'tmp'), 200, 4);
  const cache = join(dir, 'cache');
  const c = underFileLimit(20, ['run', '--zoo', tinyZoo, '--stimuli', big, '--permutations', '0', '--bootstrap', '0', '--cache', cache, '--quiet', '-o', out]);
  assert.equal(c.code, 1, c.stderr);
  assert.ok(isOneLineError(c.stderr), c.stderr);
  assert.match(c.stderr, /^seedscope: cannot write the RDM cache entry .*: EFBIG/);
  assert.ok(!existsSync(out));
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [e.name, ...walk(join(d, e.name))] : [e.name]));
  assert.deepEqual(walk(cache).filter((e) => e.startsWith('.tmp-')), [], 'no temporary cache folder left');

  // a single-file output
  const acts = join(dir, 'acts.npy');
  writeNpy(acts, Float32Array.from({ length: 200 * 3 }, (_, i) => Math.sin(i * 0.37)), [200, 3]);
  const rdm = underFileLimit(50, ['rdm', acts, '--quiet', '-o', join(dir, 'rdm.npy')]);
  assert.equal(rdm.code, 1, rdm.stderr);
  assert.ok(isOneLineError(rdm.stderr), rdm.stderr);
  assert.match(rdm.stderr, /^seedscope: cannot write .*rdm\.npy: EFBIG/);
  assert.deepEqual(readdirSync(dir).filter((e) => e.startsWith('.') || e === 'rdm.npy'), []);
}));

/**
 * Runs the CLI with `dir` replaced by a 200 KiB tmpfs, in a mount namespace of
 * its own (unshare -m: the mount is private and vanishes with the process);
 * returns its exit code, stderr, and what the tmpfs held afterwards.
 */
function onFullDisk(dir: string, args: string[]): { code: number; stderr: string; left: string[] } | null {
  const script = 'mount -t tmpfs -o size=200k tmpfs "$1" || exit 99; shift; "$@"; rc=$?; echo "rc=$rc"; ls -A "$OUT_DIR"';
  const r = spawnSync('unshare', ['-m', 'bash', '-c', script, 'bash', dir, process.execPath, cliPath, ...args],
    { encoding: 'utf8', env: { ...process.env, OUT_DIR: dir }, timeout: 120_000 });
  const m = /^rc=(\d+)$/m.exec(r.stdout ?? '');
  if (r.status === 99 || !m) return null;
  return { code: Number(m[1]), stderr: r.stderr, left: r.stdout.slice(m.index + m[0].length).split('\n').filter((l) => l.length > 0) };
}

/** unshare -m and mount work here (root, or a user namespace that allows it): probed on a throwaway folder. */
const canMountTmpfs = ((): boolean => {
  const probe = mkdtempSync(join(tmpdir(), 'seedscope-mount-probe-'));
  try {
    return spawnSync('unshare', ['-m', 'mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

test('a full disk (a small tmpfs) is one line naming the file with ENOSPC, and leaves nothing on it', { skip: !canMountTmpfs && 'needs unshare -m and mount (root)' }, () => withTempDir(async (dir) => {
  const stimuli = makeStimuli(dir, 24, 3);
  const disk = join(dir, 'disk');
  mkdirSync(disk);
  const run = onFullDisk(disk, ['run', '--zoo', tinyZoo, '--stimuli', stimuli, ...FAST, '--quiet', '-o', join(disk, 'out')]);
  assert.ok(run, 'the tmpfs could not be mounted');
  assert.equal(run.code, 1, run.stderr);
  assert.ok(isOneLineError(run.stderr), run.stderr);
  assert.match(run.stderr, /^seedscope: cannot write .*\/disk\/out\/\S+: ENOSPC/);
  assert.deepEqual(run.left, []);
  const acts = join(dir, 'acts.npy');
  writeNpy(acts, Float32Array.from({ length: 300 * 3 }, (_, i) => Math.sin(i * 0.37)), [300, 3]);
  const rdm = onFullDisk(disk, ['rdm', acts, '--quiet', '-o', join(disk, 'rdm.npy')]);
  assert.ok(rdm);
  assert.equal(rdm.code, 1, rdm.stderr);
  assert.ok(isOneLineError(rdm.stderr), rdm.stderr);
  assert.match(rdm.stderr, /^seedscope: cannot write .*\/disk\/rdm\.npy: ENOSPC/);
  assert.deepEqual(rdm.left, []);
}));
