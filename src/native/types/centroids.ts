export interface CentroidsAddon {
  /**
   * Class centroids (rows × d, float32) of n × d activations: row r is the mean of the
   * stimuli i with rowOf[i] = r (float64 sums in stimulus order times invCount[r]). With
   * subtract, each stimulus's centroid is subtracted from data in place.
   */
  classCentroids(data: Float32Array, n: number, d: number, rowOf: Int32Array, invCount: Float64Array,
    options: { subtract?: boolean; threads?: number }): Promise<Float32Array>;
}
