import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadAddon, packageRoot } from '../src/native/addon.js';

const script = join(packageRoot, 'dist', 'test', 'helpers', 'rdmIsaCheck.js');
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
  test(`RDMs on the ${isa} kernels match the float64 reference`, async (t) => {
    const cpu = loadAddon().buildInfo().cpuIsa;
    if (order.indexOf(isa) > order.indexOf(cpu)) {
      t.skip(`this CPU supports only ${cpu}`);
      return;
    }
    const r = await runWithIsa(isa);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { kernel: string; results: { case: string; ratio: number }[] };
    assert.equal(out.kernel, isa);
    const failed = out.results.filter((c) => !(c.ratio <= 1));
    assert.deepEqual(failed, [], `cases beyond tolerance on ${isa}`);
  });
}
