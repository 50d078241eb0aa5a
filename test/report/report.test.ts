import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { makeStimuli, tinyZoo } from '../helpers/runFixtures.js';
import { withTempDir } from '../helpers/tmp.js';
import { colourAt, luminance } from '../../src/report/colormap.js';
import { toCsv } from '../../src/io/csv.js';

const CHROMIUM = process.env.SEEDSCOPE_CHROMIUM ?? '/usr/bin/chromium';

test('colour maps get lighter monotonically (readable in grey)', () => {
  for (const map of ['viridis', 'cividis'] as const) {
    let last = -1;
    for (let i = 0; i <= 100; i++) {
      const l = luminance(colourAt(i / 100, map));
      assert.ok(l > last, `${map} at ${i}%`);
      last = l;
    }
  }
});

test('CSV quoting', () => {
  assert.equal(toCsv(['a', 'b'], [['x,y', 'say "hi"'], [1.5, null], [NaN, 'z\nw']]), 'a,b\n"x,y","say ""hi"""\n1.5,\n,"z\nw"\n');
});

test('report.html renders offline in headless Chromium with every figure and no console errors', async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`NOTICE: Chromium not found at ${CHROMIUM} (apt-get install chromium); the report was not opened in a browser`);
    process.stderr.write(`# NOTICE: report browser test skipped: no Chromium at ${CHROMIUM}\n`);
    return;
  }
  await withTempDir(async (dir) => {
    const out = join(dir, 'out');
    const r = await runCli(['run', '--zoo', tinyZoo, '--stimuli', makeStimuli(dir), '--permutations', '19', '--bootstrap', '20', '-o', out, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('request', (req) => { if (!req.url().startsWith('file:') && !req.url().startsWith('data:')) requests.push(req.url()); });
      await page.goto(pathToFileURL(join(out, 'report.html')).href, { waitUntil: 'load' });
      const figures = await page.$$eval('figure', (els) => els.map((f) => {
        const img = f.querySelector('img');
        const svg = f.querySelector('svg');
        const box = (img ?? svg)?.getBoundingClientRect();
        return {
          id: f.id,
          kind: img ? 'img' : svg ? 'svg' : 'none',
          ok: img ? img.complete && img.naturalWidth > 0 : svg ? svg.querySelectorAll('*').length > 5 : false,
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          caption: f.querySelector('figcaption')?.textContent ?? '',
        };
      }));
      assert.ok(figures.length >= 7, `figures: ${figures.map((f) => f.id).join(', ')}`);
      for (const f of figures) {
        assert.ok(f.ok, `figure ${f.id} (${f.kind}) is empty`);
        assert.ok(f.width > 50 && f.height > 50, `figure ${f.id} is ${f.width} × ${f.height}`);
        assert.ok(f.caption.length > 20, `figure ${f.id} has a caption`);
      }
      // images inside the RDM heatmap SVG decode too
      const embedded = await page.$$eval('svg image', (els) => els.length);
      assert.ok(embedded >= 2);
      const tables = await page.$$eval('table', (els) => els.length);
      assert.ok(tables >= 4);
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, [], 'the report fetches nothing');
    } finally {
      await browser.close();
    }
  });
});

test('seedscope bench --baseline exits 1 naming every figure slower than the tolerance', () => withTempDir(async (dir) => {
  const baseline = join(dir, 'prev.json');
  // an impossibly fast earlier result: everything now is slower
  writeFileSync(baseline, JSON.stringify({ format: 'seedscope-bench/1', results: { compare: { seconds_min: 1e-9, seconds_median: 1e-9 } } }));
  const r = await runCli(['bench', '--only', 'compare', '--baseline', baseline, '--tolerance', '0.10']);
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout) as { runs: { results: { compare: { seconds_min: number } } }[]; baseline: { regressions: { figure: string }[] } };
  assert.ok(doc.runs[0]!.results.compare.seconds_min > 0);
  // the tracked figure (docs/ci.md lists them); the format-1 file is read as one repeat
  assert.deepEqual(doc.baseline.regressions.map((x) => x.figure).sort(), ['compare.seconds_min']);
  assert.match(r.stderr, /compare\.seconds_min/);
  // against itself it passes
  writeFileSync(baseline, r.stdout);
  const same = await runCli(['bench', '--only', 'compare', '--baseline', baseline, '--tolerance', '100']);
  assert.equal(same.code, 0, same.stderr);
  const bad = await runCli(['bench', '--only', 'nope']);
  assert.equal(bad.code, 1);
}));
