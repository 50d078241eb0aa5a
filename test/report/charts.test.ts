/**
 * The charts written as SVG (src/report/charts.ts, svgChart.ts): round ticks;
 * every mark where its value puts it and in its colour; lines broken at a
 * missing value; names escaped; legends; and each SVG rasterised by librsvg
 * (the PNG path of the figures) at twice its size with the marks' colours
 * where the SVG draws them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { behaviourChart, layerLines, matrixPanels, trajectories, type LayerPoint, type MatrixCell } from '../../src/report/charts.js';
import { colourAt, hexToRgb, rgbToHex } from '../../src/report/colormap.js';
import { svgToPng } from '../../src/report/render.js';
import { labelStride, niceTicks } from '../../src/report/svgChart.js';

const num = (s: string | undefined): number => Number(s);

function size(svg: string): [number, number] {
  const m = svg.match(/<svg [^>]*width="(\d+)" height="(\d+)"/)!;
  return [num(m[1]), num(m[2])];
}

async function pixelsOf(svg: string): Promise<(x: number, y: number) => number[]> {
  const { data, info } = await sharp(await svgToPng(svg)).raw().toBuffer({ resolveWithObject: true });
  const [w, h] = size(svg);
  assert.equal(info.width, 2 * w);
  assert.equal(info.height, 2 * h);
  return (x, y) => {
    const at = info.channels * (Math.round(2 * y) * info.width + Math.round(2 * x));
    return [data[at]!, data[at + 1]!, data[at + 2]!];
  };
}

const near = (a: number[], b: number[], tol = 3): boolean => a.every((v, i) => Math.abs(v - b[i]!) <= tol);

test('niceTicks: steps of 1, 2 or 5 × 10^k, the domain widened to them, digits that tell them apart', () => {
  assert.deepEqual(niceTicks(0, 1, 5, false), { lo: 0, hi: 1, values: [0, 0.2, 0.4, 0.6, 0.8, 1], digits: 1 });
  const t = niceTicks(-0.157, 0.291, 6);
  assert.deepEqual([t.lo, t.hi, t.digits], [-0.2, 0.3, 1]);
  assert.deepEqual(t.values.map((v) => v.toFixed(1)), ['-0.2', '-0.1', '0.0', '0.1', '0.2', '0.3']);
  const u = niceTicks(0.9234, 0.9459, 5, false);
  assert.equal(u.digits, 3);
  assert.ok(u.values.every((v) => v >= 0.9234 && v <= 0.9459) && u.values.length >= 3);
  assert.deepEqual(niceTicks(3, 3, 5).values.length > 1, true, 'an empty domain is widened');
  assert.deepEqual(niceTicks(Number.NaN, 1, 5, false).values, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.equal(labelStride(20, 8), 1);
  assert.equal(labelStride(2.2, 8), 5, 'a 100-instance matrix labels every fifth');
});

test('layerLines: each point at its layer and value, the line broken at a missing value, the band, legend and escaping', async () => {
  const layers = ['conv1', 'conv2', 'conv3', 'out<1>'];
  const rows: LayerPoint[] = [
    { series: 'zoo & co', layer: 'conv1', order: 0, value: 0.9, lo: 0.85, hi: 0.95 },
    { series: 'zoo & co', layer: 'conv2', order: 1, value: 0.5, lo: 0.4, hi: 0.6 },
    { series: 'zoo & co', layer: 'conv3', order: 2, value: null, lo: null, hi: null },
    { series: 'zoo & co', layer: 'out<1>', order: 3, value: 0.25, lo: 0.2, hi: 0.3 },
    { series: 'other', layer: 'conv1', order: 0, value: 0.1 },
    { series: 'other', layer: 'out<1>', order: 3, value: 0 },
  ];
  const svg = layerLines(rows, layers, { title: 'T & t', yTitle: 'mean r²', seriesTitle: 'zoo' });
  assert.match(svg, />T &amp; t</);
  assert.match(svg, />zoo &amp; co</);
  assert.match(svg, />out&lt;1&gt;</);
  const dots = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="3" fill="(#[0-9a-f]{6})"><title>([^<]*)<\/title>/g)];
  assert.equal(dots.length, 5, 'a dot per finite value');
  const [d0, d1, d3] = dots;
  // layers are equally spaced; values on [0, 1] map linearly (0.9 − 0.5 is 0.4 of the plot height, 0.5 − 0.25 is 0.25 of it)
  const dx = num(d1![1]) - num(d0![1]);
  assert.ok(Math.abs(num(d3![1]) - num(d0![1]) - 3 * dx) < 0.02);
  const height = (num(d1![2]) - num(d0![2])) / 0.4;
  assert.ok(Math.abs(num(d3![2]) - num(d1![2]) - 0.25 * height) < 0.02);
  assert.equal(d0![4], 'zoo &amp; co · conv1: 0.900 [0.850, 0.950]');
  // the first series' line is broken at conv3: two polylines, one of two points and one of one
  const lines = [...svg.matchAll(/<polyline points="([^"]+)" fill="none" stroke="(#[0-9a-f]{6})"/g)];
  assert.deepEqual(lines.map((l) => l[1]!.split(' ').length), [2, 1, 2]);
  assert.equal((svg.match(/<polygon /g) ?? []).length, 2, 'the band broken there too');
  assert.match(svg, /stroke-dasharray="6,3"/, 'the second series is dashed');
  // rasterised: the first dot in its colour where the SVG puts it
  const at = await pixelsOf(svg);
  assert.ok(near(at(num(d0![1]), num(d0![2])), hexToRgb(d0![3]!)));
});

test('matrixPanels: a cell per finite value in its place and colour, none for null, labels thinned when dense', async () => {
  const inst = ['a', 'b', 'c'];
  const cells: MatrixCell[] = [];
  for (const panel of ['L1', 'L2']) for (const [i, x] of inst.entries()) for (const [j, y] of inst.entries()) cells.push({ panel, a: x, b: y, value: i === j ? null : (i + j) / 4 });
  const svg = matrixPanels(cells, ['L1', 'L2'], inst, { title: 'M', legend: 'r²' });
  const rects = [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="[\d.]+" fill="(#[0-9a-f]{6})"><title>([^<]*)<\/title>/g)];
  assert.equal(rects.length, 12, 'six off-diagonal cells per panel');
  const ab = rects.find((r) => r[5] === 'L1: a · b: 0.250')!;
  const ba = rects.find((r) => r[5] === 'L1: b · a: 0.250')!;
  assert.equal(ab[4], rgbToHex(colourAt(0.25)));
  assert.equal(num(ab[1]) - num(ba[1]), -num(ab[3]), 'a is the column');
  assert.equal(num(ab[2]) - num(ba[2]), num(ab[3]), 'b is the row');
  assert.match(svg, /<linearGradient id="bar-[0-9a-z]+"/);
  const at = await pixelsOf(svg);
  const w = num(ab[3]);
  assert.ok(near(at(num(ab[1]) + w / 2, num(ab[2]) + w / 2), hexToRgb(ab[4]!)));
  // 100 instances: no per-cell tooltips, every fifth label
  const many = Array.from({ length: 100 }, (_, i) => `s${i}`);
  const big = matrixPanels([{ panel: 'L', a: 's0', b: 's1', value: 0.5 }], ['L'], many, { title: 'M', legend: 'r²' });
  assert.doesNotMatch(big, /<title>/);
  assert.ok(big.includes('>s5<') && !big.includes('>s4<'));
});

test('trajectories: a path per instance through its layers in order, dots coloured by layer, group colours and legend', async () => {
  const layers = ['l1', 'l2', 'l3'];
  const pts = [
    { instance: 'i1', layer: 'l3', order: 2, x: 1, y: 1, group: 'cnn' },
    { instance: 'i1', layer: 'l1', order: 0, x: -1, y: 0, group: 'cnn' },
    { instance: 'i1', layer: 'l2', order: 1, x: 0, y: 0.5, group: 'cnn' },
    { instance: 'i2', layer: 'l1', order: 0, x: -1, y: -1, group: 'vit' },
    { instance: 'i2', layer: 'l2', order: 1, x: Number.NaN, y: 0, group: 'vit' },
  ];
  const svg = trajectories(pts, layers, { title: 'S', groups: ['cnn', 'vit'], groupTitle: 'architecture' });
  const lines = [...svg.matchAll(/<polyline points="([^"]+)" fill="none" stroke="(#[0-9A-Fa-f]{6})"/g)];
  assert.equal(lines.length, 2);
  const path = lines[0]![1]!.split(' ').map((p) => p.split(',').map(Number));
  assert.equal(path.length, 3);
  assert.ok(path[0]![0]! < path[1]![0]! && path[1]![0]! < path[2]![0]!, 'in layer order, x rising');
  assert.ok(path[0]![1]! > path[2]![1]!, 'y up');
  assert.notEqual(lines[0]![2], lines[1]![2], 'each architecture its colour');
  const dots = [...svg.matchAll(/<circle cx="[\d.]+" cy="[\d.]+" r="[\d.]+" fill="(#[0-9a-f]{6})" stroke="#333" stroke-width="0.5"><title>([^<]*)</g)];
  assert.equal(dots.length, 4, 'a dot per finite point');
  assert.notEqual(dots.find((d) => d[2] === 'i1 · l1')![1], dots.find((d) => d[2] === 'i1 · l3')![1]);
  assert.match(svg, />architecture</);
  assert.match(svg, />MDS 1</);
  await pixelsOf(svg);
});

test('behaviourChart: accuracy dots on their own range, κ cells coloured, the diagonal left blank', async () => {
  const inst = ['s0', 's1'];
  const svg = behaviourChart([{ instance: 's0', accuracy: 0.92 }, { instance: 's1', accuracy: 0.94 }], [
    { panel: '', a: 's0', b: 's0', value: null }, { panel: '', a: 's0', b: 's1', value: 0.6 },
    { panel: '', a: 's1', b: 's0', value: 0.6 }, { panel: '', a: 's1', b: 's1', value: null },
  ], inst, 'B');
  const dots = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="[\d.]+" fill="#[0-9a-f]{6}"><title>([^<]*)</g)];
  assert.deepEqual(dots.map((d) => d[3]), ['s0: 0.9200', 's1: 0.9400']);
  assert.ok(num(dots[0]![2]) > num(dots[1]![2]), 'the higher accuracy higher up');
  const cells = [...svg.matchAll(/fill="(#[0-9a-f]{6})"><title>[^<]*κ/g)];
  assert.equal(cells.length, 2);
  assert.equal(cells[0]![1], rgbToHex(colourAt(0.6)));
  await pixelsOf(svg);
});
