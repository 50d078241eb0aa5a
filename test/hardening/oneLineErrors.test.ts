import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { ProgressBar } from '../../src/cli/progressBar.js';
import { exitCodeFor } from '../../src/cli/program.js';
import { reopenStderr, warn } from '../../src/cli/output.js';
import { UserError } from '../../src/errors.js';
import { isOneLineError, runCli } from '../helpers/cli.js';
import { tinyZoo } from '../helpers/runFixtures.js';
import { withTempDir } from '../helpers/tmp.js';

test('after the error line nothing more reaches stderr: no progress, no warning', () => {
  const written: string[] = [];
  const real = process.stderr.write;
  process.stderr.write = ((chunk: string) => { written.push(String(chunk)); return true; }) as typeof process.stderr.write;
  try {
    const bar = new ProgressBar('rdm', true);
    bar.update(5, 10);
    assert.equal(exitCodeFor(new UserError('x.npy: broken')), 1);
    // native progress callbacks still queued when the promise rejected
    bar.update(10, 10);
    bar.done();
    warn('late');
  } finally {
    process.stderr.write = real;
    reopenStderr();
  }
  assert.equal(written[written.length - 1], 'seedscope: x.npy: broken\n', JSON.stringify(written));
  assert.equal(written.filter((w) => w.startsWith('rdm')).length, 1);
});

test('messages of libraries that span lines (libvips on a corrupt JPEG, V8 on broken JSON) become one line', () => withTempDir(async (dir) => {
  const images = join(dir, 'images', 'a');
  mkdirSync(images, { recursive: true });
  mkdirSync(join(dir, 'images', 'b'));
  const raw = Buffer.alloc(20 * 20 * 3, 90);
  const jpeg = await sharp(raw, { raw: { width: 20, height: 20, channels: 3 } }).jpeg().toBuffer();
  // a broken Huffman table: libvips repeats its complaint on several lines
  const bad = Buffer.from(jpeg);
  const dht = bad.indexOf(Buffer.from([0xff, 0xc4]));
  for (let i = dht + 5; i < dht + 25; i++) bad[i] = 0xff;
  writeFileSync(join(images, 'x.jpg'), bad);
  writeFileSync(join(dir, 'images', 'b', 'y.jpg'), jpeg);
  const r = await runCli(['extract', '--zoo', tinyZoo, '--stimuli', `dir:${join(dir, 'images')}`, '-o', join(dir, 'out'), '--quiet']);
  assert.equal(r.code, 1, r.stderr);
  assert.ok(isOneLineError(r.stderr), JSON.stringify(r.stderr));
  assert.match(r.stderr, /x\.jpg: cannot decode the image/);

  const zoo = join(dir, 'zoo');
  cpSync(tinyZoo, zoo, { recursive: true });
  const text = readFileSync(join(zoo, 'zoo.json'), 'latin1');
  writeFileSync(join(zoo, 'zoo.json'), Buffer.from(text.replace('"tiny-cnn"', '\n\x01\x02"tiny-cnn"'), 'latin1'));
  const z = await runCli(['layers', zoo]);
  assert.equal(z.code, 1, z.stderr);
  assert.ok(isOneLineError(z.stderr), JSON.stringify(z.stderr));
  assert.match(z.stderr, /zoo\.json: expected JSON but it cannot be parsed \(unexpected character "\\x01"\)/);
}));
