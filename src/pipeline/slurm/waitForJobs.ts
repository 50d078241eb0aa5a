/**
 * Waiting for the jobs of `run --executor slurm`: the array's tasks, then the
 * analysis job. States come from `scontrol` while the controller keeps the
 * record, then from the jobcomp file or `sacct`. A failed array task ends
 * the wait at once with its id and log (the analysis job, which can never
 * start, is cancelled rather than left pending); so does an analysis job
 * whose dependency can never be met, or one that failed (with the error line
 * of its log). Progress is one stderr line per change.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CancelledError, UserError } from '../../errors.js';
import { FINAL_STATES, finishedJobs, scancel, scontrolJob, type JobRecord } from './slurmClient.js';

/** What a submission left in `<cache>/slurm/`, so that `--attach` can wait for it later. */
export interface SubmissionRecord {
  format: 'seedscope-slurm/1';
  /** the array job (null when every RDM was cached and only the analysis was submitted) */
  array: string | null;
  tasks: number;
  analysis: string;
  /** where the scripts and logs are */
  dir: string;
  /** the -o folder of the analysis, absolute */
  output: string;
}

export const arrayLog = (rec: SubmissionRecord, task: number | string): string => join(rec.dir, `rdms-${rec.array}_${task}.log`);
export const analysisLog = (rec: SubmissionRecord): string => join(rec.dir, `analysis-${rec.analysis}.log`);

/** The last `seedscope: …` line of a log (the one-line error), if any. */
function errorLine(log: string): string | null {
  try {
    const lines = readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('seedscope:'));
    return lines.at(-1) ?? null;
  } catch {
    return null;
  }
}

/** Expands an ArrayTaskId ("3", "2-4", "1,5-6%2") to task numbers. */
export function taskIds(spec: string | undefined): number[] {
  if (!spec) return [];
  const out: number[] = [];
  for (const part of spec.split('%')[0]!.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || !Number.isInteger(a)) continue;
    for (let t = a; t <= (b !== undefined && Number.isInteger(b) ? b : a); t++) out.push(t);
  }
  return out;
}

async function jobStates(id: string): Promise<JobRecord[]> {
  return (await scontrolJob(id)) ?? [];
}

export interface WaitOptions {
  signal: AbortSignal;
  /** one progress line, when what it says changes (absent: silent) */
  progress?: (line: string) => void;
  pollMs?: number;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> => new Promise((resolve) => {
  const t = setTimeout(done, ms);
  function done(): void {
    clearTimeout(t);
    signal.removeEventListener('abort', done);
    resolve();
  }
  signal.addEventListener('abort', done, { once: true });
});

/** Waits until the analysis job has finished well; throws a one-line UserError naming the job, task and log otherwise. */
export async function waitForJobs(rec: SubmissionRecord, opts: WaitOptions): Promise<void> {
  const pollMs = opts.pollMs ?? 2000;
  let said = '';
  for (;;) {
    if (opts.signal.aborted) throw new CancelledError();
    // the array's tasks: live records, then the final ones of tasks the controller forgot
    const done = new Set<number>();
    let running = 0;
    if (rec.array !== null) {
      const live = await jobStates(rec.array);
      const byTask = new Map<number, JobRecord>();
      for (const r of live) for (const t of taskIds(r.arrayTaskId)) byTask.set(t, r);
      if (byTask.size < rec.tasks) {
        for (const r of await finishedJobs(rec.array)) for (const t of taskIds(r.arrayTaskId)) if (!byTask.has(t)) byTask.set(t, r);
      }
      for (const [t, r] of [...byTask.entries()].sort((a, b) => a[0] - b[0])) {
        if (r.state === 'COMPLETED') done.add(t);
        else if (FINAL_STATES.has(r.state)) {
          await scancel(rec.analysis);
          const why = errorLine(arrayLog(rec, t));
          throw new UserError(`array task ${t} of job ${rec.array} ${r.state.toLowerCase()} (exit code ${r.exitCode ?? 'unknown'})${why ? `: ${why.replace(/^seedscope: /, '')}` : ''}; its log is ${arrayLog(rec, t)}; the analysis job ${rec.analysis} was cancelled`);
        } else if (r.state === 'RUNNING') running++;
      }
    }
    // the analysis job
    let analysis = (await jobStates(rec.analysis)).find((r) => r.jobId === rec.analysis);
    if (!analysis) analysis = (await finishedJobs(rec.analysis)).find((r) => r.jobId === rec.analysis);
    if (!analysis) {
      throw new UserError(`job ${rec.analysis} is unknown to scontrol and left no final state (jobcomp file, sacct): expected the analysis job of ${rec.dir}; its log is ${analysisLog(rec)}`);
    }
    if (analysis.state === 'COMPLETED') return;
    if (FINAL_STATES.has(analysis.state)) {
      const why = errorLine(analysisLog(rec));
      const dependency = analysis.state === 'CANCELLED' && rec.array !== null && done.size < rec.tasks ? ' (its array tasks did not all succeed)' : '';
      throw new UserError(`the analysis job ${rec.analysis} ${analysis.state.toLowerCase()}${dependency} (exit code ${analysis.exitCode ?? 'unknown'})${why ? `: ${why.replace(/^seedscope: /, '')}` : ''}; its log is ${analysisLog(rec)}`);
    }
    if (analysis.state === 'PENDING' && analysis.reason === 'DependencyNeverSatisfied') {
      await scancel(rec.analysis);
      throw new UserError(`the analysis job ${rec.analysis} can never start (DependencyNeverSatisfied: an array task of job ${rec.array} did not succeed) and was cancelled; the logs are in ${rec.dir}`);
    }
    const line = rec.array !== null
      ? `slurm: RDMs ${done.size}/${rec.tasks} tasks done${running ? `, ${running} running` : ''} (job ${rec.array}); analysis job ${rec.analysis} ${analysis.state.toLowerCase()}`
      : `slurm: analysis job ${rec.analysis} ${analysis.state.toLowerCase()}`;
    if (line !== said) opts.progress?.(line);
    said = line;
    await sleep(pollMs, opts.signal);
  }
}
