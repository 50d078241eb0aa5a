/**
 * `npm run fuzz -- --cases 100000 --seed S [--workers W] [--from I] [--failures DIR]`:
 * a long fuzz campaign (campaign.ts). Prints progress on stderr and the
 * summary as JSON on stdout; failing inputs go to fuzz-failures/ (gitignored)
 * unless --failures says otherwise. Exit code 1 when anything was found.
 */
import { join } from 'node:path';
import { packageRoot } from '../../src/native/addon.js';
import { runCampaign } from './campaign.js';

function option(name: string, dflt: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return dflt;
  const v = Number(process.argv[at + 1]);
  if (!Number.isInteger(v) || v < 0) {
    process.stderr.write(`fuzz: ${name} expects a non-negative integer\n`);
    process.exit(2);
  }
  return v;
}

const at = process.argv.indexOf('--failures');
const failures = at >= 0 ? process.argv[at + 1]! : join(packageRoot, 'fuzz-failures');
const t0 = Date.now();
const summary = await runCampaign({
  seed: option('--seed', 1),
  from: option('--from', 0),
  cases: option('--cases', 1000),
  workers: option('--workers', 1),
  failures,
  onProgress: (done, total, found) => process.stderr.write(`fuzz: ${done}/${total} cases, ${found} findings, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`),
});
process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
process.exitCode = summary.findings.length > 0 ? 1 : 0;
