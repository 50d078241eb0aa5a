/**
 * `run --executor slurm` on a real one-node SLURM cluster (test/slurm/local-cluster.sh):
 * results identical to the local run's for 2 and 5 array tasks, a rerun that
 * submits only the analysis, a failed array task reported with its id and
 * log (and --no-wait / --attach), and the --dry-run scripts. Without SLURM
 * packages that can be installed and started, the cluster tests skip with a
 * notice; the dry run needs no cluster.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cliPath, isOneLineError, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { packageRoot } from '../../src/native/addon.js';
import { sha256File } from '../../src/zoo/zoo.js';
import { science } from '../helpers/science.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SCRIPT = join(packageRoot, 'test', 'slurm', 'local-cluster.sh');
const SMALL = ['--per-class', '10', '--permutations', '20', '--bootstrap', '20', '--threads', '1'];
/** a job that hangs is ended by SLURM (TIMEOUT, reported with its log) before the client's timeout */
const LIMIT = '--time=3';
const work = tempDir('seedscope-slurm-test-');
const stateDir = join(work.dir, 'cluster');
let slurmEnv: NodeJS.ProcessEnv | null = null;
let skipReason = '';

before(() => {
  const r = spawnSync('bash', [SCRIPT, 'up'], { env: { ...process.env, SEEDSCOPE_SLURM_DIR: stateDir }, encoding: 'utf8', timeout: 180_000 });
  const conf = r.stdout.match(/export SLURM_CONF=(\S+)/)?.[1];
  // sbatch exports the environment to the jobs: not the test runner's own variables
  if (r.status === 0 && conf) slurmEnv = { SLURM_CONF: conf, SEEDSCOPE_SLURM_POLL_MS: '500', NODE_TEST_CONTEXT: undefined };
  else skipReason = `no SLURM cluster could be started here (${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)})`;
});

after(() => {
  spawnSync('bash', [SCRIPT, 'down'], { env: { ...process.env, SEEDSCOPE_SLURM_DIR: stateDir }, timeout: 60_000 });
  work.cleanup();
});

function results(dir: string): Json {
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Json;
}

test('--dry-run prints the scripts: the node and entry point by absolute path, the arguments quoted, nothing submitted', async () => {
  const cache = join(work.dir, 'dry cache');
  const r = await runCli(['run', '--executor', 'slurm', ...SMALL, '--cache', cache, '--tasks', '3', '-o', "out dir/it's",
    '--slurm-args', "--partition=gpu --time=01:00:00 -J 'a b'", '--dry-run'], { cwd: work.dir });
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout;
  assert.match(out, /10 of 10 instances need RDMs: an array job of 3 tasks, then the analysis job \(dry run/);
  assert.ok(out.includes(`exec ${process.execPath} ${cliPath} run --per-class 10`), out);
  assert.ok(out.includes(`--only-rdms --instances "$instances"`));
  assert.ok(out.includes(`-o 'out dir/it'\\''s'`), 'a quote inside an argument is quoted safely');
  assert.ok(out.includes(`--cache '${cache}'`));
  assert.match(out, /^ {2}0\) instances=0,1,2 ;;/m);
  assert.match(out, /^ {2}2\) instances=6,7,8,9 ;;/m);
  assert.match(out, /^# sbatch --parsable --array=0-2 .*--partition=gpu --time=01:00:00 -J 'a b' /m);
  assert.match(out, /^# sbatch --parsable --dependency=afterok:ARRAY_JOB_ID --kill-on-invalid-dep=yes /m);
  const execs = out.split('\n').filter((l) => l.startsWith('exec '));
  assert.equal(execs.length, 2);
  for (const l of execs) assert.ok(!/--executor|--dry-run|--tasks|--slurm-args/.test(l), `the executor options stay with the client: ${l}`);
  assert.equal(existsSync(join(cache, 'slurm')), false, 'a dry run writes nothing');
});

test('--executor slurm without --cache, and slurm options without it: one line, exit code 2', async () => {
  const r = await runCli(['run', '--executor', 'slurm', ...SMALL, '--dry-run']);
  assert.equal(r.code, 2);
  assert.ok(isOneLineError(r.stderr) && r.stderr.includes('--cache'), r.stderr);
  const l = await runCli(['run', ...SMALL, '--tasks', '2']);
  assert.equal(l.code, 2);
  assert.ok(isOneLineError(l.stderr) && l.stderr.includes('expected --executor slurm'), l.stderr);
});

test('--attach with a damaged or foreign submission record: one line naming the file', async () => {
  const cache = join(work.dir, 'attach-cache');
  mkdirSync(join(cache, 'slurm'), { recursive: true });
  writeFileSync(join(cache, 'slurm', 'job-41.json'), '{"format": "seedscope-slurm/1", "anal');
  writeFileSync(join(cache, 'slurm', 'job-42.json'), '[1, 2]');
  const broken = await runCli(['run', '--executor', 'slurm', '--cache', cache, '--attach', '41']);
  assert.equal(broken.code, 1);
  assert.ok(isOneLineError(broken.stderr) && broken.stderr.includes('job-41.json: expected the JSON record of a submission but it cannot be parsed'), broken.stderr);
  const foreign = await runCli(['run', '--executor', 'slurm', '--cache', cache, '--attach', '42']);
  assert.equal(foreign.code, 1);
  assert.ok(isOneLineError(foreign.stderr) && foreign.stderr.includes('job-42.json: expected a record of format "seedscope-slurm/1"'), foreign.stderr);
});

test('2 and 5 array tasks give the local results; a rerun submits only the analysis', { timeout: 600_000 }, async (t) => {
  if (!slurmEnv) return t.skip(skipReason);
  const started = performance.now();
  const local = await runCli(['run', ...SMALL, '--cache', join(work.dir, 'cache-local'), '-o', 'local', '--quiet'], { cwd: work.dir });
  assert.equal(local.code, 0, local.stderr);
  for (const tasks of [2, 5]) {
    const cache = join(work.dir, `cache-${tasks}`);
    const args = ['run', '--executor', 'slurm', '--tasks', String(tasks), '--slurm-args', LIMIT, ...SMALL, '--cache', cache, '-o', `slurm${tasks}`];
    const r = await runCli(args, { cwd: work.dir, env: slurmEnv, timeoutMs: 240_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`10 of 10 instances need RDMs: an array job of ${tasks} tasks`));
    const doc = results(join(work.dir, `slurm${tasks}`));
    assert.deepEqual(science(doc), science(results(join(work.dir, 'local'))), `${tasks} tasks`);
    assert.equal(doc.rdm_cache.computed, 0, 'the analysis job found every RDM cached');
    if (tasks === 5) {
      const again = await runCli(args, { cwd: work.dir, env: slurmEnv, timeoutMs: 240_000 });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /0 of 10 instances need RDMs; the analysis job/);
      assert.doesNotMatch(again.stderr, /array job \d/);
      // an analysis job that fails: its error line and log; -o is a folder seedscope must not replace
      mkdirSync(join(work.dir, 'taken'));
      writeFileSync(join(work.dir, 'taken', 'thesis.docx'), 'mine');
      const bad = await runCli([...args.slice(0, -1), 'taken'], { cwd: work.dir, env: slurmEnv, timeoutMs: 240_000 });
      assert.equal(bad.code, 1, bad.stderr);
      assert.match(bad.stderr.trim().split('\n').at(-1)!, /^seedscope: the analysis job \d+ failed \(exit code 1:0\): -o \S*taken exists and is not a seedscope output.*; its log is \S+\/analysis-\d+\.log$/);
      assert.equal(readFileSync(join(work.dir, 'taken', 'thesis.docx'), 'utf8'), 'mine');
    }
  }
  t.diagnostic(`local run and 3 slurm runs: ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

test('a failed array task: its id and log in one line, exit code 1, the analysis cancelled; --no-wait and --attach', { timeout: 300_000 }, async (t) => {
  if (!slurmEnv) return t.skip(skipReason);
  const zoo = join(work.dir, 'zoo-broken');
  cpSync(join(packageRoot, 'models', 'fmnist-allcnnc'), zoo, { recursive: true });
  const args = ['run', '--executor', 'slurm', '--zoo', zoo, '--tasks', '5', ...SMALL, '--cache', join(work.dir, 'cache-fail'), '-o', 'fail'];
  const submitted = await runCli([...args, '--slurm-args', `--hold ${LIMIT}`, '--no-wait'], { cwd: work.dir, env: slurmEnv });
  assert.equal(submitted.code, 0, submitted.stderr);
  const arrayId = submitted.stdout.match(/^array job: (\d+)$/m)?.[1];
  const analysisId = submitted.stdout.match(/^analysis job: (\d+)$/m)?.[1];
  assert.ok(arrayId && analysisId, submitted.stdout);
  assert.match(submitted.stdout, new RegExp(`^wait for it: seedscope run .*--executor slurm --attach ${analysisId}$`, 'm'));
  // while the jobs are held, instance 7 becomes a file that is no ONNX model (its zoo.json
  // checksum updated to match): every task, which loads the whole zoo, then fails
  writeFileSync(join(zoo, 'seed7.onnx'), 'not an onnx model');
  const manifest = JSON.parse(readFileSync(join(zoo, 'zoo.json'), 'utf8')) as Json;
  manifest.instances[7].sha256 = sha256File(join(zoo, 'seed7.onnx'));
  writeFileSync(join(zoo, 'zoo.json'), JSON.stringify(manifest, null, 2));
  for (const id of [arrayId, analysisId]) assert.equal(spawnSync('scontrol', ['release', id], { env: { ...process.env, ...slurmEnv } }).status, 0);

  const r = await runCli([...args, '--attach', analysisId], { cwd: work.dir, env: slurmEnv, timeoutMs: 240_000 });
  assert.equal(r.code, 1, r.stderr);
  const last = r.stderr.trim().split('\n').at(-1)!;
  const m = last.match(new RegExp(`^seedscope: array task (\\d) of job ${arrayId} failed \\(exit code 1:0\\): .*seed7\\.onnx: expected an ONNX model.*; its log is (\\S+); the analysis job ${analysisId} was cancelled$`));
  assert.ok(m, last);
  const log = m[2]!;
  assert.ok(log.endsWith(`/rdms-${arrayId}_${m[1]}.log`), log);
  assert.ok(existsSync(log) && readFileSync(log, 'utf8').includes('seed7'), `the log ${log} names the model`);
});
