/**
 * Second-order analysis: every (instance, layer) RDM compared with every
 * other, and classical MDS of 1 − r, so each instance becomes a trajectory
 * through its layers. See docs/definitions.md, "Second-order analysis".
 */
import type { CollectedRdms } from './collectRdms.js';
import { toRows } from './consistency.js';
import type { AnalysisEngines, BaseMethod } from './engines.js';
import { classicalMds } from './mds.js';
import type { SecondOrderResult } from './types.js';

export async function secondOrder(c: CollectedRdms, method: BaseMethod, threads: number, engines: AnalysisEngines): Promise<SecondOrderResult | null> {
  const items: { instance: string; layer: string }[] = [];
  const vectors: Float64Array[] = [];
  for (const [ii, instance] of c.instances.entries()) {
    for (const [li, layer] of c.layers.entries()) {
      items.push({ instance, layer: layer.name });
      vectors.push(c.full[li]![ii]!);
    }
  }
  const m = items.length;
  if (m < 2 || (vectors[0]?.length ?? 0) < 3) return null;
  const matrix = await engines.compare.compareAll(vectors, method, threads);
  // dissimilarity of two RDMs: 1 − r (0 for identical RDMs)
  const dist = new Float64Array(m * m);
  for (let i = 0; i < m * m; i++) dist[i] = 1 - matrix[i]!;
  for (let i = 0; i < m; i++) dist[i * m + i] = 0;
  const mds = classicalMds(dist, m, 2);
  return {
    method,
    items,
    matrix: toRows(matrix, m),
    mds: items.map((it, i) => ({ ...it, x: mds.coords[i * 2]!, y: mds.coords[i * 2 + 1]! })),
  };
}
