/**
 * RDM heatmaps in the style of the paper's Figure 1: stimuli sorted by class,
 * dissimilarities shown as percentiles (so RDMs of different layers share
 * one colour scale), built directly as pixels and encoded as PNG. A grid of
 * them becomes one SVG with titles, class ticks and a colour bar.
 */
import { colourAt, colourSteps } from './colormap.js';
import { sortedKeys } from './radixOrder.js';
import { rgbToPng } from './render.js';

/**
 * Twice the mean rank (0-based) of every condensed entry among the non-NaN
 * entries (ties share their mean, so the doubled value is an integer: the first
 * plus the last position of the value in sorted order); NaN stays NaN.
 * `m` is the number of non-NaN entries.
 */
export function doubledRanks(values: Float64Array): { ranks: Float64Array; m: number } {
  const { idx: order, hi, lo } = sortedKeys(values, true);
  const m = order.length;
  const out = new Float64Array(values.length).fill(NaN);
  for (let first = 0; first < m;) {
    const h = hi[first]!;
    const l = lo ? lo[first]! : 0;
    let end = first + 1;
    while (end < m && hi[end] === h && (!lo || lo[end] === l)) end++;
    const r = first + end - 1;
    for (let k = first; k < end; k++) out[order[k]!] = r;
    first = end;
  }
  return { ranks: out, m };
}

/** Percentile (0–100) of every condensed entry among all entries (ties share their mean); NaN stays NaN. */
export function percentiles(values: Float64Array): Float64Array {
  const { ranks, m } = doubledRanks(values);
  return ranks.map((r) => (Number.isNaN(r) ? NaN : m > 1 ? (100 * r) / 2 / (m - 1) : 50));
}

/** Stimulus order for display: by class, stable within a class (file order). */
export function classOrder(labels: Int32Array | undefined, n: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (!labels) return order;
  return Int32Array.from(Array.from(order).sort((a, b) => labels[a]! - labels[b]! || a - b));
}

/**
 * Pixels (size × size × RGB) of a percentile RDM in the given stimulus order;
 * when there are more stimuli than pixels, each pixel averages its block (the
 * diagonal counts as percentile 0).
 *
 * The condensed vector is read once, in its own order, and each entry added to
 * its two mirrored pixels (a gather in display order was twice as slow). What a
 * pixel sums is the entries' doubled ranks, integers, so the sum is exact in
 * any order and the pixel's mean percentile is rounded once, at the end.
 */
export function rdmPixels(condensed: Float64Array, n: number, order: Int32Array, size: number): Uint8Array {
  const { ranks, m } = doubledRanks(condensed);
  // a lone entry (N = 2) is the 50th percentile: weight 1 at scale 1/2
  if (m === 1) ranks.forEach((r, i) => { if (!Number.isNaN(r)) ranks[i] = 1; });
  const scale = m > 1 ? 1 / (2 * (m - 1)) : 0.5;
  const sum = new Float64Array(size * size);
  const count = new Float64Array(size * size);
  // pixel row (as an offset) and column of every stimulus, by its display position
  const rowOf = new Int32Array(n);
  const colOf = new Int32Array(n);
  for (let a = 0; a < n; a++) {
    const cell = Math.floor((a * size) / n);
    rowOf[order[a]!] = cell * size;
    colOf[order[a]!] = cell;
  }
  let k = 0;
  for (let i = 0; i < n; i++) {
    const ri = rowOf[i]!;
    const ci = colOf[i]!;
    count[ri + ci]! += 1; // the diagonal: percentile 0
    for (let j = i + 1; j < n; j++, k++) {
      const r = ranks[k]!;
      if (Number.isNaN(r)) continue;
      const c1 = ri + colOf[j]!;
      const c2 = rowOf[j]! + ci;
      sum[c1]! += r;
      count[c1]! += 1;
      sum[c2]! += r;
      count[c2]! += 1;
    }
  }
  const px = new Uint8Array(size * size * 3);
  for (let c = 0; c < size * size; c++) {
    const rgb = colourAt(count[c]! > 0 ? (sum[c]! * scale) / count[c]! : NaN);
    px[c * 3] = rgb[0];
    px[c * 3 + 1] = rgb[1];
    px[c * 3 + 2] = rgb[2];
  }
  return px;
}

export interface HeatmapPanel {
  title: string;
  condensed: Float64Array;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

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
  // every panel's PNG is encoded on sharp's threads while the next panel's pixels are computed
  const pngs = await Promise.all(panels.map((panel) => rgbToPng(rdmPixels(panel.condensed, n, order, size), size, size)));
  for (const [p, panel] of panels.entries()) {
    const r = Math.floor(p / cols);
    const c = p % cols;
    const x = left + c * (cell + gap);
    const y = top + r * (cell + gap + 16);
    const png = pngs[p]!;
    parts.push(`<text x="${x}" y="${y - 6}" font-size="12">${esc(panel.title)}</text>`);
    parts.push(`<image x="${x}" y="${y}" width="${cell}" height="${cell}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,${png.toString('base64')}" xlink:href="data:image/png;base64,${png.toString('base64')}"/>`);
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
