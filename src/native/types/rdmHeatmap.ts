export interface RdmHeatmapAddon {
  /**
   * Each pixel of a size × size RDM heatmap: the mean percentile/100 of the dissimilarities in its
   * block of the display-ordered n × n matrix (order: display position → stimulus; ties share
   * their mean rank; the diagonal is 0; NaN entries left out; NaN where a block has none).
   */
  rdmPercentileBlocks(condensed: Float64Array, n: number, order: Int32Array, size: number): Promise<Float64Array>;
}
