/**
 * The pieces the report's charts are drawn from, written as SVG directly:
 * linear scales with round ticks, axes with grid lines, legends, a colour
 * bar. The charts are small (tens of marks) and fixed in form, so a chart
 * library's compile-and-render pipeline was most of the figures phase's
 * time (vega: about 0.3 s of main-thread CPU per run, mostly warming up),
 * for nothing a report needs.
 */
import { colourAt, rgbToHex } from './colormap.js';
import { escapeXml } from './svgText.js';

export const FONT = 'DejaVu Sans, Arial, Helvetica, sans-serif';
const GRID = '#eee';
const FRAME = '#ccc';
const AXIS = '#888';
const LABEL = 11;
const AXIS_TITLE = 12;
const TITLE = 14;

/** Rounded to 2 decimals for coordinates: enough for 2× rasters, short files. */
export const fx = (v: number): string => String(Math.round(v * 100) / 100);

/** Approximate width of a text in DejaVu Sans (its average advance is about 0.6 em). */
export function textWidth(s: string, size: number): number {
  return 0.6 * size * [...s].length;
}

export interface Ticks {
  /** the domain widened to whole steps (when asked to be nice) */
  lo: number;
  hi: number;
  values: number[];
  /** digits after the point that tell the ticks apart */
  digits: number;
}

/**
 * About `count` round ticks (1, 2 or 5 × 10^k apart) over [lo, hi]; with
 * `nice`, the domain is first widened to the ticks just outside it.
 */
export function niceTicks(lo: number, hi: number, count = 5, nice = true): Ticks {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) lo = 0, hi = 1;
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw * 0.999) ?? 10 * mag;
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  if (nice) {
    lo = Number((Math.floor(lo / step + 1e-9) * step).toFixed(digits)) || 0;
    hi = Number((Math.ceil(hi / step - 1e-9) * step).toFixed(digits)) || 0;
  }
  const values: number[] = [];
  // k × step rounded to the step's digits (0.6, not 0.6000000000000001), and never −0
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) values.push(Number((k * step).toFixed(digits)) || 0);
  return { lo, hi, values, digits };
}

/** A linear map from a domain to pixels. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** Colour of v on [lo, hi] of viridis (clamped; NaN grey), as the r² matrices use. */
export const valueColour = (v: number, lo = 0, hi = 1): string => rgbToHex(colourAt((v - lo) / (hi - lo || 1)));

/** An SVG document built from parts; every text goes through escapeXml. */
export class Svg {
  private readonly parts: string[] = [];
  constructor(readonly width: number, readonly height: number) {}

  add(part: string): this {
    this.parts.push(part);
    return this;
  }

  text(x: number, y: number, s: string, o: { size?: number; anchor?: 'start' | 'middle' | 'end'; bold?: boolean; rotate?: number } = {}): this {
    const rot = o.rotate ? ` transform="rotate(${o.rotate} ${fx(x)} ${fx(y)})"` : '';
    const anchor = o.anchor && o.anchor !== 'start' ? ` text-anchor="${o.anchor}"` : '';
    return this.add(`<text x="${fx(x)}" y="${fx(y)}" font-size="${o.size ?? LABEL}"${anchor}${o.bold ? ' font-weight="bold"' : ''}${rot}>${escapeXml(s)}</text>`);
  }

  line(x1: number, y1: number, x2: number, y2: number, stroke: string, width = 1): this {
    return this.add(`<line x1="${fx(x1)}" y1="${fx(y1)}" x2="${fx(x2)}" y2="${fx(y2)}" stroke="${stroke}" stroke-width="${width}"/>`);
  }

  /**
   * An id for a definition (a gradient) from a hash of what is drawn so far:
   * the same figure always gets the same id, and two figures inlined in one
   * report.html practically never share one.
   */
  uid(prefix: string): string {
    let h = 0x811c9dc5;
    for (const part of this.parts) for (let i = 0; i < part.length; i++) h = Math.imul(h ^ part.charCodeAt(i), 0x01000193);
    return `${prefix}-${(h >>> 0).toString(36)}`;
  }

  toString(): string {
    return [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(this.width)}" height="${Math.ceil(this.height)}" viewBox="0 0 ${Math.ceil(this.width)} ${Math.ceil(this.height)}" font-family="${FONT}">`,
      '<rect width="100%" height="100%" fill="white"/>',
      ...this.parts,
      '</svg>',
    ].join('\n');
  }
}

/** A chart's title, top left as the report's other figures. */
export function title(svg: Svg, s: string): void {
  svg.text(10, 22, s, { size: TITLE, bold: true });
}

/** A plot's frame. */
export function frame(svg: Svg, x: number, y: number, w: number, h: number): void {
  svg.add(`<rect x="${fx(x)}" y="${fx(y)}" width="${fx(w)}" height="${fx(h)}" fill="none" stroke="${FRAME}"/>`);
}

/** Vertical value axis at x0 with grid lines across [x0, x1]; `title` rotated beside the labels. */
export function valueAxis(svg: Svg, ticks: Ticks, y: (v: number) => number, x0: number, x1: number, axisTitle: string | null): void {
  let widest = 0;
  for (const v of ticks.values) {
    const s = v.toFixed(ticks.digits);
    widest = Math.max(widest, textWidth(s, LABEL));
    svg.line(x0, y(v), x1, y(v), GRID);
    svg.line(x0 - 4, y(v), x0, y(v), AXIS);
    svg.text(x0 - 6, y(v) + 4, s, { anchor: 'end' });
  }
  svg.line(x0, y(ticks.lo), x0, y(ticks.hi), AXIS);
  if (axisTitle) svg.text(x0 - 12 - widest, (y(ticks.lo) + y(ticks.hi)) / 2, axisTitle, { size: AXIS_TITLE, anchor: 'middle', bold: true, rotate: -90 });
}

/** Horizontal value axis at y0 with grid lines across [y0, y1]. */
export function valueAxisX(svg: Svg, ticks: Ticks, x: (v: number) => number, y0: number, y1: number, axisTitle: string | null): void {
  for (const v of ticks.values) {
    svg.line(x(v), y1, x(v), y0, GRID);
    svg.line(x(v), y0, x(v), y0 + 4, AXIS);
    svg.text(x(v), y0 + 16, v.toFixed(ticks.digits), { anchor: 'middle' });
  }
  svg.line(x(ticks.lo), y0, x(ticks.hi), y0, AXIS);
  if (axisTitle) svg.text((x(ticks.lo) + x(ticks.hi)) / 2, y0 + 34, axisTitle, { size: AXIS_TITLE, anchor: 'middle', bold: true });
}

/**
 * Label every k-th category: the smallest k at which labels `room` pixels
 * apart do not overlap at this font size (a 100-instance matrix stays legible).
 */
export function labelStride(room: number, size: number): number {
  return Math.max(1, Math.ceil((size + 1) / Math.max(room, 1e-9)));
}

/** Category labels under a band axis at y0, rotated by `angle` (negative: up to the left, anchored at their end). */
export function categoryAxisX(svg: Svg, names: readonly string[], centre: (i: number) => number, y0: number, o: { angle: number; size?: number; room: number }): void {
  const size = o.size ?? LABEL;
  const stride = labelStride(o.room, size);
  names.forEach((name, i) => {
    if (i % stride !== 0) return;
    svg.line(centre(i), y0, centre(i), y0 + 3, AXIS);
    svg.text(centre(i) + size / 3, y0 + 6, name, { size, anchor: 'end', rotate: o.angle });
  });
}

/** Category labels left of a band axis at x0. */
export function categoryAxisY(svg: Svg, names: readonly string[], centre: (i: number) => number, x0: number, o: { size?: number; room: number }): void {
  const size = o.size ?? LABEL;
  const stride = labelStride(o.room, size);
  names.forEach((name, i) => {
    if (i % stride !== 0) return;
    svg.text(x0 - 4, centre(i) + size / 3, name, { size, anchor: 'end' });
  });
}

/** Height a rotated label set needs below its axis. */
export function rotatedLabelsHeight(names: readonly string[], size: number, angle: number): number {
  const widest = Math.max(0, ...names.map((n) => textWidth(n, size)));
  return 8 + widest * Math.abs(Math.sin((angle * Math.PI) / 180)) + size;
}

export interface LegendItem {
  label: string;
  colour: string;
  /** how the item is drawn: a line (with a dash), a dot, or both */
  mark: 'line' | 'dot' | 'line+dot';
  dash?: readonly number[];
  /** dot outline (the trajectories' points) */
  stroke?: string;
}

/** A legend at (x, y): a bold title, then one row per item; returns its height. */
export function legend(svg: Svg, x: number, y: number, heading: string, items: readonly LegendItem[]): number {
  svg.text(x, y, heading, { size: AXIS_TITLE, bold: true });
  items.forEach((it, i) => {
    const cy = y + 18 + 16 * i;
    if (it.mark !== 'dot') {
      const dash = it.dash && it.dash[1] ? ` stroke-dasharray="${it.dash.join(',')}"` : '';
      svg.add(`<line x1="${fx(x)}" y1="${fx(cy - 4)}" x2="${fx(x + 22)}" y2="${fx(cy - 4)}" stroke="${it.colour}" stroke-width="2"${dash}/>`);
    }
    if (it.mark !== 'line') {
      const stroke = it.stroke ? ` stroke="${it.stroke}" stroke-width="0.5"` : '';
      svg.add(`<circle cx="${fx(x + 11)}" cy="${fx(cy - 4)}" r="4" fill="${it.colour}"${stroke}/>`);
    }
    svg.text(x + 28, cy, it.label);
  });
  return 18 + 16 * items.length;
}

/** Width a legend needs. */
export function legendWidth(heading: string, items: readonly LegendItem[]): number {
  return Math.max(textWidth(heading, AXIS_TITLE), ...items.map((it) => 28 + textWidth(it.label, LABEL))) + 8;
}

/** A vertical colour bar for values on [lo, hi] (viridis), top = hi; returns its width. */
export function colourBar(svg: Svg, x: number, y: number, heading: string, lo = 0, hi = 1): number {
  const id = svg.uid('bar');
  const stops = Array.from({ length: 11 }, (_, i) => `<stop offset="${i / 10}" stop-color="${valueColour(hi - ((hi - lo) * i) / 10, lo, hi)}"/>`).join('');
  const h = 120;
  svg.text(x, y, heading, { size: AXIS_TITLE, bold: true });
  svg.add(`<defs><linearGradient id="${id}" x1="0" y1="0" x2="0" y2="1">${stops}</linearGradient></defs>`);
  svg.add(`<rect x="${fx(x)}" y="${fx(y + 8)}" width="14" height="${h}" fill="url(#${id})"/>`);
  const ticks = niceTicks(lo, hi, 4, false);
  const at = linear(lo, hi, y + 8 + h, y + 8);
  for (const v of ticks.values) svg.text(x + 18, at(v) + 4, v.toFixed(ticks.digits));
  return 18 + Math.max(textWidth(heading, AXIS_TITLE) - 18, ...ticks.values.map((v) => textWidth(v.toFixed(ticks.digits), LABEL))) + 6;
}
