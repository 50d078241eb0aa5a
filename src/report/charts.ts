/**
 * The report's charts, each written as SVG from plain rows (svgChart.ts has
 * the axes, legends and scales). Colours come from our own perceptually
 * uniform maps, and lines also differ by dash so they survive grey printing.
 * Every mark carries a <title>, the tooltip of the inline SVG in report.html.
 */
import { colourSteps } from './colormap.js';
import {
  categoryAxisX, categoryAxisY, colourBar, frame, fx, legend, legendWidth, linear, niceTicks, rotatedLabelsHeight, Svg,
  textWidth, title, valueAxis, valueAxisX, valueColour, type LegendItem,
} from './svgChart.js';
import { escapeXml as escapeTitle } from './svgText.js';

const DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4]];

const nominalColours = (count: number, lo = 0.05, hi = 0.8): string[] => colourSteps(count, 'viridis', lo, count > 1 ? hi : lo);

const fmt = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

const TOP = 44;

export interface LayerPoint {
  series: string;
  layer: string;
  order: number;
  value: number | null;
  lo?: number | null;
  hi?: number | null;
}

/** Runs of consecutive layers where `has` holds (a line or band breaks at a missing value). */
function runs<T>(items: readonly T[], has: (t: T) => boolean): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  for (const it of items) {
    if (has(it)) cur.push(it);
    else if (cur.length) out.push(cur), (cur = []);
  }
  if (cur.length) out.push(cur);
  return out;
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/** Lines over layers on [0, 1] (one per series, each with its dash), with an interval band where lo/hi are given. */
export function layerLines(rows: LayerPoint[], layers: string[], opts: { title: string; yTitle: string; seriesTitle: string }): string {
  const series = [...new Set(rows.map((r) => r.series))];
  const colours = nominalColours(series.length);
  const items: LegendItem[] = series.map((s, i) => ({ label: s, colour: colours[i]!, mark: 'line+dot', dash: DASHES[i % DASHES.length]! }));
  const plotW = Math.max(320, 46 * layers.length);
  const plotH = 260;
  const left = 70;
  const bottom = rotatedLabelsHeight(layers, 11, -40) + 24;
  const svg = new Svg(left + plotW + 24 + legendWidth(opts.seriesTitle, items), TOP + plotH + bottom);
  title(svg, opts.title);
  const ticks = niceTicks(0, 1, 5, false);
  const y = linear(0, 1, TOP + plotH, TOP);
  const band = plotW / Math.max(1, layers.length);
  const x = (i: number): number => left + band * (i + 0.5);
  const index = new Map(layers.map((l, i) => [l, i]));
  valueAxis(svg, ticks, y, left, left + plotW, opts.yTitle);
  frame(svg, left, TOP, plotW, plotH);
  categoryAxisX(svg, layers, x, TOP + plotH, { angle: -40, room: band });
  svg.text(left + plotW / 2, TOP + plotH + bottom - 6, 'layer', { size: 12, anchor: 'middle', bold: true });

  series.forEach((s, si) => {
    const pts = rows.filter((r) => r.series === s && index.has(r.layer)).sort((a, b) => index.get(a.layer)! - index.get(b.layer)!);
    const colour = colours[si]!;
    for (const seg of runs(pts, (p) => p.lo !== undefined && p.lo !== null && p.hi !== undefined && p.hi !== null && Number.isFinite(p.lo) && Number.isFinite(p.hi))) {
      const up = seg.map((p) => `${fx(x(index.get(p.layer)!))},${fx(y(clamp01(p.hi!)))}`);
      const down = seg.slice().reverse().map((p) => `${fx(x(index.get(p.layer)!))},${fx(y(clamp01(p.lo!)))}`);
      svg.add(`<polygon points="${[...up, ...down].join(' ')}" fill="${colour}" fill-opacity="0.22"/>`);
    }
    const dash = DASHES[si % DASHES.length]!;
    const dashAttr = dash[1] ? ` stroke-dasharray="${dash.join(',')}"` : '';
    for (const seg of runs(pts, (p) => p.value !== null && Number.isFinite(p.value))) {
      svg.add(`<polyline points="${seg.map((p) => `${fx(x(index.get(p.layer)!))},${fx(y(clamp01(p.value!)))}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="2"${dashAttr}/>`);
    }
    for (const p of pts) {
      if (p.value === null || !Number.isFinite(p.value)) continue;
      const band95 = p.lo !== undefined && p.lo !== null ? ` [${fmt(p.lo)}, ${fmt(p.hi)}]` : '';
      svg.add(`<circle cx="${fx(x(index.get(p.layer)!))}" cy="${fx(y(clamp01(p.value)))}" r="3" fill="${colour}"><title>${escapeTitle(`${s} · ${p.layer}: ${fmt(p.value)}${band95}`)}</title></circle>`);
    }
  });
  legend(svg, left + plotW + 24, TOP + 4, opts.seriesTitle, items);
  return svg.toString();
}

export interface MatrixCell {
  panel: string;
  a: string;
  b: string;
  value: number | null;
}

/** Cells at most this many per side carry a tooltip each (a 100 × 100 matrix would double its file). */
const TOOLTIP_SIDE = 24;

/** K × K matrices (one panel per layer, wrapped into rows), colour = value on the domain ([0, 1] unless given). */
export function matrixPanels(cells: MatrixCell[], panels: string[], instances: string[], opts: { title: string; legend: string; columns?: number; domain?: [number, number] }): string {
  const [lo, hi] = opts.domain ?? [0, 1];
  const k = instances.length;
  const side = Math.max(110, Math.min(220, 18 * k));
  const cell = side / Math.max(1, k);
  const columns = Math.max(1, opts.columns ?? Math.min(5, panels.length));
  const rowsOfPanels = Math.ceil(panels.length / columns);
  const label = 8;
  const yLabels = Math.max(0, ...instances.map((n) => textWidth(n, label))) + 8;
  const xLabels = rotatedLabelsHeight(instances, label, -60);
  const panelW = yLabels + side + 12;
  const panelH = 18 + side + xLabels;
  const svg = new Svg(10 + columns * panelW + 70, TOP + rowsOfPanels * panelH + 10);
  title(svg, opts.title);
  const at = new Map(instances.map((n, i) => [n, i]));
  const byPanel = new Map<string, MatrixCell[]>();
  for (const c of cells) (byPanel.get(c.panel) ?? byPanel.set(c.panel, []).get(c.panel)!).push(c);
  const tips = k <= TOOLTIP_SIDE;
  panels.forEach((p, pi) => {
    const x0 = 10 + (pi % columns) * panelW + yLabels;
    const y0 = TOP + Math.floor(pi / columns) * panelH + 18;
    svg.text(x0 + side / 2, y0 - 6, p, { anchor: 'middle' });
    for (const c of byPanel.get(p) ?? []) {
      const a = at.get(c.a);
      const b = at.get(c.b);
      if (a === undefined || b === undefined || c.value === null || !Number.isFinite(c.value)) continue;
      const tip = tips ? `<title>${escapeTitle(`${p}: ${c.a} · ${c.b}: ${fmt(c.value)}`)}</title>` : '';
      svg.add(`<rect x="${fx(x0 + a * cell)}" y="${fx(y0 + b * cell)}" width="${fx(cell)}" height="${fx(cell)}" fill="${valueColour(c.value, lo, hi)}">${tip}</rect>`);
    }
    frame(svg, x0, y0, side, side);
    categoryAxisX(svg, instances, (i) => x0 + cell * (i + 0.5), y0 + side, { angle: -60, size: label, room: cell });
    categoryAxisY(svg, instances, (i) => y0 + cell * (i + 0.5), x0, { size: label, room: cell });
  });
  colourBar(svg, 10 + columns * panelW + 4, TOP + 14, opts.legend, lo, hi);
  return svg.toString();
}

/** Okabe and Ito's colour-blind-safe categorical palette (architectures' lines; the points use viridis). */
const CATEGORY_COLOURS = ['#E69F00', '#56B4E9', '#009E73', '#D55E00', '#0072B2', '#CC79A7', '#F0E442', '#000000'];

export interface TrajectoryPoint {
  instance: string;
  layer: string;
  order: number;
  x: number;
  y: number;
  /** the instance's architecture (mixed zoos): its line is coloured by it */
  group?: string;
}

/** One path per instance through its layers, points coloured by depth; with `groups`, each path coloured by its group. */
export function trajectories(points: TrajectoryPoint[], layers: string[], opts: { title: string; groups?: string[]; groupTitle?: string }): string {
  const plotW = 420;
  const plotH = 360;
  const left = 70;
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xs = finite.map((p) => p.x);
  const ys = finite.map((p) => p.y);
  // like a chart library's default, the axes include zero (MDS is centred on it)
  const tx = niceTicks(Math.min(0, ...xs), Math.max(0, ...xs), 6);
  const ty = niceTicks(Math.min(0, ...ys), Math.max(0, ...ys), 6);
  const layerColours = colourSteps(layers.length, 'viridis', 0, 0.95);
  const layerItems: LegendItem[] = layers.map((l, i) => ({ label: l, colour: layerColours[i]!, mark: 'dot', stroke: '#333' }));
  const groups = opts.groups ?? [];
  const groupColour = (g: string | undefined): string => {
    const i = g === undefined ? -1 : groups.indexOf(g);
    return i < 0 ? '#9a9a9a' : CATEGORY_COLOURS[i % CATEGORY_COLOURS.length]!;
  };
  const groupItems: LegendItem[] = groups.map((g) => ({ label: g, colour: groupColour(g), mark: 'line' }));
  const groupHeading = opts.groupTitle ?? 'group';
  const legendW = Math.max(legendWidth('layer', layerItems), groups.length ? legendWidth(groupHeading, groupItems) : 0);
  const svg = new Svg(left + plotW + 24 + legendW, Math.max(TOP + plotH + 48, TOP + 30 + 16 * (layers.length + groups.length + 3)));
  title(svg, opts.title);
  const x = linear(tx.lo, tx.hi, left, left + plotW);
  const y = linear(ty.lo, ty.hi, TOP + plotH, TOP);
  valueAxis(svg, ty, y, left, left + plotW, 'MDS 2');
  valueAxisX(svg, tx, x, TOP + plotH, TOP, 'MDS 1');
  frame(svg, left, TOP, plotW, plotH);

  const byInstance = new Map<string, TrajectoryPoint[]>();
  for (const p of finite) (byInstance.get(p.instance) ?? byInstance.set(p.instance, []).get(p.instance)!).push(p);
  for (const [, pts] of byInstance) {
    pts.sort((a, b) => a.order - b.order);
    svg.add(`<polyline points="${pts.map((p) => `${fx(x(p.x))},${fx(y(p.y))}`).join(' ')}" fill="none" stroke="${groupColour(pts[0]!.group)}" stroke-width="${groups.length ? 1.6 : 1}"/>`);
  }
  const layerIndex = new Map(layers.map((l, i) => [l, i]));
  const r = Math.sqrt(50 / Math.PI);
  for (const p of finite) {
    const li = layerIndex.get(p.layer);
    const fill = li === undefined ? '#9a9a9a' : layerColours[li]!;
    svg.add(`<circle cx="${fx(x(p.x))}" cy="${fx(y(p.y))}" r="${fx(r)}" fill="${fill}" stroke="#333" stroke-width="0.5"><title>${escapeTitle(`${p.instance} · ${p.layer}`)}</title></circle>`);
  }
  const lx = left + plotW + 24;
  const used = legend(svg, lx, TOP + 4, 'layer', layerItems);
  if (groups.length) legend(svg, lx, TOP + 4 + used + 16, groupHeading, groupItems);
  return svg.toString();
}

/** Accuracy per instance beside the K × K error consistency (κ). */
export function behaviourChart(accuracy: { instance: string; accuracy: number }[], kappa: MatrixCell[], instances: string[], heading: string): string {
  const side = Math.max(160, Math.min(260, 20 * instances.length));
  const accs = accuracy.map((a) => a.accuracy).filter(Number.isFinite);
  const lo = accs.length ? Math.min(...accs) : 0;
  const hi = accs.length ? Math.max(...accs) : 1;
  const pad = Math.max(0.01, (hi - lo) * 0.5);
  const d0 = Math.max(0, lo - pad);
  const d1 = Math.min(1, hi + pad);
  const band = side / Math.max(1, instances.length);
  const left = 80;
  const xLabels = rotatedLabelsHeight(instances, 11, -60);
  const kLabels = Math.max(0, ...instances.map((n) => textWidth(n, 11))) + 8;
  const right0 = left + side + 30 + kLabels;
  const svg = new Svg(right0 + side + 80, TOP + side + xLabels + 24);
  title(svg, heading);

  // left: accuracy per instance
  const ticks = niceTicks(d0, d1, 5, false);
  const y = linear(d0, d1, TOP + side, TOP);
  const x = (i: number): number => left + band * (i + 0.5);
  valueAxis(svg, ticks, y, left, left + side, 'accuracy on the stimuli');
  frame(svg, left, TOP, side, side);
  categoryAxisX(svg, instances, x, TOP + side, { angle: -60, room: band });
  svg.text(left + side / 2, TOP + side + xLabels + 16, 'instance', { size: 12, anchor: 'middle', bold: true });
  const colour = colourSteps(1)[0]!;
  const at = new Map(instances.map((n, i) => [n, i]));
  const r = Math.sqrt(60 / Math.PI);
  for (const a of accuracy) {
    const i = at.get(a.instance);
    if (i === undefined || !Number.isFinite(a.accuracy)) continue;
    svg.add(`<circle cx="${fx(x(i))}" cy="${fx(y(a.accuracy))}" r="${fx(r)}" fill="${colour}"><title>${escapeTitle(`${a.instance}: ${fmt(a.accuracy, 4)}`)}</title></circle>`);
  }

  // right: error consistency
  const tips = instances.length <= TOOLTIP_SIDE;
  for (const c of kappa) {
    const a = at.get(c.a);
    const b = at.get(c.b);
    if (a === undefined || b === undefined || c.value === null || !Number.isFinite(c.value)) continue;
    const tip = tips ? `<title>${escapeTitle(`${c.a} · ${c.b}: κ ${fmt(c.value)}`)}</title>` : '';
    svg.add(`<rect x="${fx(right0 + a * band)}" y="${fx(TOP + b * band)}" width="${fx(band)}" height="${fx(band)}" fill="${valueColour(c.value)}">${tip}</rect>`);
  }
  frame(svg, right0, TOP, side, side);
  categoryAxisX(svg, instances, (i) => right0 + band * (i + 0.5), TOP + side, { angle: -60, room: band });
  categoryAxisY(svg, instances, (i) => TOP + band * (i + 0.5), right0, { room: band });
  colourBar(svg, right0 + side + 14, TOP + 14, 'κ');
  return svg.toString();
}
