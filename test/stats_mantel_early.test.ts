import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadAddon, packageRoot } from '../src/native/addon.js';
import { mantelTest } from '../src/native/stats.js';
import { maxStatistic, pFromCount } from '../src/stats/corrections.js';
import { permtestFamily } from '../src/stats/permtest.js';
import { TestRng } from './helpers/random.js';
import { randomCondensed } from './helpers/statsReference.js';

const script = join(packageRoot, 'dist', 'test', 'helpers', 'mantelEarlyCheck.js');
const order = ['portable', 'avx2', 'avx512'];

function runWithIsa(isa: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env: { ...process.env, SEEDSCOPE_ISA: isa }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

for (const isa of order) {
  test(`early stops change no count and no null maximum that matters (${isa} kernels)`, async (t) => {
    const cpu = loadAddon().buildInfo().cpuIsa;
    if (order.indexOf(isa) > order.indexOf(cpu)) {
      t.skip(`this CPU supports only ${cpu}`);
      return;
    }
    const r = await runWithIsa(isa);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { kernel: string; mismatches: string[]; bounded: number; counted: number };
    assert.equal(out.kernel, isa);
    assert.deepEqual(out.mismatches, []);
    // the cases exercise both sides: permutations stopped early, and permutations that count
    assert.ok(out.bounded > 0, 'no permutation was stopped early');
    assert.ok(out.counted > 0, 'no permutation reached an observed statistic');
  });
}

test('a family with early stops gives the p-values of the full computation', async () => {
  const rng = new TestRng(77);
  const n = 90;
  const base = randomCondensed(() => rng.normal(), n);
  // layer 0 strongly related, layer 1 weakly: the floor comes from layer 1
  const layers = [[2, 2.5, 3], [0.3, 0.2, 0.25]].map((ws, i) => ({ name: `l${i}`, n, rdms: ws.map((w) => base.map((v) => w * v + rng.normal())) }));
  const fam = await permtestFamily(layers, { method: 'pearson', permutations: 400, seed: 11 });
  const full: Awaited<ReturnType<typeof mantelTest>>[] = [];
  for (const l of layers) full.push(await mantelTest(l.rdms, n, { method: 'pearson', permutations: 400, seed: 11, allPairs: true, keepNullMax: true }));
  const nullMax = new Float64Array(400).map((_, p) => Math.max(...full.map((r) => r.nullMax![p]!)));
  full.forEach((r, li) => {
    const adjusted = maxStatistic(Array.from(r.statistic), nullMax, r.exact);
    for (let a = 0; a < 3; a++) {
      for (let b = a + 1; b < 3; b++) {
        assert.equal(fam.layers[li]!.p[a]![b], pFromCount(r.count[a * 3 + b]!, r.permutations, r.exact));
        assert.equal(fam.layers[li]!.pMaxstat[a]![b], adjusted[a * 3 + b]);
      }
    }
  });
});
