/**
 * What must not change between two runs of the same analysis (cold and warm,
 * resumed, local and on SLURM, memoised statistics or computed): the parts of
 * results.json that hold the science, without the run's metadata and timing.
 */
export function science(doc: Record<string, unknown>): unknown {
  return { layers: doc.layers, behaviour: doc.behaviour, second_order: doc.second_order, mantel: doc.mantel };
}
