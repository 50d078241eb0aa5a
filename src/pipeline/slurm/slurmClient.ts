/**
 * SLURM's client commands as seedscope uses them: submit with `sbatch
 * --parsable`, read job states with `scontrol show job -o` while the
 * controller keeps the record, then from the jobcomp text file (or `sacct`
 * where accounting exists), and cancel with `scancel`. Nothing here trusts
 * `sbatch --wait`: a job cancelled because its dependency can never be met
 * makes it exit 0.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { UserError, oneLine } from '../../errors.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a SLURM command; a missing command is a one-line error naming it. */
export function slurmCommand(cmd: string, args: readonly string[]): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new UserError(`${cmd} not found on PATH: --executor slurm needs SLURM's client commands (sbatch, scontrol, scancel)`));
        return;
      }
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Submits a script; returns the job id. */
export async function sbatch(args: readonly string[], script: string): Promise<string> {
  const r = await slurmCommand('sbatch', ['--parsable', ...args, script]);
  const id = r.stdout.trim().split(';')[0] ?? '';
  if (r.code !== 0 || !/^\d+$/.test(id)) {
    throw new UserError(`sbatch refused ${script}: ${oneLine(r.stderr || r.stdout) || `exit code ${r.code}`}`);
  }
  return id;
}

export async function scancel(id: string): Promise<void> {
  await slurmCommand('scancel', [id]);
}

/** One job, or one array task, or a range of still-pending array tasks. */
export interface JobRecord {
  jobId: string;
  /** for array jobs: the array's id and this record's task id(s) ("3", "2-4", "5,7") */
  arrayJobId?: string;
  arrayTaskId?: string;
  state: string;
  reason?: string;
  exitCode?: string;
}

/** `Key=Value Key=Value …` (scontrol -o, jobcomp/filetxt) as a map; values run to the next ` Key=`. */
export function parseKeyValues(line: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /(?:^|\s)([A-Za-z][A-Za-z0-9_:/]*)=/g;
  const marks: { key: string; start: number; end: number }[] = [];
  for (let m = re.exec(line); m; m = re.exec(line)) marks.push({ key: m[1]!, start: m.index, end: re.lastIndex });
  marks.forEach((mk, i) => out.set(mk.key, line.slice(mk.end, i + 1 < marks.length ? marks[i + 1]!.start : line.length).trim()));
  return out;
}

function recordOf(kv: Map<string, string>): JobRecord | null {
  const jobId = kv.get('JobId');
  const state = kv.get('JobState');
  if (!jobId || !state) return null;
  const arrayJobId = kv.get('ArrayJobId');
  const arrayTaskId = kv.get('ArrayTaskId');
  return {
    jobId, state: state.split(/\s/)[0]!, reason: kv.get('Reason'), exitCode: kv.get('ExitCode'),
    ...(arrayJobId && arrayJobId !== '4294967294' ? { arrayJobId } : {}),
    ...(arrayTaskId && arrayTaskId !== '4294967294' ? { arrayTaskId } : {}),
  };
}

/** What the controller knows of a job (every task of an array); null when it has no record (finished long enough ago, or never). */
export async function scontrolJob(id: string): Promise<JobRecord[] | null> {
  const r = await slurmCommand('scontrol', ['show', 'job', '-o', id]);
  if (r.code !== 0) {
    if (/invalid job id/i.test(r.stderr)) return null;
    throw new UserError(`scontrol show job ${id} failed: ${oneLine(r.stderr) || `exit code ${r.code}`}`);
  }
  return r.stdout.split('\n').map((l) => recordOf(parseKeyValues(l))).filter((x): x is JobRecord => x !== null);
}

let jobcompLoc: string | null | undefined;

/** The jobcomp text file of the cluster, when it keeps one (`JobCompType=jobcomp/filetxt`). */
async function jobcompFile(): Promise<string | null> {
  if (jobcompLoc !== undefined) return jobcompLoc;
  const r = await slurmCommand('scontrol', ['show', 'config']);
  const get = (k: string): string | undefined => r.stdout.split('\n').map((l) => l.match(new RegExp(`^${k}\\s*=\\s*(.*)$`))).find(Boolean)?.[1]?.trim();
  jobcompLoc = get('JobCompType') === 'jobcomp/filetxt' ? get('JobCompLoc') ?? null : null;
  return jobcompLoc;
}

/** Final records of finished jobs from the jobcomp file, then sacct: for the ids and array tasks the controller no longer knows. */
export async function finishedJobs(id: string): Promise<JobRecord[]> {
  const file = await jobcompFile();
  if (file && existsSync(file)) {
    const recs = readFileSync(file, 'utf8').split('\n').map((l) => recordOf(parseKeyValues(l))).filter((x): x is JobRecord => x !== null);
    const mine = recs.filter((r) => r.jobId === id || r.arrayJobId === id);
    if (mine.length > 0) return mine;
  }
  const r = await slurmCommand('sacct', ['-n', '-P', '-X', '-j', id, '-o', 'JobID,State,ExitCode']);
  if (r.code !== 0) return [];
  return r.stdout.split('\n').filter((l) => l.trim()).map((l) => {
    const [jid = '', state = '', exitCode] = l.split('|');
    const [base, task] = jid.split('_');
    return { jobId: jid, state: state.split(/\s/)[0]!, exitCode, ...(task !== undefined ? { arrayJobId: base, arrayTaskId: task } : {}) };
  });
}

/** States after which a job does nothing more. */
export const FINAL_STATES: ReadonlySet<string> = new Set([
  'COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'BOOT_FAIL', 'DEADLINE', 'PREEMPTED', 'SPECIAL_EXIT', 'REVOKED',
]);
