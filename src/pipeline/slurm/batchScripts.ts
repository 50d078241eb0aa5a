/**
 * The batch scripts of `seedscope run --executor slurm`: an array job whose
 * task i fills the cache with the RDMs of its share of the instances
 * (`run … --only-rdms --instances i,j`), and the analysis job, the user's own
 * `seedscope run` with the same arguments, which then finds every RDM cached.
 * Both call the node binary and the entry point the user ran, by absolute
 * path, from the folder the user ran it in; every argument is single-quoted.
 */
import { UserError } from '../../errors.js';

/** One word for bash: as it is when it is plainly safe, else single-quoted. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * `--slurm-args "--partition=gpu --time=01:00:00"` as words, split the way a
 * shell would: whitespace separates, single and double quotes group, a
 * backslash escapes the next character (outside single quotes).
 */
export function splitArgs(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) word += text[++i]!;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i]!;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new UserError(`--slurm-args: expected balanced quotes but received ${JSON.stringify(text)}`, 2);
  if (inWord) words.push(word);
  return words;
}

/** The options of the executor itself (with whether they take a value): not passed on to the jobs. */
const EXECUTOR_OPTIONS: ReadonlyMap<string, boolean> = new Map([
  ['--executor', true], ['--slurm-args', true], ['--tasks', true], ['--attach', true], ['--no-wait', false], ['--dry-run', false],
]);

/** The user's arguments (after `run`) without the executor's options, in their order and spelling. */
export function jobArguments(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const takesValue = EXECUTOR_OPTIONS.get(name);
    if (takesValue === undefined) {
      out.push(a);
      continue;
    }
    if (takesValue && name === a) i++; // the value is the next word
  }
  return out;
}

/** Splits `units` into `tasks` contiguous shares as even as they go (no share empty). */
export function shares<T>(units: readonly T[], tasks: number): T[][] {
  const t = Math.max(1, Math.min(tasks, units.length));
  return Array.from({ length: t }, (_, i) => units.slice(Math.floor((i * units.length) / t), Math.floor(((i + 1) * units.length) / t)));
}

export interface ScriptContext {
  /** the node binary and the seedscope entry point, absolute */
  node: string;
  entry: string;
  /** the folder the user ran the command in */
  cwd: string;
  /** the user's arguments after `run`, without the executor's options */
  args: readonly string[];
}

function commandLine(ctx: ScriptContext, extra: readonly string[]): string {
  return [ctx.node, ctx.entry, 'run', ...ctx.args, ...extra].map(shellQuote).join(' ');
}

/** The array job: task i computes the RDMs of the instances in `taskInstances[i]` (numbers across zoos). */
export function rdmArrayScript(ctx: ScriptContext, taskInstances: readonly (readonly number[])[], names: readonly string[]): string {
  const lines = [
    '#!/bin/bash',
    `# seedscope: the RDMs of ${names.length} instance${names.length === 1 ? '' : 's'} into the cache, in ${taskInstances.length} array task${taskInstances.length === 1 ? '' : 's'}`,
    '#SBATCH --job-name=seedscope-rdms',
    '# (sbatch gets --array, --output and the --slurm-args on its command line)',
    'set -eu',
    `cd ${shellQuote(ctx.cwd)}`,
    'case "${SLURM_ARRAY_TASK_ID:?seedscope: not an array task}" in',
  ];
  let at = 0;
  for (const [i, share] of taskInstances.entries()) {
    const who = share.map((_, k) => names[at + k]).join(' ');
    at += share.length;
    lines.push(`  ${i}) instances=${share.join(',')} ;; # ${who.replace(/[\r\n]/g, ' ')}`);
  }
  lines.push(
    '  *) echo "seedscope: no instances for array task $SLURM_ARRAY_TASK_ID" >&2; exit 1 ;;',
    'esac',
    `exec ${commandLine(ctx, ['--only-rdms', '--instances'])} "$instances"`,
    '',
  );
  return lines.join('\n');
}

/** The analysis job: the user's command as typed (without the executor's options), reading every RDM from the cache. */
export function analysisScript(ctx: ScriptContext): string {
  return [
    '#!/bin/bash',
    '# seedscope: the analysis, from the RDMs in the cache, writing -o',
    '#SBATCH --job-name=seedscope-analysis',
    '# (sbatch gets --output, --dependency and the --slurm-args on its command line)',
    'set -eu',
    `cd ${shellQuote(ctx.cwd)}`,
    `exec ${commandLine(ctx, [])}`,
    '',
  ].join('\n');
}
