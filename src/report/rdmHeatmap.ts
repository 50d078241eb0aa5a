/**
 * RDM heatmaps in the style of the paper's Figure 1: stimuli sorted by class,
 * dissimilarities shown as percentiles (so RDMs of different layers share
 * one colour scale), built directly as pixels and encoded as PNG. A grid of
 * them becomes one SVG with titles, class ticks and a colour bar.
 */
import { colourInto, colourSteps } from './colormap.js';
import { rdmPercentileBlocks } from '../native/rdmHeatmap.js';
import { rgbToPng, rgbWithOverlayToPng } from './render.js';
import { FONT } from './svgChart.js';
import { escapeXml } from './svgText.js';

/** Stimulus order for display: by class, stable within a class (file order). */
export function classOrder(labels: Int32Array | undefined, n: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (!labels) return order;
  return Int32Array.from(Array.from(order).sort((a, b) => labels[a]! - labels[b]! || a - b));
}

/**
 * Pixels (size × size × RGB) of a percentile RDM in the given stimulus order;
 * when there are more stimuli than pixels, each pixel averages its block (the
 * diagonal counts as percentile 0). The ranking and block means (a sort of
 * half a million entries per RDM) run natively on a worker thread: the main
 * thread builds the report's charts meanwhile.
 */
export async function rdmPixels(condensed: Float64Array, n: number, order: Int32Array, size: number): Promise<Uint8Array> {
  const blocks = await rdmPercentileBlocks(condensed, n, order, size);
  const px = new Uint8Array(size * size * 3);
  for (let c = 0; c < size * size; c++) colourInto(blocks[c]!, px, 3 * c);
  return px;
}

export interface HeatmapPanel {
  title: string;
  condensed: Float64Array;
}


/** Where everything of a grid goes, in SVG units. */
function gridLayout(count: number, cols: number, n: number) {
  const cell = 260;
  const gap = 30;
  const top = 56;
  const left = 70;
  const rows = Math.ceil(count / cols);
  return {
    // one pixel per displayed pixel (the panel is 260 px): more only inflates the report
    size: Math.min(n, 260), cell, gap, top, left, barW: 14,
    width: left + cols * (cell + gap) + 70,
    height: top + rows * (cell + gap + 16) + 10,
    panelAt: (p: number): { x: number; y: number } => ({ x: left + (p % cols) * (cell + gap), y: top + Math.floor(p / cols) * (cell + gap + 16) }),
    barX: left + cols * (cell + gap),
  };
}

/** Class boundaries along a panel's edge: the middle of each class's run, as a fraction of the side. */
function classBounds(labels: Int32Array | undefined, order: Int32Array, n: number, classNames: string[] | undefined): { pos: number; name: string }[] {
  const bounds: { pos: number; name: string }[] = [];
  if (!labels) return bounds;
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n || labels[order[i]!] !== labels[order[start]!]) {
      const cls = labels[order[start]!]!;
      bounds.push({ pos: (start + i) / 2 / n, name: classNames?.[cls] ?? String(cls) });
      start = i;
    }
  }
  return bounds;
}

/** The grid's text (title, panel titles, class ticks, colour bar labels), on a white page or (for the PNG) none. */
function gridText(panels: readonly HeatmapPanel[], g: ReturnType<typeof gridLayout>, bounds: readonly { pos: number; name: string }[], title: string): string[] {
  const parts: string[] = [];
  parts.push(`<text x="10" y="22" font-size="15">${escapeXml(title)}</text>`);
  panels.forEach((panel, p) => {
    const { x, y } = g.panelAt(p);
    parts.push(`<text x="${x}" y="${y - 6}" font-size="12">${escapeXml(panel.title)}</text>`);
    if (x === g.left && bounds.length <= 20) {
      for (const b of bounds) parts.push(`<text x="${x - 4}" y="${y + b.pos * g.cell + 3}" font-size="8" text-anchor="end">${escapeXml(b.name.slice(0, 11))}</text>`);
    }
  });
  const bx = g.barX + g.barW + 4;
  parts.push(`<text x="${bx}" y="${g.top + 8}" font-size="10">100</text><text x="${bx}" y="${g.top + g.cell}" font-size="10">0</text>`);
  parts.push(`<text x="${bx}" y="${g.top + g.cell / 2}" font-size="10">pctl</text>`);
  return parts;
}

const svgOpen = (g: { width: number; height: number }): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${g.width}" height="${g.height}" viewBox="0 0 ${g.width} ${g.height}" font-family="${FONT}">`;

/**
 * A grid of RDM heatmaps (rows × cols panels): the SVG (the panels as
 * embedded PNG pixels) and the PNG at `scale` × its size, drawn directly
 * (each panel's pixels enlarged without smoothing, the colour bar as pixels)
 * with only the text rasterised over them, rather than rasterising the SVG
 * and decoding its embedded images again.
 */
export async function rdmGrid(panels: HeatmapPanel[], cols: number, n: number, labels: Int32Array | undefined, classNames: string[] | undefined, title: string,
  scale = 2): Promise<{ svg: string; png: Promise<Buffer> }> {
  const g = gridLayout(panels.length, cols, n);
  const order = classOrder(labels, n);
  const bounds = classBounds(labels, order, n, classNames);
  // every panel at once: the native ranking and sharp's PNG encoding share the worker threads
  const pixels = await Promise.all(panels.map((panel) => rdmPixels(panel.condensed, n, order, g.size)));
  const pngs = await Promise.all(pixels.map((px) => rgbToPng(px, g.size, g.size)));
  const text = gridText(panels, g, bounds, title);

  const svg = [svgOpen(g), '<rect width="100%" height="100%" fill="white"/>'];
  panels.forEach((_, p) => {
    const { x, y } = g.panelAt(p);
    const png = pngs[p]!.toString('base64');
    svg.push(`<image x="${x}" y="${y}" width="${g.cell}" height="${g.cell}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,${png}" xlink:href="data:image/png;base64,${png}"/>`);
  });
  // colour bar: percentile of dissimilarity
  const steps = colourSteps(11);
  svg.push(`<defs><linearGradient id="bar" x1="0" y1="1" x2="0" y2="0">${steps.map((st, i) => `<stop offset="${i / 10}" stop-color="${st}"/>`).join('')}</linearGradient></defs>`);
  svg.push(`<rect x="${g.barX}" y="${g.top}" width="${g.barW}" height="${g.cell}" fill="url(#bar)"/>`);
  svg.push(...text, '</svg>');

  return { svg: svg.join('\n'), png: gridPng(pixels, g, text, scale) };
}

async function gridPng(pixels: readonly Uint8Array[], g: ReturnType<typeof gridLayout>, text: readonly string[], scale: number): Promise<Buffer> {
  const w = Math.round(g.width * scale);
  const h = Math.round(g.height * scale);
  const out = new Uint8Array(w * h * 3).fill(255);
  const side = Math.round(g.cell * scale);
  pixels.forEach((px, p) => {
    const at = g.panelAt(p);
    const x0 = Math.round(at.x * scale);
    const y0 = Math.round(at.y * scale);
    for (let y = 0; y < side && y0 + y < h; y++) {
      const sy = Math.min(g.size - 1, Math.floor((y * g.size) / side));
      for (let x = 0; x < side && x0 + x < w; x++) {
        const sx = Math.min(g.size - 1, Math.floor((x * g.size) / side));
        const from = 3 * (sy * g.size + sx);
        const to = 3 * ((y0 + y) * w + x0 + x);
        out[to] = px[from]!;
        out[to + 1] = px[from + 1]!;
        out[to + 2] = px[from + 2]!;
      }
    }
  });
  // the colour bar, bottom (0) to top (100)
  const bx0 = Math.round(g.barX * scale);
  const bw = Math.round(g.barW * scale);
  const by0 = Math.round(g.top * scale);
  for (let y = 0; y < side; y++) {
    const t = 1 - (y + 0.5) / side;
    for (let x = 0; x < bw; x++) colourInto(t, out, 3 * ((by0 + y) * w + bx0 + x));
  }
  return rgbWithOverlayToPng(out, w, h, [svgOpen(g), ...text, '</svg>'].join('\n'), 72 * scale);
}
