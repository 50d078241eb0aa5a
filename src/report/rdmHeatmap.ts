/**
 * RDM heatmaps in the style of the paper's Figure 1: stimuli sorted by class,
 * dissimilarities shown as percentiles (so RDMs of different layers share
 * one colour scale), built directly as pixels and encoded as PNG. A grid of
 * them becomes one SVG with titles, class ticks and a colour bar.
 */
import { colourInto, colourSteps } from './colormap.js';
import { rdmPercentileBlocks } from '../native/rdmHeatmap.js';
import { rgbToPng } from './render.js';
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

const esc = escapeXml;

/** A grid of RDM heatmaps (rows × cols panels) as one SVG with embedded PNG pixels. */
export async function rdmGridSvg(panels: HeatmapPanel[], cols: number, n: number, labels: Int32Array | undefined, classNames: string[] | undefined, title: string): Promise<string> {
  // one pixel per displayed pixel (the panel is 260 px): more only inflates the report
  const size = Math.min(n, 260);
  const order = classOrder(labels, n);
  const cell = 260;
  const gap = 30;
  const top = 56;
  const left = 70;
  const rows = Math.ceil(panels.length / cols);
  const barW = 14;
  const width = left + cols * (cell + gap) + 70;
  const height = top + rows * (cell + gap + 16) + 10;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="10" y="22" font-size="15">${esc(title)}</text>`);
  // class boundaries as ticks along each panel's left edge
  const bounds: { pos: number; name: string }[] = [];
  if (labels) {
    let start = 0;
    for (let i = 1; i <= n; i++) {
      if (i === n || labels[order[i]!] !== labels[order[start]!]) {
        const cls = labels[order[start]!]!;
        bounds.push({ pos: (start + i) / 2 / n, name: classNames?.[cls] ?? String(cls) });
        start = i;
      }
    }
  }
  // every panel at once: the native ranking and sharp's PNG encoding share the worker threads
  const pngs = await Promise.all(panels.map(async (panel) => rgbToPng(await rdmPixels(panel.condensed, n, order, size), size, size)));
  for (const [p, panel] of panels.entries()) {
    const r = Math.floor(p / cols);
    const c = p % cols;
    const x = left + c * (cell + gap);
    const y = top + r * (cell + gap + 16);
    const png = pngs[p]!.toString('base64');
    parts.push(`<text x="${x}" y="${y - 6}" font-size="12">${esc(panel.title)}</text>`);
    parts.push(`<image x="${x}" y="${y}" width="${cell}" height="${cell}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,${png}" xlink:href="data:image/png;base64,${png}"/>`);
    if (c === 0 && bounds.length <= 20) {
      for (const b of bounds) parts.push(`<text x="${x - 4}" y="${y + b.pos * cell + 3}" font-size="8" text-anchor="end">${esc(b.name.slice(0, 11))}</text>`);
    }
  }
  // colour bar: percentile of dissimilarity
  const bx = left + cols * (cell + gap);
  const steps = colourSteps(11);
  parts.push(`<defs><linearGradient id="bar" x1="0" y1="1" x2="0" y2="0">${steps.map((s, i) => `<stop offset="${i / 10}" stop-color="${s}"/>`).join('')}</linearGradient></defs>`);
  parts.push(`<rect x="${bx}" y="${top}" width="${barW}" height="${cell}" fill="url(#bar)"/>`);
  parts.push(`<text x="${bx + barW + 4}" y="${top + 8}" font-size="10">100</text><text x="${bx + barW + 4}" y="${top + cell}" font-size="10">0</text>`);
  parts.push(`<text x="${bx + barW + 4}" y="${top + cell / 2}" font-size="10">pctl</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
