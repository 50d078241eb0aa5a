/**
 * Rasterising: sharp (librsvg) turns the charts' SVG into PNG; the figures
 * drawn as pixels (RDM heatmaps, stimulus maps) are encoded by sharp with
 * only their text rasterised over them.
 */
import sharp from 'sharp';

/**
 * zlib level of every PNG: 6 (zlib's default) writes files about 5 % larger
 * than 9 in half the time (measured on a default run's figures: 0.5 s of
 * CPU instead of 1.0 s).
 */
const PNG_LEVEL = 6;
/**
 * zlib level of the figures drawn as pixels (RDM heatmaps, stimulus maps):
 * their noisy pixels compress no better at 6 than at 4, which takes half the
 * time (measured on the default run's: heatmaps 48 instead of 60 ms, 0.5 %
 * larger; maps 13 instead of 28 ms, 4.5 % larger). The charts' flat colours
 * stay at 6 (the pairwise matrices are 70 % larger at 4).
 */
const PIXEL_PNG_LEVEL = 4;

/** PNG of an SVG at `scale` × its own size (2 for crisp figures on high-density screens). */
export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 72 * scale }).png({ compressionLevel: PNG_LEVEL }).toBuffer();
}

/**
 * PNG from RGB pixels (width × height × 3) with an SVG of text and lines
 * rasterised over them at `density` dpi: the figures drawn as pixels
 * (stimulus maps, RDM heatmaps) and only their text through librsvg.
 */
export async function rgbWithOverlayToPng(pixels: Uint8Array, width: number, height: number, overlaySvg: string, density: number): Promise<Buffer> {
  return sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width, height, channels: 3 } })
    .composite([{ input: Buffer.from(overlaySvg), density, top: 0, left: 0 }])
    .png({ compressionLevel: PIXEL_PNG_LEVEL })
    .toBuffer();
}

/** PNG from RGB pixels (width × height × 3). */
export async function rgbToPng(pixels: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: PIXEL_PNG_LEVEL })
    .toBuffer();
}
