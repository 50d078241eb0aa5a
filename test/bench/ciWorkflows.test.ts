/**
 * The CI workflows of docs/ci/ (quoted whole in docs/ci.md): valid YAML of
 * the structure GitHub Actions and GitLab CI expect, the caches and steps the
 * docs promise, every seedscope command line accepted by the real CLI, and
 * every file a later step reads written by an earlier seedscope command.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { test } from 'node:test';
import { parseDocument } from 'yaml';
import { BENCH_OUTPUT_FILES } from '../../src/cli/benchSuite.js';
import { packageRoot } from '../../src/native/addon.js';
import { parseSeedscopeLine, shellWords, type ParsedCliLine } from '../helpers/parseCliLine.js';

type Obj = Record<string, unknown>;

function loadYaml(rel: string): { text: string; doc: Obj } {
  const text = readFileSync(join(packageRoot, rel), 'utf8');
  const parsed = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  assert.deepEqual(parsed.errors.map((e) => e.message), [], `${rel} is not valid YAML`);
  assert.deepEqual(parsed.warnings.map((e) => e.message), [], `${rel}: YAML warnings`);
  const doc = parsed.toJS() as unknown;
  assert.ok(doc !== null && typeof doc === 'object' && !Array.isArray(doc), `${rel}: a mapping at the top`);
  return { text, doc: doc as Obj };
}

const asObj = (v: unknown, what: string): Obj => {
  assert.ok(v !== null && typeof v === 'object' && !Array.isArray(v), `${what} is a mapping`);
  return v as Obj;
};
const asArray = (v: unknown, what: string): unknown[] => {
  assert.ok(Array.isArray(v), `${what} is a list`);
  return v;
};

/** The seedscope command lines of a script, parsed by the real CLI. */
function seedscopeLines(script: string): ParsedCliLine[] {
  return script.split('\n').filter((l) => /(^|\s)seedscope\s/.test(l) && !l.trim().startsWith('#')).map((l) => {
    try {
      return parseSeedscopeLine(l);
    } catch (err) {
      throw new Error(`this line does not parse with seedscope's options: ${l.trim()}\n${(err as Error).message}`);
    }
  });
}

/** The files a `seedscope bench` line writes, with what each holds. */
function benchOutputs(p: ParsedCliLine): Map<string, 'smaller' | 'bigger' | 'suite'> {
  const out = new Map<string, 'smaller' | 'bigger' | 'suite'>();
  if (p.stdoutTo) out.set(posix.normalize(p.stdoutTo), p.options.format === 'github-action-benchmark' ? 'smaller' : 'suite');
  const dir = p.options.outputDir;
  if (typeof dir === 'string') {
    out.set(posix.join(dir, BENCH_OUTPUT_FILES.suite), 'suite');
    out.set(posix.join(dir, BENCH_OUTPUT_FILES.smaller), 'smaller');
    out.set(posix.join(dir, BENCH_OUTPUT_FILES.bigger), 'bigger');
  }
  return out;
}

/** Checks every suite line the way CI needs it, and returns what each writes (the same for all). */
function checkBenchLines(lines: ParsedCliLine[], where: string): Map<string, 'smaller' | 'bigger' | 'suite'> {
  const suite = lines.filter((l) => l.command === 'bench');
  assert.ok(suite.length > 0, `${where}: runs \`seedscope bench\``);
  for (const l of suite) {
    assert.equal(l.options.format, 'github-action-benchmark', `${where}: --format github-action-benchmark`);
    assert.ok((l.options.repeat as number) >= 2, `${where}: --repeat R with R ≥ 2, so the baseline rule has ranges`);
    if (l.options.normalised) assert.equal(typeof l.options.baseline, 'string', `${where}: --normalised goes with --baseline`);
  }
  const outputs = suite.map(benchOutputs);
  for (const o of outputs.slice(1)) assert.deepEqual([...o], [...outputs[0]!], `${where}: every branch writes the same files`);
  return outputs[0]!;
}

const usesOf = (steps: Obj[], action: string): Obj[] => steps.filter((s) => typeof s.uses === 'string' && s.uses.startsWith(`${action}@`));

test('docs/ci.md quotes both workflow files whole', () => {
  const md = readFileSync(join(packageRoot, 'docs', 'ci.md'), 'utf8');
  for (const f of ['docs/ci/github-benchmark.yml', 'docs/ci/gitlab-ci.yml']) {
    const text = readFileSync(join(packageRoot, f), 'utf8');
    assert.ok(md.includes('```yaml\n' + text + '```'), `docs/ci.md quotes ${f} in a yaml block, unchanged`);
  }
});

test('the GitHub Actions workflow: checkout, node, caches, npm ci, the suite, the action reading what the suite wrote', () => {
  const { doc } = loadYaml('docs/ci/github-benchmark.yml');
  assert.ok(doc.on !== undefined, 'has triggers (on:)');
  const jobs = asObj(doc.jobs, 'jobs');
  const job = asObj(jobs.benchmark, 'jobs.benchmark');
  assert.equal(typeof job['runs-on'], 'string');
  const steps = asArray(job.steps, 'steps').map((s, i) => asObj(s, `steps[${i}]`));
  for (const [i, s] of steps.entries()) {
    assert.ok((typeof s.uses === 'string') !== (typeof s.run === 'string'), `steps[${i}] has exactly one of uses and run`);
    if (typeof s.uses === 'string') assert.match(s.uses, /^[\w.-]+\/[\w.\/-]+@v\d+$/, `steps[${i}].uses pins a major version`);
  }
  const env = asObj(doc.env, 'env');
  assert.equal(usesOf(steps, 'actions/checkout').length, 1);
  const node = asObj(usesOf(steps, 'actions/setup-node')[0]?.with, 'setup-node.with');
  assert.ok(Number(String(node['node-version']).split('.')[0]) >= 20, 'Node ≥ 20');
  const cached = [...usesOf(steps, 'actions/cache'), ...usesOf(steps, 'actions/cache/restore')].map((s) => String(asObj(s.with, 'cache.with').path));
  assert.ok(cached.includes('node_modules'), 'node_modules is cached');
  // the RDM cache is $XDG_CACHE_HOME/seedscope
  assert.equal(env.XDG_CACHE_HOME, '${{ github.workspace }}/.cache');
  assert.ok(cached.includes('.cache/seedscope'), 'the RDM cache is cached');
  const runs = steps.filter((s) => typeof s.run === 'string').map((s) => s.run as string);
  assert.ok(runs.some((r) => shellWords(r).join(' ') === 'npm ci'), 'a step runs npm ci');
  const index = (pred: (s: Obj) => boolean): number => steps.findIndex(pred);
  const benchStep = index((s) => typeof s.run === 'string' && /seedscope bench/.test(s.run));
  assert.ok(benchStep > index((s) => s.run === 'npm ci'), 'the suite runs after npm ci');
  const writes = checkBenchLines(runs.flatMap(seedscopeLines), 'GitHub workflow');
  const actionSteps = usesOf(steps, 'benchmark-action/github-action-benchmark');
  const tools = actionSteps.map((s) => asObj(s.with, 'action.with'));
  assert.deepEqual(tools.map((w) => w.tool), ['customSmallerIsBetter', 'customBiggerIsBetter']);
  const names = new Set<unknown>();
  for (const w of tools) {
    const file = posix.normalize(String(w['output-file-path']));
    assert.equal(writes.get(file), w.tool === 'customSmallerIsBetter' ? 'smaller' : 'bigger', `output-file-path ${file} holds the ${String(w.tool)} array the suite wrote`);
    assert.ok(typeof w.name === 'string' && !names.has(w.name), 'each action step has a name of its own (the action keys its data by name)');
    names.add(w.name);
  }
  for (const s of actionSteps) assert.ok(steps.indexOf(s) > benchStep, 'the action reads after the suite wrote');
  // the baseline the suite reads is the one a cache step restores and a later step saves from the suite's output
  const baselines = runs.flatMap(seedscopeLines).map((l) => l.options.baseline).filter((b): b is string => typeof b === 'string');
  assert.ok(baselines.length > 0);
  for (const b of baselines) {
    const dir = posix.dirname(b);
    assert.ok(cached.includes(dir), `the baseline folder ${dir} is restored from a cache`);
    assert.ok(usesOf(steps, 'actions/cache/save').some((s) => asObj(s.with, 'save.with').path === dir), `and saved to it`);
    assert.ok(runs.some((r) => r.includes(`cp ${[...writes].find(([, k]) => k === 'suite')![0]} ${b}`)), 'from the suite document this run wrote');
  }
});

test('the GitLab CI job: image, caches, npm ci, the suite, artifacts of what it wrote', () => {
  const { doc } = loadYaml('docs/ci/gitlab-ci.yml');
  const job = asObj(doc.benchmark, 'benchmark job');
  assert.ok(asArray(doc.stages, 'stages').includes(job.stage), 'the job\'s stage is declared');
  assert.match(String(job.image), /^node:(2\d|[3-9]\d)/, 'a Node ≥ 20 image');
  const vars = asObj(job.variables, 'variables');
  assert.equal(vars.XDG_CACHE_HOME, '$CI_PROJECT_DIR/.cache');
  const caches = asArray(job.cache, 'cache').map((c, i) => asObj(c, `cache[${i}]`));
  const paths = caches.flatMap((c) => asArray(c.paths, 'cache paths').map(String));
  assert.ok(paths.includes('node_modules/'));
  assert.ok(paths.includes('.cache/seedscope/'), 'the RDM cache ($XDG_CACHE_HOME/seedscope)');
  for (const c of caches) if (c.policy !== undefined) assert.match(String(c.policy), /^(pull|push|pull-push|\$\w+)$/);
  const script = asArray(job.script, 'script').map(String);
  assert.ok(script.some((l) => /(^|\s)npm ci(\s|;|$)/.test(l)), 'npm ci');
  const lines = script.flatMap(seedscopeLines);
  const writes = checkBenchLines(lines, 'GitLab job');
  const artifacts = asArray(asObj(job.artifacts, 'artifacts').paths, 'artifacts.paths').map(String);
  for (const file of writes.keys()) assert.ok(artifacts.some((a) => file.startsWith(a.endsWith('/') ? a : a + '/') || file === a), `${file} is kept as an artifact`);
  for (const b of lines.map((l) => l.options.baseline).filter((x): x is string => typeof x === 'string')) {
    assert.ok(paths.includes(posix.dirname(b) + '/'), `the baseline ${b} comes from a cache`);
  }
});

test('the line parser rejects what the CLI rejects', () => {
  assert.throws(() => parseSeedscopeLine('npx seedscope bench --format xml'), /Expected one of json\|github-action-benchmark/);
  assert.throws(() => parseSeedscopeLine('npx seedscope bench --repeat 0'), /Expected an integer in \[1, 100\]/);
  assert.throws(() => parseSeedscopeLine('npx seedscope bench --no-such-option'), /unknown option/);
  const p = parseSeedscopeLine('npx seedscope bench --repeat 3 --format github-action-benchmark --output-dir out > "a b.json" # note');
  assert.equal(p.command, 'bench');
  assert.equal(p.options.repeat, 3);
  assert.equal(p.stdoutTo, 'a b.json');
  // the suite's --repeat and the rdm benchmark's --repeat stay apart
  assert.equal(parseSeedscopeLine('seedscope bench rdm --repeat 7').options.repeat, 7);
  assert.equal(parseSeedscopeLine('seedscope bench rdm --repeat 7').command, 'bench rdm');
});
