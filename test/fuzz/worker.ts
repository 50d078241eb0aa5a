/**
 * Runs fuzz cases in this process, one after another, through the CLI's own
 * program (buildProgram + exitCodeFor, exactly what main.ts runs): starting
 * Node, onnxruntime and sharp once instead of once per case makes a
 * campaign of tens of thousands of cases possible on a laptop. The campaign
 * (campaign.ts) starts this file as a child process and watches it: a case
 * that takes too long or kills the process is a finding of its own.
 *
 *   node dist/test/fuzz/worker.js SEED FROM TO SEEDDIR WORKDIR
 *
 * Writes one JSON line per case to stdout. stderr of the process carries
 * only what did not go through process.stderr.write (onnxruntime's and other
 * native logs), between markers that say which case it belongs to.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildProgram, exitCodeFor } from '../../src/cli/program.js';
import { reopenStderr } from '../../src/cli/output.js';
import { SEED_FILES, fuzzCase, resolveArgs } from './cases.js';
import { listFiles } from './listFiles.js';

export interface CaseResult {
  index: number;
  format: string;
  file: string;
  mutation: string;
  args: string[];
  code: number;
  stderr: string;
  ms: number;
  /** files in the case folder that were not there before the run (any run) */
  created: string[];
}

let capturing = false;
let captured = '';
const realStderrWrite = process.stderr.write.bind(process.stderr);
const realStdoutWrite = process.stdout.write.bind(process.stdout);
type Write = typeof process.stderr.write;
process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  if (!capturing) return (realStderrWrite as (...a: unknown[]) => boolean)(chunk, ...rest);
  captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
  cb?.();
  return true;
}) as Write;
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  if (!capturing) return (realStdoutWrite as (...a: unknown[]) => boolean)(chunk, ...rest);
  const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
  cb?.();
  return true;
}) as Write;

/** Runs the CLI's program in this process as main.ts would; returns the exit code. */
async function runInProcess(args: string[]): Promise<number> {
  process.exitCode = undefined;
  reopenStderr();
  const program = buildProgram();
  try {
    await program.parseAsync(['node', 'seedscope', ...args]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return exitCodeFor(err);
  } finally {
    process.exitCode = undefined;
  }
}

let current = -1;
for (const ev of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(ev, (err: unknown) => {
    writeSync(1, JSON.stringify({ index: current, crash: `${ev}: ${err instanceof Error ? err.stack ?? err.message : String(err)}` }) + '\n');
    process.exit(3);
  });
}

async function main(): Promise<void> {
  const [seedText, fromText, toText, seedDir, workDir] = process.argv.slice(2);
  const seed = Number(seedText);
  const from = Number(fromText);
  const to = Number(toText);
  const seedBytes = new Map<string, Uint8Array>();
  const readSeed = (f: string): Uint8Array => {
    if (!seedBytes.has(f)) seedBytes.set(f, readFileSync(join(seedDir!, f)));
    return seedBytes.get(f)!;
  };
  process.env.XDG_CACHE_HOME = join(workDir!, 'cache');
  for (let i = from; i < to; i++) {
    const c = fuzzCase(seed, i, readSeed);
    const dir = join(workDir!, `case-${i}`);
    for (const f of SEED_FILES) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      copyFileSync(join(seedDir!, f), join(dir, f));
    }
    writeFileSync(join(dir, c.file), c.bytes);
    const before = new Set(listFiles(dir));
    const out = join(dir, c.args.includes('rdm') ? 'out.npy' : 'out');
    const args = resolveArgs(c.args, dir, out);
    current = i;
    writeSync(2, `\u0000start ${i}\n`);
    writeSync(1, JSON.stringify({ start: i }) + '\n');
    captured = '';
    capturing = true;
    const t0 = performance.now();
    let code: number;
    try {
      code = await runInProcess(args);
    } finally {
      capturing = false;
    }
    const ms = performance.now() - t0;
    writeSync(2, `\u0000end ${i}\n`);
    const created = listFiles(dir).filter((f) => !before.has(f));
    const r: CaseResult = { index: i, format: c.format, file: c.file, mutation: c.mutation, args: c.args, code, stderr: captured, ms, created };
    writeSync(1, JSON.stringify(r) + '\n');
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().then(() => process.exit(0));
