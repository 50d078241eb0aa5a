/**
 * `seedscope run --executor slurm`: looks up which instances still miss RDMs
 * (or predicted labels) in the shared cache, submits an array job whose tasks
 * compute them, and a dependent analysis job that runs the same command and
 * writes -o; then waits for both (or, with --no-wait, says how to attach).
 * The scripts and logs go to `<cache>/slurm/<time>-<pid>/`, and a record of
 * the submission to `<cache>/slurm/job-<analysis id>.json` for `--attach`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { jsonSyntaxMessage } from '../../io/json.js';
import { makeDirs } from '../../io/makeDirs.js';
import { isAbsolute, join, resolve } from 'node:path';
import { CancelledError, UserError } from '../../errors.js';
import { workUnits } from '../fillRdmCache.js';
import { prepareZoos, type RunOptions } from '../runPipeline.js';
import { analysisScript, jobArguments, rdmArrayScript, shares, shellQuote, splitArgs, type ScriptContext } from './batchScripts.js';
import { sbatch } from './slurmClient.js';
import { analysisLog, waitForJobs, type SubmissionRecord } from './waitForJobs.js';

export interface SlurmOptions {
  slurmArgs?: string;
  tasks?: number;
  wait: boolean;
  dryRun?: boolean;
  attach?: string;
  /** --no-wait prints a JSON document instead of lines */
  json?: boolean;
}

export interface SlurmContext {
  /** the arguments after `run`, as typed */
  argv: readonly string[];
  /** the node binary and entry point the user ran */
  node: string;
  entry: string;
  cwd: string;
  signal: AbortSignal;
  /** a line on stderr, also with --quiet */
  warn: (message: string) => void;
  /** progress and notes (stderr); absent: silent */
  say?: (line: string) => void;
  /** what goes to stdout (the dry run's scripts, --no-wait's job ids) */
  print: (text: string) => void;
}

export interface SlurmOutcome {
  /** absent after --dry-run and --no-wait */
  outputDir?: string;
  record?: SubmissionRecord;
}

/** The cache folder the jobs share: --cache is required, since every node must see it. */
function sharedCache(opts: RunOptions, cwd: string): string {
  if (typeof opts.cache !== 'string' || opts.cache === '') {
    throw new UserError('--executor slurm needs --cache DIR on a filesystem that every node sees (the array tasks and the analysis job exchange RDMs through it)', 2);
  }
  return isAbsolute(opts.cache) ? opts.cache : resolve(cwd, opts.cache);
}

function recordPath(cacheDir: string, analysisId: string): string {
  return join(cacheDir, 'slurm', `job-${analysisId}.json`);
}

/** The command that waits for a submission later. */
function attachCommand(ctx: SlurmContext, analysisId: string): string {
  return ['seedscope', 'run', ...jobArguments(ctx.argv), '--executor', 'slurm', '--attach', analysisId].map(shellQuote).join(' ');
}

export async function runOnSlurm(opts: RunOptions, so: SlurmOptions, ctx: SlurmContext): Promise<SlurmOutcome> {
  const cacheDir = sharedCache(opts, ctx.cwd);
  const waitOpts = () => ({ signal: ctx.signal, progress: ctx.say, pollMs: Number(process.env.SEEDSCOPE_SLURM_POLL_MS) || undefined });
  const wait = async (record: SubmissionRecord): Promise<void> => {
    try {
      await waitForJobs(record, waitOpts());
    } catch (err) {
      // Ctrl-C stops the waiting, not the jobs: say how to come back (before the final error line)
      if (err instanceof CancelledError) ctx.warn(`the jobs keep running; wait for them with: ${attachCommand(ctx, record.analysis)}`);
      throw err;
    }
  };
  if (so.attach !== undefined) {
    if (!/^\d+$/.test(so.attach)) throw new UserError(`--attach: expected the job id of an analysis job (digits) but received ${JSON.stringify(so.attach)}`, 2);
    const path = recordPath(cacheDir, so.attach);
    if (!existsSync(path)) throw new UserError(`--attach ${so.attach}: expected ${path}, the record of a submission with this --cache, but there is none`);
    let record: SubmissionRecord;
    try {
      record = JSON.parse(readFileSync(path, 'utf8')) as SubmissionRecord;
    } catch (err) {
      throw new UserError(`${path}: expected the JSON record of a submission but it cannot be parsed (${jsonSyntaxMessage(err)})`);
    }
    if (typeof record !== 'object' || record === null || record.format !== 'seedscope-slurm/1' || typeof record.analysis !== 'string' || typeof record.output !== 'string') {
      throw new UserError(`${path}: expected a record of format "seedscope-slurm/1" with "analysis" and "output" but it has neither (written by another program?)`);
    }
    await wait(record);
    return { outputDir: record.output, record };
  }
  const slurmArgs = splitArgs(so.slurmArgs ?? '');

  // what is missing, numbered across zoos as the array tasks' --instances are
  const prepared = await prepareZoos(opts);
  const units = workUnits(prepared, opts, cacheDir);
  const missing = units.filter((u) => !u.cached);
  const taskShares = missing.length > 0 ? shares(missing, so.tasks ?? missing.length) : [];
  const stamp = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${process.pid}`;
  const dir = join(cacheDir, 'slurm', stamp);
  const sctx: ScriptContext = { node: ctx.node, entry: ctx.entry, cwd: ctx.cwd, args: jobArguments(ctx.argv) };
  const arrayText = taskShares.length > 0 ? rdmArrayScript(sctx, taskShares.map((s) => s.map((u) => u.index)), taskShares.flat().map((u) => u.name)) : null;
  const analysisText = analysisScript(sctx);
  const arrayFile = join(dir, 'rdms.sh');
  const analysisFile = join(dir, 'analysis.sh');
  const arrayArgs = [`--array=0-${taskShares.length - 1}`, `--output=${join(dir, 'rdms-%A_%a.log')}`, ...slurmArgs];
  const analysisArgs = (arrayId: string | null): string[] => [
    ...(arrayId !== null ? [`--dependency=afterok:${arrayId}`, '--kill-on-invalid-dep=yes'] : []),
    `--output=${join(dir, 'analysis-%j.log')}`, ...slurmArgs,
  ];
  const summary = `${missing.length} of ${units.length} instances need RDMs${missing.length > 0 ? `: an array job of ${taskShares.length} task${taskShares.length === 1 ? '' : 's'}, then` : ';'} the analysis job`;

  if (so.dryRun) {
    const parts = [`# seedscope --executor slurm: ${summary} (dry run: nothing submitted)`];
    if (arrayText) parts.push(`# sbatch --parsable ${arrayArgs.map(shellQuote).join(' ')} ${shellQuote(arrayFile)}`, arrayText);
    parts.push(`# sbatch --parsable ${analysisArgs(missing.length > 0 ? 'ARRAY_JOB_ID' : null).map(shellQuote).join(' ')} ${shellQuote(analysisFile)}`, analysisText);
    ctx.print(parts.join('\n'));
    return {};
  }

  makeDirs(dir);
  if (arrayText) writeFileSync(arrayFile, arrayText, { mode: 0o755 });
  writeFileSync(analysisFile, analysisText, { mode: 0o755 });
  // the analysis is submitted right after its array: an afterok on a failed job the controller already forgot counts as met
  const arrayId = arrayText ? await sbatch(arrayArgs, arrayFile) : null;
  const analysisId = await sbatch(analysisArgs(arrayId), analysisFile);
  const record: SubmissionRecord = {
    format: 'seedscope-slurm/1', array: arrayId, tasks: taskShares.length, analysis: analysisId, dir, output: resolve(ctx.cwd, opts.output),
  };
  writeFileAtomic(recordPath(cacheDir, analysisId), JSON.stringify(record, null, 2) + '\n');
  ctx.say?.(`slurm: ${summary}: ${arrayId !== null ? `array job ${arrayId}, ` : ''}analysis job ${analysisId} (logs in ${dir})`);
  if (!so.wait) {
    if (so.json) {
      ctx.print(JSON.stringify({ ...record, analysis_log: analysisLog(record), attach: attachCommand(ctx, analysisId) }, null, 2) + '\n');
      return { record };
    }
    ctx.print([
      `array job: ${arrayId ?? 'none (every RDM is cached)'}`,
      `analysis job: ${analysisId}`,
      `log of the analysis: ${analysisLog(record)}`,
      `wait for it: ${attachCommand(ctx, analysisId)}`,
      '',
    ].join('\n'));
    return { record };
  }
  await wait(record);
  return { outputDir: record.output, record };
}
