/**
 * A zoo.json whose instance file escapes the zoo folder ('..', an absolute
 * path, a symbolic link pointing out) is refused in one line unless
 * --allow-outside-zoo, and then results.json records it.
 */
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, readFileSync, realpathSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isOneLineError, runCli } from '../helpers/cli.js';
import { makeStimuli, tinyZoo } from '../helpers/runFixtures.js';
import { withTempDir } from '../helpers/tmp.js';

const FAST = ['--permutations', '0', '--bootstrap', '0', '--threads', '2', '--no-cache', '--quiet'];

interface Manifest { instances: { file: string }[] }

/** A copy of the tiny zoo at dir/name whose first instance's file is moved to `elsewhere` and named by `ref` (or linked). */
function escapingZoo(dir: string, name: string, how: 'dotdot' | 'absolute' | 'symlink'): { zoo: string; outsideFile: string } {
  const zoo = join(dir, 'zoos', name);
  cpSync(tinyZoo, zoo, { recursive: true });
  const elsewhere = join(dir, 'somewhere', 'else');
  mkdirSync(elsewhere, { recursive: true });
  const outsideFile = join(elsewhere, `${name}.onnx`);
  copyFileSync(join(zoo, 'seed0.onnx'), outsideFile);
  const file = join(zoo, 'zoo.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  if (how === 'symlink') {
    unlinkSync(join(zoo, 'seed0.onnx'));
    symlinkSync(outsideFile, join(zoo, 'seed0.onnx'));
  } else {
    unlinkSync(join(zoo, 'seed0.onnx'));
    m.instances[0]!.file = how === 'dotdot' ? `../../somewhere/else/${name}.onnx` : outsideFile;
  }
  writeFileSync(file, JSON.stringify(m, null, 2));
  return { zoo, outsideFile };
}

for (const how of ['dotdot', 'absolute', 'symlink'] as const) {
  test(`an instance file outside the zoo folder (${how}) is refused unless --allow-outside-zoo, then recorded`, () => withTempDir(async (dir) => {
    const stimuli = makeStimuli(dir, 24, 3);
    const { zoo, outsideFile } = escapingZoo(dir, `z-${how}`, how);
    const out = join(dir, 'out');
    const r = await runCli(['run', '--zoo', zoo, '--stimuli', stimuli, ...FAST, '-o', out]);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    assert.match(r.stderr, /zoo\.json: instances\[0\]\.file: .* resolves to .*, outside the zoo folder .*--allow-outside-zoo/);
    const e = await runCli(['extract', '--zoo', zoo, '--stimuli', stimuli, '--quiet', '-o', join(dir, 'ex')]);
    assert.equal(e.code, 1, e.stderr);
    assert.match(e.stderr, /outside the zoo folder/);
    const l = await runCli(['layers', zoo]);
    assert.equal(l.code, 1, l.stderr);
    assert.match(l.stderr, /outside the zoo folder/);

    const ok = await runCli(['run', '--zoo', zoo, '--stimuli', stimuli, ...FAST, '--allow-outside-zoo', '-o', out]);
    assert.equal(ok.code, 0, ok.stderr);
    const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { zoo: { files_outside_zoo?: string[] }; options: { allow_outside_zoo: boolean } };
    assert.equal(doc.options.allow_outside_zoo, true);
    assert.equal(doc.zoo.files_outside_zoo?.length, 1);
    assert.equal(doc.zoo.files_outside_zoo[0], realpathSync(outsideFile));
    assert.equal((await runCli(['layers', zoo, '--allow-outside-zoo'])).code, 0);
  }));
}

test('a zoo whose files are all inside is loaded as before and results.json has no files_outside_zoo', () => withTempDir(async (dir) => {
  const stimuli = makeStimuli(dir, 24, 3);
  const zoo = join(dir, 'zoo');
  cpSync(tinyZoo, zoo, { recursive: true });
  // a file in a sub-folder, reached through a link that stays inside, is fine
  mkdirSync(join(zoo, 'models'));
  copyFileSync(join(zoo, 'seed1.onnx'), join(zoo, 'models', 'one.onnx'));
  unlinkSync(join(zoo, 'seed1.onnx'));
  symlinkSync(join(zoo, 'models', 'one.onnx'), join(zoo, 'seed1.onnx'));
  const out = join(dir, 'out');
  const r = await runCli(['run', '--zoo', zoo, '--stimuli', stimuli, ...FAST, '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { zoo: Record<string, unknown>; options: { allow_outside_zoo: boolean } };
  assert.equal('files_outside_zoo' in doc.zoo, false);
  assert.equal(doc.options.allow_outside_zoo, false);
}));
