/**
 * The stimuli placed in 2-D by classical MDS of single RDMs (Figure 2 of
 * Mehrer et al. 2020): two instances at the first, middle and last layer,
 * the second instance's map rotated onto the first so that they can be
 * compared by eye. Computed here, drawn by the report.
 */
import { condensedToSquare } from '../io/rdmFile.js';
import type { MdsEngine } from './engines.js';
import { classicalMds, classicalMdsCondensed } from './mds.js';
import type { ZooRdms } from './types.js';

/** First, middle and last of a list (fewer when it is shorter). */
export function firstMiddleLast<T>(items: readonly T[]): T[] {
  if (items.length <= 3) return [...items];
  return [items[0]!, items[Math.floor((items.length - 1) / 2)]!, items[items.length - 1]!];
}

export interface StimulusMaps {
  layers: string[];
  instances: string[];
  /** maps[layer][instance]: N × 2 row-major coordinates */
  maps: Float64Array[][];
}

/**
 * Rotates/reflects 2-D points b (n × 2) onto a (orthogonal Procrustes): MDS
 * fixes neither rotation nor reflection, so two maps are aligned before
 * they are shown side by side.
 */
export function alignTo(a: Float64Array, b: Float64Array): Float64Array {
  const n = a.length / 2;
  let best = b;
  let bestErr = Infinity;
  for (const flip of [1, -1]) {
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < n; i++) {
      const bx = b[2 * i]!;
      const by = flip * b[2 * i + 1]!;
      sxx += bx * a[2 * i]! + by * a[2 * i + 1]!;
      sxy += bx * a[2 * i + 1]! - by * a[2 * i]!;
    }
    const theta = Math.atan2(sxy, sxx);
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const out = new Float64Array(b.length);
    let err = 0;
    for (let i = 0; i < n; i++) {
      const bx = b[2 * i]!;
      const by = flip * b[2 * i + 1]!;
      out[2 * i] = cos * bx - sin * by;
      out[2 * i + 1] = sin * bx + cos * by;
      err += (out[2 * i]! - a[2 * i]!) ** 2 + (out[2 * i + 1]! - a[2 * i + 1]!) ** 2;
    }
    if (err < bestErr) {
      bestErr = err;
      best = out;
    }
  }
  return best;
}

/** The maps; with an MDS engine, each RDM is placed from its condensed form (no n × n matrices here). */
export async function stimulusMaps(rdms: ZooRdms, mds?: MdsEngine, threads = 0): Promise<StimulusMaps> {
  const layers = firstMiddleLast(rdms.layers);
  const instances = rdms.instances.slice(0, 2);
  const place = (condensed: Float64Array): Promise<Float64Array> | Float64Array => (mds
    ? classicalMdsCondensed(condensed, rdms.n, 2, (c, n, k) => mds.topEigen(c, n, k, threads)).then((r) => r.coords)
    : classicalMds(condensedToSquare(condensed, rdms.n), rdms.n, 2).coords);
  const maps: Float64Array[][] = [];
  for (const layer of layers) {
    let ref: Float64Array | undefined;
    const row: Float64Array[] = [];
    for (const name of instances) {
      const coords = await place(rdms.rdms[rdms.layers.indexOf(layer)]![rdms.instances.indexOf(name)]!);
      row.push(ref ? alignTo(ref, coords) : coords);
      ref ??= coords;
    }
    maps.push(row);
  }
  return { layers, instances, maps };
}
