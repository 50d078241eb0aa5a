/**
 * The RDM heatmap grid (src/report/rdmHeatmap.ts rdmGrid): its PNG is drawn
 * directly, not rasterised from the SVG: twice the SVG's size, each panel's
 * pixels enlarged without smoothing where the SVG places its image, the
 * colour bar from 0 (bottom) to 100 (top), and the text over it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { colourAt } from '../../src/report/colormap.js';
import { classOrder, rdmGrid, rdmPixels } from '../../src/report/rdmHeatmap.js';
import { TestRng } from '../helpers/random.js';

test('rdmGrid: the PNG is the SVG\'s picture at twice its size, panels and colour bar in place', async () => {
  const rng = new TestRng(3);
  const n = 40;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
  const panels = [0, 1].map((p) => ({ title: `panel ${p}`, condensed: Float64Array.from({ length: (n * (n - 1)) / 2 }, () => rng.next()) }));
  const { svg, png } = await rdmGrid(panels, 2, n, labels, ['a', 'b', 'c', 'd'], 'title & more');
  assert.match(svg, /title &amp; more/);
  const [, width, height] = svg.match(/width="(\d+)" height="(\d+)"/)!.map(Number);
  const { data, info } = await sharp(await png).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.width, 2 * width!);
  assert.equal(info.height, 2 * height!);
  const pixel = (x: number, y: number): number[] => {
    const at = info.channels * (y * info.width + x);
    return [data[at]!, data[at + 1]!, data[at + 2]!];
  };
  const order = classOrder(labels, n);
  for (const [p, panel] of panels.entries()) {
    const image = [...svg.matchAll(/<image x="(\d+)" y="(\d+)" width="(\d+)"/g)][p]!;
    const [x, y, side] = [Number(image[1]), Number(image[2]), Number(image[3])];
    const px = await rdmPixels(panel.condensed, n, order, n);
    // the middle of source pixel (i, j), twice enlarged
    for (const [i, j] of [[0, 0], [5, 17], [n - 1, n - 1], [30, 2]] as const) {
      const at = 3 * (i * n + j);
      const cx = Math.floor(2 * (x + ((j + 0.5) * side) / n));
      const cy = Math.floor(2 * (y + ((i + 0.5) * side) / n));
      assert.deepEqual(pixel(cx, cy), [px[at]!, px[at + 1]!, px[at + 2]!], `panel ${p} pixel ${i},${j}`);
    }
  }
  const bar = svg.match(/<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)" fill="url\(#bar\)"\/>/)!.slice(1).map(Number);
  const [bx, by, bw, bh] = bar as [number, number, number, number];
  const near = (a: number[], b: readonly number[]): boolean => a.every((v, k) => Math.abs(v - b[k]!) <= 3);
  assert.ok(near(pixel(2 * bx + bw, 2 * by + 1), colourAt(1)), 'top of the bar: 100');
  assert.ok(near(pixel(2 * bx + bw, 2 * (by + bh) - 2), colourAt(0)), 'bottom of the bar: 0');
  // the title is drawn over the white page
  let dark = 0;
  for (let x = 20; x < 300; x++) for (let y = 24; y < 50; y++) if (pixel(x, y)[0]! < 128) dark++;
  assert.ok(dark > 50, 'title text in the PNG');
});
