/**
 * `-o` never destroys what is not seedscope's: a folder is replaced only when
 * it is empty or a complete seedscope output (its .seedscope-output marker
 * lists every file in it); a single-file output never replaces a device, a
 * folder or a link; impossible output paths (/proc/…) fail at once.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeNpy } from '../../src/io/npy.js';
import { isOneLineError, runCli } from '../helpers/cli.js';
import { makeStimuli, tinyZoo } from '../helpers/runFixtures.js';
import { withTempDir } from '../helpers/tmp.js';

const FAST = ['--permutations', '0', '--bootstrap', '0', '--threads', '2', '--no-cache', '--quiet'];
const NOT_OURS = /^seedscope: -o .* exists and is not a seedscope output \(.*\); choose a new folder or remove it\n$/;

/** Every file under dir with its content, for "left exactly as it was". */
function snapshot(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    const st = lstatSync(join(dir, rel));
    if (st.isDirectory()) Object.assign(out, snapshot(dir, rel));
    else out[rel] = st.isSymbolicLink() ? 'link' : readFileSync(join(dir, rel), 'utf8');
  }
  return out;
}

function noStaging(dir: string): void {
  assert.deepEqual(readdirSync(dir).filter((e) => e.includes('.partial-') || e.includes('.tmp-')), []);
}

test('run -o: a folder of the user\'s (.git/ and .env; a foreign results.json and thesis.docx) is refused and left as it was', () => withTempDir(async (dir) => {
  const stimuli = makeStimuli(dir, 24, 3);
  const repo = join(dir, 'repo');
  mkdirSync(join(repo, '.git'), { recursive: true });
  writeFileSync(join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(repo, '.env'), 'SECRET=1\n');
  const thesis = join(dir, 'thesis');
  mkdirSync(thesis);
  writeFileSync(join(thesis, 'results.json'), '{"mine": true}\n');
  writeFileSync(join(thesis, 'thesis.docx'), 'chapter 1');
  for (const target of [repo, thesis]) {
    const before = snapshot(target);
    const r = await runCli(['run', '--zoo', tinyZoo, '--stimuli', stimuli, ...FAST, '-o', target]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, NOT_OURS);
    assert.deepEqual(snapshot(target), before);
  }
  noStaging(dir);
}));

test('run -o: an earlier complete output is replaced; one with a file added, or a link inside, is refused; an empty folder is used', () => withTempDir(async (dir) => {
  const stimuli = makeStimuli(dir, 24, 3);
  const out = join(dir, 'out');
  mkdirSync(out); // empty: may be used
  const first = await runCli(['run', '--zoo', tinyZoo, '--stimuli', stimuli, ...FAST, '-o', out]);
  assert.equal(first.code, 0, first.stderr);
  const marker = JSON.parse(readFileSync(join(out, '.seedscope-output'), 'utf8')) as { format: string; kind: string; complete: boolean; files: string[]; version: string };
  assert.equal(marker.format, 'seedscope-output/1');
  assert.equal(marker.kind, 'run');
  assert.equal(marker.complete, true);
  assert.ok(marker.files.includes('results.json') && marker.files.includes('report.html'), marker.files.join(','));
  assert.match(marker.version, /^\d+\.\d+\.\d+/);

  // an earlier seedscope output: replaced
  writeFileSync(join(out, 'results.json'), '{"earlier": true}\n'); // a listed file, changed: still ours
  const second = await runCli(['run', '--zoo', tinyZoo, '--stimuli', stimuli, ...FAST, '-o', out]);
  assert.equal(second.code, 0, second.stderr);
  assert.notEqual(readFileSync(join(out, 'results.json'), 'utf8'), '{"earlier": true}\n');

  // the user added a file: refused, the file survives
  writeFileSync(join(out, 'figures', 'thesis.docx'), 'mine');
  const added = await runCli(['run', '--zoo', tinyZoo, '--stimuli', stimuli, ...FAST, '-o', out]);
  assert.equal(added.code, 1);
  assert.match(added.stderr, NOT_OURS);
  assert.match(added.stderr, /figures\/thesis\.docx, which seedscope did not write/);
  assert.equal(readFileSync(join(out, 'figures', 'thesis.docx'), 'utf8'), 'mine');

  // a symbolic link inside: refused, never followed
  const outside = join(dir, 'precious');
  mkdirSync(outside);
  writeFileSync(join(outside, 'data.txt'), 'keep');
  const out2 = join(dir, 'out2');
  assert.equal((await runCli(['run', '--zoo', tinyZoo, '--stimuli', stimuli, ...FAST, '-o', out2])).code, 0);
  symlinkSync(outside, join(out2, 'figures', 'link'));
  const linked = await runCli(['run', '--zoo', tinyZoo, '--stimuli', stimuli, ...FAST, '-o', out2]);
  assert.equal(linked.code, 1);
  assert.match(linked.stderr, NOT_OURS);
  assert.equal(readFileSync(join(outside, 'data.txt'), 'utf8'), 'keep');

  // -o itself a symbolic link to a seedscope output: refused, neither the link nor its target touched
  const viaLink = join(dir, 'via-link');
  symlinkSync(join(dir, 'out'), viaLink);
  const before = snapshot(out);
  const l = await runCli(['run', '--zoo', tinyZoo, '--stimuli', stimuli, ...FAST, '-o', viaLink]);
  assert.equal(l.code, 1);
  assert.ok(isOneLineError(l.stderr), l.stderr);
  assert.match(l.stderr, /is a symbolic link/);
  assert.ok(lstatSync(viaLink).isSymbolicLink());
  assert.deepEqual(snapshot(out), before);
  noStaging(dir);
}));

test('extract -o and zoo synth -o refuse a folder without the marker too', () => withTempDir(async (dir) => {
  const stimuli = makeStimuli(dir, 24, 3);
  const target = join(dir, 'work');
  mkdirSync(join(target, '.git'), { recursive: true });
  writeFileSync(join(target, '.env'), 'x');
  const e = await runCli(['extract', '--zoo', tinyZoo, '--stimuli', stimuli, '--quiet', '-o', target]);
  assert.equal(e.code, 1);
  assert.match(e.stderr, NOT_OURS);
  const z = await runCli(['zoo', 'synth', '--from', join(tinyZoo, 'seed0.onnx'), '--instances', '2', '--quiet', '-o', target]);
  assert.equal(z.code, 1);
  assert.match(z.stderr, NOT_OURS);
  assert.deepEqual(readdirSync(target).sort(), ['.env', '.git']);
  // and their own outputs carry the marker and are replaced
  const ex = join(dir, 'ex');
  for (let k = 0; k < 2; k++) assert.equal((await runCli(['extract', '--zoo', tinyZoo, '--stimuli', stimuli, '--quiet', '-o', ex])).code, 0);
  assert.equal((JSON.parse(readFileSync(join(ex, '.seedscope-output'), 'utf8')) as { kind: string }).kind, 'extract');
  noStaging(dir);
}));

test('rdm -o never replaces a device (like /dev/full), a folder, a fifo or a link', () => withTempDir(async (dir) => {
  const acts = join(dir, 'acts.npy');
  writeNpy(acts, Float32Array.from({ length: 40 }, (_, i) => Math.sin(i)), [8, 5]);
  const folder = join(dir, 'folder.npy');
  mkdirSync(folder);
  const fifo = join(dir, 'fifo.npy');
  const haveFifo = spawnSync('mkfifo', [fifo]).status === 0;
  const link = join(dir, 'link.npy');
  writeFileSync(join(dir, 'real.npy'), 'real');
  symlinkSync(join(dir, 'real.npy'), link);
  const targets: [string, RegExp][] = [[folder, /is a folder/], [link, /is a symbolic link/]];
  if (haveFifo) targets.push([fifo, /is not a regular file/]);
  // a character device like /dev/full (1, 7), made in the temporary folder so that a
  // regression cannot replace the machine's own; needs root (CAP_MKNOD), else skipped
  const device = join(dir, 'full.npy');
  const haveDevice = spawnSync('mknod', [device, 'c', '1', '7']).status === 0;
  if (haveDevice) targets.push([device, /is a device/]);
  for (const [target, message] of targets) {
    const r = await runCli(['rdm', acts, '--quiet', '-o', target]);
    assert.equal(r.code, 1, `${target}: ${r.stderr}`);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    assert.match(r.stderr, message);
  }
  assert.ok(statSync(folder).isDirectory());
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(readFileSync(join(dir, 'real.npy'), 'utf8'), 'real');
  if (haveFifo) assert.ok(lstatSync(fifo).isFIFO());
  if (haveDevice) assert.ok(lstatSync(device).isCharacterDevice());
  // a regular file is replaced, as before
  const plain = join(dir, 'plain.npy');
  writeFileSync(plain, 'old');
  assert.equal((await runCli(['rdm', acts, '--quiet', '-o', plain])).code, 0);
  assert.notEqual(readFileSync(plain, 'utf8'), 'old');
  assert.deepEqual(readdirSync(dir).filter((e) => e.includes('.tmp-')), []);
}));

test('impossible output paths (/proc/…) fail at once with one line', { skip: !existsSync('/proc/self') }, () => withTempDir(async (dir) => {
  const acts = join(dir, 'acts.npy');
  writeNpy(acts, Float32Array.from({ length: 40 }, (_, i) => Math.cos(i)), [8, 5]);
  const stimuli = makeStimuli(dir, 24, 3);
  const cases: string[][] = [
    ['rdm', acts, '--quiet', '-o', '/proc/newdir/x.npy'],
    ['run', '--zoo', tinyZoo, '--stimuli', stimuli, ...FAST, '-o', '/proc/x'],
    ['extract', '--zoo', tinyZoo, '--stimuli', stimuli, '--quiet', '-o', '/proc/x'],
  ];
  for (const args of cases) {
    // before the fix these never ended (Node's recursive mkdir loops on /proc); killed after 60 s, code null
    const r = await runCli(args, { timeoutMs: 60_000 });
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    assert.match(r.stderr, /\/proc\/.*ENOENT/);
  }
}));
