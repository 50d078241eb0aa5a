/**
 * A fuzz campaign: cases FROM … TO of a seed, run by worker processes
 * (worker.ts), each case judged by the CLI's promises:
 *   - the exit code is 0, 1 or 2;
 *   - on 1 and 2, stderr holds exactly one error line, starting with
 *     `seedscope:`, and it is the last line (one-line warnings before it are
 *     allowed, progress lines are not);
 *   - no stack trace, and nothing on stderr that bypassed seedscope
 *     (onnxruntime's own log lines);
 *   - no output left behind on failure;
 *   - no case runs longer than the time limit (20 s): its worker is killed
 *     and the case is a hang;
 *   - no case kills the process (a native abort, an uncaught exception): a crash.
 * Each failing case's input, command and result are saved under `failures`
 * (fuzz-failures/ by default) to be replayed as a regression test.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/native/addon.js';
import { FORMATS, fuzzCase } from './cases.js';
import { writeSeeds } from './seeds.js';
import type { CaseResult } from './worker.js';
import { readFileSync } from 'node:fs';

export type Violation = 'exit-code' | 'multi-line' | 'stack-trace' | 'left-behind' | 'hang' | 'crash' | 'foreign-stderr';

export interface Finding {
  index: number;
  format: string;
  violation: Violation;
  detail: string;
}

export interface CampaignSummary {
  seed: number;
  cases: number;
  perFormat: Record<string, number>;
  exitCodes: Record<string, number>;
  crashes: number;
  hangs: number;
  multiLine: number;
  findings: Finding[];
  seconds: number;
}

export interface CampaignOptions {
  seed: number;
  from?: number;
  cases: number;
  /** worker processes in parallel */
  workers?: number;
  /** cases per worker process before it is replaced (memory hygiene) */
  chunk?: number;
  timeoutMs?: number;
  /** where failing inputs are saved; undefined: not saved */
  failures?: string;
  onProgress?: (done: number, total: number, findings: number) => void;
}

const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m;

/** The violations of one finished case. */
export function judge(r: Pick<CaseResult, 'code' | 'stderr' | 'created'>, foreign: string): { violation: Violation; detail: string }[] {
  const out: { violation: Violation; detail: string }[] = [];
  if (![0, 1, 2].includes(r.code)) out.push({ violation: 'exit-code', detail: `exit code ${r.code}` });
  if (STACK.test(r.stderr)) out.push({ violation: 'stack-trace', detail: r.stderr.slice(0, 400) });
  if (foreign.trim().length > 0) out.push({ violation: 'foreign-stderr', detail: foreign.slice(0, 400) });
  if (r.code !== 0) {
    const lines = r.stderr.split('\n').filter((l) => l.trim().length > 0);
    const errors = lines.filter((l) => l.startsWith('seedscope:') && !l.startsWith('seedscope: warning:'));
    const others = lines.filter((l) => !l.startsWith('seedscope:'));
    const last = lines[lines.length - 1];
    if (errors.length !== 1 || others.length > 0 || last !== errors[0]) {
      out.push({ violation: 'multi-line', detail: JSON.stringify(r.stderr.slice(0, 600)) });
    }
    if (r.created.length > 0) out.push({ violation: 'left-behind', detail: r.created.join(', ') });
  }
  return out;
}

/** Splits a worker's raw stderr into what each case wrote outside seedscope (between its markers). */
function foreignByCase(raw: string): Map<number, string> {
  const m = new Map<number, string>();
  const re = /\u0000start (\d+)\n([\s\S]*?)(?=\u0000end \1\n|$)/g;
  for (let x = re.exec(raw); x; x = re.exec(raw)) m.set(Number(x[1]), x[2]!);
  return m;
}

interface WorkerOutcome {
  results: CaseResult[];
  /** a case that ended its worker: killed after the time limit, or the process died */
  lost?: { index: number; violation: 'hang' | 'crash'; detail: string };
  foreign: Map<number, string>;
  next: number;
}

function runWorker(seed: number, from: number, to: number, seedDir: string, timeoutMs: number): Promise<WorkerOutcome> {
  const work = mkdtempSync(join(tmpdir(), 'seedscope-fuzz-'));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(packageRoot, 'dist', 'test', 'fuzz', 'worker.js'), String(seed), String(from), String(to), seedDir, work],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SEEDSCOPE_DEBUG: '' } });
    const results: CaseResult[] = [];
    let started = -1;
    let crash: string | undefined;
    let pending = '';
    let rawErr = '';
    let timer: NodeJS.Timeout | undefined;
    let hung = false;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => { hung = true; child.kill('SIGKILL'); }, timeoutMs);
    };
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const msg = JSON.parse(line) as { start?: number; crash?: string; index?: number } & Partial<CaseResult>;
        if (msg.start !== undefined) {
          started = msg.start;
          arm();
        } else if (msg.crash !== undefined) {
          crash = msg.crash;
        } else {
          results.push(msg as CaseResult);
          clearTimeout(timer);
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => { rawErr += d.toString(); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(work, { recursive: true, force: true });
      const done = results.length > 0 ? results[results.length - 1]!.index + 1 : from;
      const foreign = foreignByCase(rawErr);
      if (started >= done) {
        const detail = hung ? `no result within ${timeoutMs / 1000} s`
          : crash ?? `worker ended (code ${code}, signal ${signal}): ${rawErr.slice(-400)}`;
        resolve({ results, foreign, lost: { index: started, violation: hung ? 'hang' : 'crash', detail }, next: started + 1 });
      } else {
        resolve({ results, foreign, next: done < to && code !== 0 ? done : to });
      }
    });
  });
}

export async function runCampaign(opts: CampaignOptions): Promise<CampaignSummary> {
  const t0 = Date.now();
  const from = opts.from ?? 0;
  const to = from + opts.cases;
  const chunk = opts.chunk ?? 500;
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const seedDir = mkdtempSync(join(tmpdir(), 'seedscope-fuzz-seeds-'));
  await writeSeeds(seedDir);
  const summary: CampaignSummary = { seed: opts.seed, cases: 0, perFormat: {}, exitCodes: {}, crashes: 0, hangs: 0, multiLine: 0, findings: [], seconds: 0 };
  const readSeed = (f: string): Uint8Array => readFileSync(join(seedDir, f));
  const record = (index: number, format: string, violation: Violation, detail: string, extra: object): void => {
    summary.findings.push({ index, format, violation, detail });
    if (violation === 'crash') summary.crashes++;
    if (violation === 'hang') summary.hangs++;
    if (violation === 'multi-line' || violation === 'foreign-stderr' || violation === 'stack-trace') summary.multiLine++;
    if (opts.failures) {
      const c = fuzzCase(opts.seed, index, readSeed);
      const dir = join(opts.failures, `seed${opts.seed}-case${index}-${violation}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'input.bin'), c.bytes);
      writeFileSync(join(dir, 'case.json'), JSON.stringify({ seed: opts.seed, index, format: c.format, file: c.file, mutation: c.mutation, args: c.args, violation, detail, ...extra }, null, 2) + '\n');
    }
  };
  // ranges of cases, handed to `workers` processes at a time
  const queue: [number, number][] = [];
  for (let s = from; s < to; s += chunk) queue.push([s, Math.min(to, s + chunk)]);
  const workers = Math.max(1, opts.workers ?? 1);
  const runQueue = async (): Promise<void> => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const [a, b] = job;
      const o = await runWorker(opts.seed, a, b, seedDir, timeoutMs);
      for (const r of o.results) {
        summary.cases++;
        summary.perFormat[r.format] = (summary.perFormat[r.format] ?? 0) + 1;
        summary.exitCodes[r.code] = (summary.exitCodes[r.code] ?? 0) + 1;
        for (const v of judge(r, o.foreign.get(r.index) ?? '')) record(r.index, r.format, v.violation, v.detail, { code: r.code, stderr: r.stderr });
      }
      if (o.lost) {
        const format = FORMATS[o.lost.index % FORMATS.length]!;
        summary.cases++;
        summary.perFormat[format] = (summary.perFormat[format] ?? 0) + 1;
        record(o.lost.index, format, o.lost.violation, o.lost.detail, {});
      }
      if (o.next < b) queue.unshift([o.next, b]);
      opts.onProgress?.(summary.cases, opts.cases, summary.findings.length);
    }
  };
  await Promise.all(Array.from({ length: workers }, runQueue));
  rmSync(seedDir, { recursive: true, force: true });
  summary.findings.sort((x, y) => x.index - y.index);
  summary.seconds = (Date.now() - t0) / 1000;
  return summary;
}
