/**
 * Sentences about what a run's numbers show, for figure captions. Each is
 * computed from the results and states only numbers and comparisons that
 * hold for this run; where a sentence cannot be computed it is null and the
 * caption says only what is drawn.
 */
import type { BehaviourResult } from '../analysis/behaviour.js';
import type { LayerResult, ZooAnalysis } from '../analysis/types.js';

const f3 = (v: number): string => v.toFixed(3);
const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** Where consistency is highest and lowest. */
export function consistencyFinding(z: ZooAnalysis, named: boolean): string | null {
  const layers = z.layers.filter((l) => finite(l.consistency.mean_r2));
  if (layers.length < 2) return null;
  let hi = layers[0]!;
  let lo = layers[0]!;
  for (const l of layers) {
    if (l.consistency.mean_r2 > hi.consistency.mean_r2) hi = l;
    if (l.consistency.mean_r2 < lo.consistency.mean_r2) lo = l;
  }
  return `${named ? `${z.name}: h` : 'H'}ighest at ${hi.name} (${f3(hi.consistency.mean_r2)}), lowest at ${lo.name} (${f3(lo.consistency.mean_r2)}).`;
}

/** The instance that agrees least with the others, averaged over layers and pairs. */
export function pairOutlierFinding(z: ZooAnalysis): string | null {
  const k = z.instances.length;
  if (k < 3) return null;
  const sums = new Array<number>(k).fill(0);
  const counts = new Array<number>(k).fill(0);
  for (const l of z.layers) {
    l.consistency.matrix_r2.forEach((row, a) => row.forEach((v, b) => {
      if (a !== b && finite(v)) {
        sums[a]! += v;
        counts[a]!++;
      }
    }));
  }
  const means = sums.map((s, a) => (counts[a]! > 0 ? s / counts[a]! : Number.NaN));
  const valid = means.filter(finite);
  if (valid.length < 3) return null;
  let worst = 0;
  means.forEach((m, a) => {
    if (finite(m) && !(means[worst]! <= m)) worst = a;
  });
  const overall = valid.reduce((a, b) => a + b, 0) / valid.length;
  return `Lowest mean r² with the other instances: ${z.instances[worst]} (${f3(means[worst]!)}; mean over instances ${f3(overall)}).`;
}

/** Mean r between instances' RDMs of the same layer, at the first and the last layer. */
export function secondOrderFinding(z: ZooAnalysis): string | null {
  const so = z.second_order;
  if (!so || z.layers.length < 2 || z.instances.length < 2) return null;
  const meanAt = (layer: string): number => {
    const idx = so.items.map((it, i) => (it.layer === layer ? i : -1)).filter((i) => i >= 0);
    let sum = 0;
    let count = 0;
    for (let x = 0; x < idx.length; x++) {
      for (let y = x + 1; y < idx.length; y++) {
        const v = so.matrix[idx[x]!]![idx[y]!];
        if (finite(v)) {
          sum += v;
          count++;
        }
      }
    }
    return count > 0 ? sum / count : Number.NaN;
  };
  const first = z.layers[0]!.name;
  const last = z.layers[z.layers.length - 1]!.name;
  const a = meanAt(first);
  const b = meanAt(last);
  if (!finite(a) || !finite(b)) return null;
  return `Mean r between instances: ${f3(a)} at ${first}, ${f3(b)} at ${last}.`;
}

/** Centroid against within-category consistency at the deepest layer where both are defined. */
export function centroidExemplarFinding(z: ZooAnalysis): string | null {
  const both = (l: LayerResult): boolean => finite(l.centroid?.mean_r2) && finite(l.within_category?.mean_r2);
  const l = [...z.layers].reverse().find(both);
  if (!l) return null;
  const c = l.centroid!.mean_r2;
  const w = l.within_category!.mean_r2;
  const relation = c > w ? 'higher than' : c < w ? 'lower than' : 'equal to';
  return `At ${l.name}, centroid consistency (${f3(c)}) is ${relation} within-category consistency (${f3(w)}).`;
}

export function behaviourFinding(b: BehaviourResult): string | null {
  const acc = b.accuracy.filter(finite);
  if (acc.length === 0) return null;
  const range = acc.length > 1 ? `${f3(Math.min(...acc))}–${f3(Math.max(...acc))}` : f3(acc[0]!);
  const kappa = finite(b.mean_error_consistency) ? `; mean error consistency κ = ${f3(b.mean_error_consistency)}` : '';
  return `Accuracy ${range}${kappa}.`;
}
