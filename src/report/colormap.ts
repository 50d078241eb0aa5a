/**
 * Perceptually uniform colour maps whose lightness rises monotonically, so
 * figures stay readable in grey. Each map is a handful of anchor colours
 * (sampled at equal steps of the published maps) interpolated linearly in
 * sRGB; at 9–11 anchors the error against the full map is invisible.
 */

export type Rgb = [number, number, number];

const ANCHORS: Record<'viridis' | 'cividis', string[]> = {
  viridis: ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'],
  cividis: ['#00204d', '#00336f', '#39486b', '#575d6d', '#707173', '#8a8779', '#a69d75', '#c4b56c', '#e4cf5b', '#ffea46'],
};

export type ColormapName = keyof typeof ANCHORS;

/** '#rrggbb' to [r, g, b] (rgbToHex's inverse). */
export function hexToRgb(hex: string): Rgb {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

const TABLES: Record<ColormapName, Rgb[]> = {
  viridis: ANCHORS.viridis.map(hexToRgb),
  cividis: ANCHORS.cividis.map(hexToRgb),
};

/** Colour at t ∈ [0, 1] (clamped; NaN gives mid grey). */
export function colourAt(t: number, map: ColormapName = 'viridis'): Rgb {
  const out = new Uint8Array(3);
  colourInto(t, out, 0, map);
  return [out[0]!, out[1]!, out[2]!];
}

/**
 * colourAt written into out[at], out[at + 1], out[at + 2]: the same colour
 * without an array per call, for the RDM heatmaps' pixels (allocating one per
 * pixel made colouring 400,000 pixels take 100 ms and feed the collector).
 */
export function colourInto(t: number, out: Uint8Array, at: number, map: ColormapName = 'viridis'): void {
  if (Number.isNaN(t)) {
    out[at] = out[at + 1] = out[at + 2] = 128;
    return;
  }
  const table = TABLES[map];
  const x = Math.min(1, Math.max(0, t)) * (table.length - 1);
  const i = Math.min(table.length - 2, Math.floor(x));
  const f = x - i;
  const a = table[i]!;
  const b = table[i + 1]!;
  out[at] = Math.round(a[0] + f * (b[0] - a[0]));
  out[at + 1] = Math.round(a[1] + f * (b[1] - a[1]));
  out[at + 2] = Math.round(a[2] + f * (b[2] - a[2]));
}

export function rgbToHex([r, g, b]: Rgb): string {
  return '#' + [r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('');
}

/** `count` colours spread over [lo, hi] of the map, as hex (for chart scales). */
export function colourSteps(count: number, map: ColormapName = 'viridis', lo = 0, hi = 1): string[] {
  if (count <= 1) return [rgbToHex(colourAt((lo + hi) / 2, map))];
  return Array.from({ length: count }, (_, i) => rgbToHex(colourAt(lo + ((hi - lo) * i) / (count - 1), map)));
}

/** Relative luminance (for a test that grey readability holds: monotone along the map). */
export function luminance([r, g, b]: Rgb): number {
  const lin = (v: number): number => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
