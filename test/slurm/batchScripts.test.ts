/**
 * The pieces of --executor slurm that need no cluster: quoting, --slurm-args
 * split like a shell, the executor's options taken out of the job's
 * arguments, shares of the instances, and the parsing of scontrol/jobcomp
 * lines and array task ranges.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { jobArguments, shares, shellQuote, splitArgs } from '../../src/pipeline/slurm/batchScripts.js';
import { parseKeyValues } from '../../src/pipeline/slurm/slurmClient.js';
import { taskIds } from '../../src/pipeline/slurm/waitForJobs.js';

test('shellQuote: bash reads every word back exactly', () => {
  const words = ['plain', 'a b', "it's", '$HOME', '`x`', 'a"b', '\\', '', 'ü', '--x=1', '*', 'a\nb'];
  const r = spawnSync('bash', ['-c', `printf '%s\\0' ${words.map(shellQuote).join(' ')}`], { encoding: 'utf8' });
  assert.deepEqual(r.stdout.split('\0').slice(0, -1), words);
});

test('splitArgs: whitespace, quotes and backslashes as a shell splits them', () => {
  assert.deepEqual(splitArgs('--partition=gpu  --time=01:00:00'), ['--partition=gpu', '--time=01:00:00']);
  assert.deepEqual(splitArgs(`-J 'a b' --comment="x \\"y\\"" c\\ d ''`), ['-J', 'a b', '--comment=x "y"', 'c d', '']);
  assert.deepEqual(splitArgs(''), []);
  assert.throws(() => splitArgs("--comment='open"), /expected balanced quotes/);
});

test('jobArguments: the executor options go, every other word stays in order', () => {
  assert.deepEqual(
    jobArguments(['--executor', 'slurm', '--zoo', 'z', '--tasks=3', '--slurm-args', '--partition=gpu', '--no-wait', '-o', 'out', '--dry-run', '--attach', '12', '--per-class', '5']),
    ['--zoo', 'z', '-o', 'out', '--per-class', '5'],
  );
  assert.deepEqual(jobArguments(['--executor=slurm', '--cache', 'c']), ['--cache', 'c']);
});

test('shares: contiguous, as even as they go, none empty', () => {
  assert.deepEqual(shares([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3), [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]);
  assert.deepEqual(shares([0, 1], 5), [[0], [1]]);
  assert.deepEqual(shares([0, 1, 2], 1), [[0, 1, 2]]);
});

test('scontrol -o and jobcomp lines; array task ranges', () => {
  const kv = parseKeyValues('JobId=4 ArrayJobId=1 ArrayTaskId=1 JobName=my job UserId=root(0) JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0 TRES=cpu=1,mem=2G');
  assert.equal(kv.get('JobName'), 'my job');
  assert.equal(kv.get('JobState'), 'FAILED');
  assert.equal(kv.get('ExitCode'), '3:0');
  assert.equal(kv.get('TRES'), 'cpu=1,mem=2G');
  assert.deepEqual(taskIds('3'), [3]);
  assert.deepEqual(taskIds('2-4'), [2, 3, 4]);
  assert.deepEqual(taskIds('0,5-6%2'), [0, 5, 6]);
  assert.deepEqual(taskIds(undefined), []);
});
