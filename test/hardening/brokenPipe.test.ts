/**
 * A reader that closes standard output early (`seedscope … | head`) ends the
 * command quietly with 141, as SIGPIPE ends other programs: no stack trace
 * (before the fix: an unhandled 'error' event, EPIPE, and its stack on stderr).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { dirname, join } from 'node:path';
import { cliPath } from '../helpers/cli.js';

const packageRoot = join(dirname(cliPath), '..', '..', '..');

test('stdout closed by its reader before the command writes: exit code 141, nothing on stderr', async () => {
  const child = spawn(process.execPath, [cliPath, 'layers', 'models/fmnist-allcnnc/seed0.onnx'], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  // the reader is gone before the first write (as `| head` once it has its lines)
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(code, 141, stderr);
  assert.equal(stderr, '');
});
