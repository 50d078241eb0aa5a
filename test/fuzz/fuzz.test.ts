/**
 * The bounded fuzz run of `npm test` (about a minute): a fixed campaign
 * through the in-process workers, the same cases of each format through the
 * real executable, and every saved failure under test/fuzz/regressions/.
 * Long campaigns: `npm run fuzz -- --cases 100000 --seed S`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/native/addon.js';
import { runCampaign, judge } from './campaign.js';
import { FORMATS, fuzzCase } from './cases.js';
import { runSpawned, type SavedCase } from './replay.js';
import { writeSeeds } from './seeds.js';

const SEED = 18;

test('fuzz: 280 mutated inputs of every format: exit 0/1/2, one-line errors, no stack, nothing left behind, no hang, no crash', async () => {
  const s = await runCampaign({ seed: SEED, cases: 280, chunk: 280 });
  assert.equal(s.cases, 280);
  for (const f of FORMATS) assert.equal(s.perFormat[f], 40, f);
  assert.deepEqual(s.findings, [], JSON.stringify(s.findings.slice(0, 3), null, 2));
  // mutations that leave a file readable and ones that break it: both paths are exercised
  assert.ok((s.exitCodes['0'] ?? 0) > 0 && (s.exitCodes['1'] ?? 0) > 0, JSON.stringify(s.exitCodes));
});

test('fuzz: one case of each format through the real executable judges as in-process', async () => {
  const seeds = mkdtempSync(join(tmpdir(), 'seedscope-fuzz-seeds-'));
  try {
    await writeSeeds(seeds);
    for (let i = 0; i < FORMATS.length; i++) {
      const c = fuzzCase(SEED + 1, i, (f) => readFileSync(join(seeds, f)));
      const r = await runSpawned(c, c.bytes, seeds);
      assert.ok(!r.timedOut && r.signal === null, `case ${i} (${c.format}): ${r.signal ?? 'timed out'}`);
      assert.deepEqual(judge(r, ''), [], `case ${i} (${c.format}, ${c.mutation}): ${r.stderr}`);
    }
  } finally {
    rmSync(seeds, { recursive: true, force: true });
  }
});

test('fuzz regressions: every saved failure now exits 0/1/2 with one line and leaves nothing', async () => {
  const root = join(packageRoot, 'test', 'fuzz', 'regressions');
  const cases = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'case.json'))) : [];
  assert.ok(cases.length > 0, 'no saved regressions');
  const seeds = mkdtempSync(join(tmpdir(), 'seedscope-fuzz-seeds-'));
  try {
    await writeSeeds(seeds);
    for (const name of cases) {
      const c = JSON.parse(readFileSync(join(root, name, 'case.json'), 'utf8')) as SavedCase;
      const r = await runSpawned(c, readFileSync(join(root, name, 'input.bin')), seeds);
      assert.ok(!r.timedOut && r.signal === null, `${name}: ${r.signal ?? 'timed out'}`);
      assert.deepEqual(judge(r, ''), [], `${name}: ${r.stderr}`);
    }
  } finally {
    rmSync(seeds, { recursive: true, force: true });
  }
});
