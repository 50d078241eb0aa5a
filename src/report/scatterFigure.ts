/**
 * Panels of 2-D maps with thousands of points (the stimulus maps: one panel
 * per instance × layer, a dot per stimulus coloured by class), drawn as
 * pixels. Building them with a chart library (vega, which the report used
 * before) and rasterising an SVG of 6,000 circles with librsvg took about
 * half a second of CPU, the largest share of the figures
 * phase; here the SVG is written directly and the PNG drawn as pixels (each
 * dot an antialiased disc), with only the text and frames rasterised from a
 * small SVG laid over them. Each panel has its own scale, the same on both
 * axes so that a map keeps its proportions; axes carry no values (MDS
 * coordinates have no units).
 */
import { hexToRgb } from './colormap.js';
import { rgbWithOverlayToPng } from './render.js';
import { FONT } from './svgChart.js';
import { escapeXml } from './svgText.js';

export interface MapPoint {
  row: string;
  column: string;
  x: number;
  y: number;
  group: string;
}

export interface ScatterLayout {
  title: string;
  groupTitle: string;
  rows: string[];
  columns: string[];
  groups: string[];
  /** one colour per group (#rrggbb) */
  colours: string[];
}

const PANEL = 190;
const GAP = 12;
const LEFT = 70;
const TOP = 52;
const LEGEND = 150;
/** dot radius in SVG units (vega's size 14 circle: area 14 px²) */
const RADIUS = Math.sqrt(14 / Math.PI);
const PAD = 0.05;

export interface Placed {
  cx: number;
  cy: number;
  colour: number;
}

/** Every point's place in SVG units (each panel scaled to its own extent, padded), in the order given. */
function place(points: readonly MapPoint[], layout: ScatterLayout): Placed[] {
  const panelOf = (p: MapPoint): number => layout.rows.indexOf(p.row) * layout.columns.length + layout.columns.indexOf(p.column);
  const count = layout.rows.length * layout.columns.length;
  const lo = Array.from({ length: count }, () => [Infinity, Infinity]);
  const hi = Array.from({ length: count }, () => [-Infinity, -Infinity]);
  for (const p of points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    const k = panelOf(p);
    if (k < 0) continue;
    lo[k]![0] = Math.min(lo[k]![0]!, p.x);
    lo[k]![1] = Math.min(lo[k]![1]!, p.y);
    hi[k]![0] = Math.max(hi[k]![0]!, p.x);
    hi[k]![1] = Math.max(hi[k]![1]!, p.y);
  }
  const out: Placed[] = [];
  for (const p of points) {
    const k = panelOf(p);
    if (k < 0 || !Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    const r = Math.floor(k / layout.columns.length);
    const c = k % layout.columns.length;
    // one scale for both axes (a map's distances keep their proportions), the points centred
    const [x0, y0] = lo[k]! as [number, number];
    const [x1, y1] = hi[k]! as [number, number];
    const span = Math.max(x1 - x0, y1 - y0) || 1;
    const fx = 0.5 + ((1 - 2 * PAD) * (p.x - (x0 + x1) / 2)) / span;
    const fy = 0.5 + ((1 - 2 * PAD) * (p.y - (y0 + y1) / 2)) / span;
    out.push({
      cx: LEFT + c * (PANEL + GAP) + fx * PANEL,
      cy: TOP + r * (PANEL + GAP) + (1 - fy) * PANEL, // y up
      colour: Math.max(0, layout.groups.indexOf(p.group)),
    });
  }
  return out;
}

function size(layout: ScatterLayout): { width: number; height: number } {
  return {
    width: LEFT + layout.columns.length * (PANEL + GAP) + LEGEND,
    height: TOP + layout.rows.length * (PANEL + GAP) + 10,
  };
}

/** Everything but the dots: title, headers, panel frames, legend. */
function frameSvg(layout: ScatterLayout, background: boolean): string[] {
  const { width, height } = size(layout);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`];
  if (background) parts.push('<rect width="100%" height="100%" fill="white"/>');
  parts.push(`<text x="10" y="22" font-size="14" font-weight="bold">${escapeXml(layout.title)}</text>`);
  layout.columns.forEach((c, ci) => parts.push(`<text x="${LEFT + ci * (PANEL + GAP) + PANEL / 2}" y="${TOP - 8}" font-size="11" text-anchor="middle">${escapeXml(c)}</text>`));
  layout.rows.forEach((r, ri) => parts.push(`<text x="${LEFT - 8}" y="${TOP + ri * (PANEL + GAP) + PANEL / 2 + 4}" font-size="11" text-anchor="end">${escapeXml(r)}</text>`));
  for (let ri = 0; ri < layout.rows.length; ri++) {
    for (let ci = 0; ci < layout.columns.length; ci++) {
      parts.push(`<rect x="${LEFT + ci * (PANEL + GAP)}" y="${TOP + ri * (PANEL + GAP)}" width="${PANEL}" height="${PANEL}" fill="none" stroke="#ccc"/>`);
    }
  }
  const lx = LEFT + layout.columns.length * (PANEL + GAP) + 8;
  parts.push(`<text x="${lx}" y="${TOP + 4}" font-size="12" font-weight="bold">${escapeXml(layout.groupTitle)}</text>`);
  layout.groups.forEach((g, i) => {
    const y = TOP + 22 + 16 * i;
    parts.push(`<circle cx="${lx + 5}" cy="${y - 4}" r="5" fill="${layout.colours[i]}"/><text x="${lx + 16}" y="${y}" font-size="11">${escapeXml(g)}</text>`);
  });
  return parts;
}

/** The points placed once for both drawings (scatterSvg, scatterPng). */
export interface PlacedMap {
  layout: ScatterLayout;
  dots: Placed[];
}

export function placeMap(points: readonly MapPoint[], layout: ScatterLayout): PlacedMap {
  return { layout, dots: place(points, layout) };
}

/** The figure as SVG: the frame and a circle per point. */
export function scatterSvg({ layout, dots }: PlacedMap): string {
  const parts = frameSvg(layout, true);
  const r = RADIUS.toFixed(2);
  for (const p of dots) parts.push(`<circle cx="${p.cx.toFixed(2)}" cy="${p.cy.toFixed(2)}" r="${r}" fill="${layout.colours[p.colour]}"/>`);
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * The figure as PNG at `scale` × its size: white, the dots drawn as
 * antialiased discs (coverage = radius + ½ − distance, clamped to [0, 1]) in
 * the points' order, then the frame rasterised over them.
 */
export async function scatterPng({ layout, dots }: PlacedMap, scale = 2): Promise<Buffer> {
  const { width, height } = size(layout);
  const w = Math.round(width * scale);
  const h = Math.round(height * scale);
  const px = new Uint8Array(w * h * 3).fill(255);
  const colours = layout.colours.map(hexToRgb);
  const r = RADIUS * scale;
  // inside (r − ½)² a pixel is covered, beyond (r + ½)² not at all: the square root only at the edge
  const inner = (r - 0.5) ** 2;
  const outer = (r + 0.5) ** 2;
  for (const p of dots) {
    const cx = p.cx * scale;
    const cy = p.cy * scale;
    const [cr, cg, cb] = colours[p.colour]!;
    for (let y = Math.max(0, Math.floor(cy - r - 1)); y <= Math.min(h - 1, Math.ceil(cy + r + 1)); y++) {
      const dy = y + 0.5 - cy;
      for (let x = Math.max(0, Math.floor(cx - r - 1)); x <= Math.min(w - 1, Math.ceil(cx + r + 1)); x++) {
        const dx = x + 0.5 - cx;
        const d2 = dx * dx + dy * dy;
        if (d2 >= outer) continue;
        const at = 3 * (y * w + x);
        if (d2 <= inner) {
          px[at] = cr;
          px[at + 1] = cg;
          px[at + 2] = cb;
          continue;
        }
        const a = Math.min(1, r + 0.5 - Math.sqrt(d2));
        px[at] = Math.round(px[at]! + a * (cr - px[at]!));
        px[at + 1] = Math.round(px[at + 1]! + a * (cg - px[at + 1]!));
        px[at + 2] = Math.round(px[at + 2]! + a * (cb - px[at + 2]!));
      }
    }
  }
  return rgbWithOverlayToPng(px, w, h, [...frameSvg(layout, false), '</svg>'].join('\n'), 72 * scale);
}
