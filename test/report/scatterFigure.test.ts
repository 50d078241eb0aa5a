/**
 * The stimulus maps drawn as pixels (src/report/scatterFigure.ts): the SVG
 * has a circle per finite point and the legend, text escaped; the PNG is the
 * same picture at twice the size, each dot in its colour where the SVG puts it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { placeMap, scatterPng, scatterSvg, type MapPoint, type ScatterLayout } from '../../src/report/scatterFigure.js';

const layout: ScatterLayout = {
  title: 'maps & <more>', groupTitle: 'class', rows: ['seed0', 'seed1'], columns: ['conv1', 'logits'],
  groups: ['a', 'b&c'], colours: ['#ff0000', '#0000ff'],
};

function points(): MapPoint[] {
  const out: MapPoint[] = [];
  for (const row of layout.rows) {
    for (const column of layout.columns) {
      out.push({ row, column, x: 0, y: 0, group: 'a' }, { row, column, x: 10, y: 5, group: 'b&c' }, { row, column, x: Number.NaN, y: 1, group: 'a' });
    }
  }
  return out;
}

test('the SVG: a circle per finite point, each panel on one scale for both axes, the legend, text escaped', () => {
  const svg = scatterSvg(placeMap(points(), layout));
  const dots = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="2\.11" fill="(#[0-9a-f]{6})"\/>/g)];
  assert.equal(dots.length, 8, 'two finite points in each of four panels');
  assert.equal((svg.match(/<circle /g) ?? []).length, 8 + 2, 'and a legend dot per group');
  assert.match(svg, /maps &amp; &lt;more&gt;/);
  assert.match(svg, />b&amp;c</);
  // panel (seed0, conv1): x spans 10, y spans 5 on the same scale, so the dots are 0.9 × 190 apart in x and half that in y
  const [a, b] = dots.slice(0, 2).map((d) => [Number(d[1]), Number(d[2])]);
  assert.ok(Math.abs(b![0]! - a![0]! - 0.9 * 190) < 0.02);
  assert.ok(Math.abs(a![1]! - b![1]! - 0.45 * 190) < 0.02, 'y up, half the span');
});

test('the PNG: twice the SVG size, white where nothing is drawn, each dot in its colour where the SVG puts it', async () => {
  const svg = scatterSvg(placeMap(points(), layout));
  const png = await scatterPng(placeMap(points(), layout));
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const [, width, height] = svg.match(/width="(\d+)" height="(\d+)"/)!.map(Number);
  assert.equal(info.width, 2 * width!);
  assert.equal(info.height, 2 * height!);
  const pixel = (x: number, y: number): number[] => {
    const at = info.channels * (Math.floor(y) * info.width + Math.floor(x));
    return [data[at]!, data[at + 1]!, data[at + 2]!];
  };
  assert.deepEqual(pixel(2 * width! - 3, 2 * height! - 3), [255, 255, 255]);
  for (const d of svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="2\.11" fill="(#[0-9a-f]{6})"\/>/g)) {
    const want = d[3] === '#ff0000' ? [255, 0, 0] : [0, 0, 255];
    assert.deepEqual(pixel(2 * Number(d[1]), 2 * Number(d[2])), want, `dot at ${d[1]}, ${d[2]}`);
  }
});
