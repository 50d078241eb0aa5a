/**
 * `node dist/test/fuzz/exportCase.js SEED INDEX… [--to DIR]`: writes fuzz
 * cases (their mutated input and command) in the layout of fuzz-failures/,
 * by default into test/fuzz/regressions/, to keep them as regression tests
 * once fixed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/native/addon.js';
import { fuzzCase } from './cases.js';
import { writeSeeds } from './seeds.js';

const args = process.argv.slice(2);
const at = args.indexOf('--to');
const to = at >= 0 ? args.splice(at, 2)[1]! : join(packageRoot, 'test', 'fuzz', 'regressions');
const [seed, ...indices] = args.map(Number);
const seeds = mkdtempSync(join(tmpdir(), 'seedscope-fuzz-seeds-'));
await writeSeeds(seeds);
for (const index of indices) {
  const c = fuzzCase(seed!, index, (f) => readFileSync(join(seeds, f)));
  const dir = join(to, `seed${seed}-case${index}-${c.format}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'input.bin'), c.bytes);
  writeFileSync(join(dir, 'case.json'), JSON.stringify({ seed, index, format: c.format, file: c.file, mutation: c.mutation, args: c.args }, null, 2) + '\n');
  process.stdout.write(`${dir}\n`);
}
rmSync(seeds, { recursive: true, force: true });
