import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeRdm } from '../../src/io/rdmFile.js';
import { isOneLineError, runCli, runCliJson } from '../helpers/cli.js';
import { TestRng } from '../helpers/random.js';
import { withTempDir } from '../helpers/tmp.js';
import { randomCondensed } from '../helpers/statsReference.js';

function writeLayer(dir: string, n: number, k: number, seed: number, prefix = 'r'): string[] {
  const rng = new TestRng(seed);
  const base = randomCondensed(() => rng.normal(), n);
  return Array.from({ length: k }, (_, i) => {
    const file = join(dir, `${prefix}${i}.npy`);
    writeRdm(file, { n, values: base.map((v) => v + rng.normal()) });
    return file;
  });
}

test('permtest A B --json: statistic, p, permutations, exact, seed', () => withTempDir(async (dir) => {
  const [a, b] = writeLayer(dir, 30, 2, 41);
  const { json: out } = await runCliJson<Record<string, unknown>>(['permtest', a!, b!, '--permutations', '999', '--seed', '4', '--json']);
  assert.deepEqual(Object.keys(out).sort(), ['exact', 'method', 'p', 'permutations', 'seed', 'statistic']);
  assert.equal(out.method, 'pearson');
  assert.equal(out.permutations, 999);
  assert.equal(out.exact, false);
  assert.equal(out.seed, 4);
  assert.equal(out.p, 0.001);
  // tiny N: all 5! permutations are enumerated
  const [c, d] = writeLayer(dir, 5, 2, 42, 's');
  const { json: ex } = await runCliJson<{ exact: boolean; permutations: number; p: number }>(['permtest', c!, d!, '--method', 'spearman', '--json']);
  assert.equal(ex.exact, true);
  assert.equal(ex.permutations, 120);
  assert.ok(ex.p >= 1 / 120);
}));

test('permtest --all-pairs --correction holm|maxstat gives K×K statistics, raw and corrected p', () => withTempDir(async (dir) => {
  const files = writeLayer(dir, 25, 3, 43);
  for (const correction of ['holm', 'maxstat', 'bh']) {
    const { json: out } = await runCliJson<{ statistic: (number | null)[][]; p: (number | null)[][]; p_corrected: (number | null)[][]; correction: string }>(['permtest', ...files, '--all-pairs', '--correction', correction, '--permutations', '300', '--json']);
    assert.equal(out.correction, correction);
    assert.equal(out.statistic.length, 3);
    assert.equal(out.statistic[0]![0], null);
    assert.equal(out.statistic[0]![1], out.statistic[1]![0]);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
      if (a === b) continue;
      assert.ok(out.p_corrected[a]![b]! >= out.p[a]![b]! - 1e-15);
    }
  }
}));

test('bootstrap --json: mean pairwise consistency with its interval', () => withTempDir(async (dir) => {
  const files = writeLayer(dir, 30, 4, 44);
  for (const [over, ci] of [['stimuli', 'percentile'], ['instances', 'bca'], ['both', 'bca']] as const) {
    const { json: out } = await runCliJson<{ method: string; estimate: number; ci: { lower: number; upper: number; method: string }; seed: number; over: string }>(['bootstrap', ...files, '--over', over, '--samples', '200', '--ci', ci, '--json']);
    assert.equal(out.method, 'r2');
    assert.equal(out.over, over);
    assert.equal(out.ci.method, ci);
    assert.equal(out.seed, 0);
    assert.ok(out.ci.lower <= out.estimate + 0.05 && out.estimate - 0.05 <= out.ci.upper, JSON.stringify(out));
  }
}));

test('bad input gets one clear line and a non-zero exit', () => withTempDir(async (dir) => {
  const [a, b] = writeLayer(dir, 10, 2, 45);
  const [c] = writeLayer(dir, 12, 1, 46, 'other');
  const mismatch = await runCli(['permtest', a!, c!, '--json']);
  assert.equal(mismatch.code, 1);
  assert.ok(isOneLineError(mismatch.stderr), mismatch.stderr);
  assert.match(mismatch.stderr, /10 stimuli/);

  const x = new Float64Array(6).fill(1).map((_, i) => i);
  const y = Float64Array.from(x);
  x[0] = x[1] = x[2] = Number.NaN;
  y[3] = Number.NaN;
  writeRdm(join(dir, 'nx.npy'), { n: 4, values: x }, { condensed: true });
  writeRdm(join(dir, 'ny.npy'), { n: 4, values: y }, { condensed: true });
  const nan = await runCli(['permtest', join(dir, 'nx.npy'), join(dir, 'ny.npy')]);
  assert.equal(nan.code, 1);
  assert.ok(isOneLineError(nan.stderr), nan.stderr);
  assert.match(nan.stderr, /at least 3/);

  for (const args of [['--permutations', '0'], ['--seed', '-1'], ['--method', 'kendall']]) {
    const r = await runCli(['permtest', a!, b!, ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(isOneLineError(r.stderr), r.stderr);
  }
  const three = await runCli(['permtest', a!, b!, a!]);
  assert.equal(three.code, 2);
  assert.ok(isOneLineError(three.stderr), three.stderr);
  const boot = await runCli(['bootstrap', a!, b!, '--over', 'instances', '--json']);
  assert.equal(boot.code, 1);
  assert.ok(isOneLineError(boot.stderr), boot.stderr);
}));

test('every instruction set gives the same test result', () => withTempDir(async (dir) => {
  const [a, b] = writeLayer(dir, 80, 2, 47);
  const outs = [];
  for (const isa of ['portable', 'avx2', 'avx512']) {
    const r = await runCliJson<{ statistic: number; p: number }>(['permtest', a!, b!, '--permutations', '300', '--method', 'spearman', '--json'], { env: { SEEDSCOPE_ISA: isa } });
    outs.push(r.json);
  }
  for (const o of outs) {
    assert.equal(o.p, outs[0]!.p);
    assert.ok(Math.abs(o.statistic - outs[0]!.statistic) < 1e-12);
  }
}));

test('bench permtest --json reports the operation and its time', async () => {
  const { json: out } = await runCliJson<{ op: string; seconds: number; n: number; permutations: number }>(['bench', 'permtest', '--n', '60', '--permutations', '200', '--json']);
  assert.equal(out.op, 'permtest');
  assert.equal(out.n, 60);
  assert.ok(out.seconds > 0);
  const all = await runCliJson<{ pairs: number }>(['bench', 'permtest', '--n', '40', '--k', '4', '--all-pairs', '--permutations', '100', '--json']);
  assert.equal(all.json.pairs, 6);
});
