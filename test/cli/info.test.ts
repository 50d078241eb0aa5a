import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, runCliJson } from '../helpers/cli.js';

test('seedscope info --json reports build, instruction set, threads and onnxruntime', async () => {
  const { json: info } = await runCliJson<Record<string, unknown> & { onnxruntime: { version: string; execution_providers: { name: string }[] } }>(['info', '--json']);
  assert.match(String(info.build), /^(cmake-js|node-gyp)$/);
  assert.match(String(info.isa), /^(avx512|avx2|portable)$/);
  assert.ok(Number(info.threads) >= 1);
  assert.match(info.onnxruntime.version, /^\d+\.\d+\.\d+/);
  assert.ok(info.onnxruntime.execution_providers.some((e) => e.name === 'cpu'));
});

test('SEEDSCOPE_ISA lowers the instruction set the kernels use', async () => {
  const r = await runCliJson<{ isa: string }>(['info', '--json'], { env: { SEEDSCOPE_ISA: 'portable' } });
  assert.equal(r.json.isa, 'portable');
});

test('an unknown command exits with code 2', async () => {
  const r = await runCli(['no-such-command']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command/);
});
