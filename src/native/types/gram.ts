export interface GramAddon {
  /**
   * Adds the Gram matrix of the shifted rows of data (rows × cols, row-major),
   * Σ_k (data[i][k] − shift[i])(data[j][k] − shift[j]), to gram (rows × rows, both
   * triangles) and Σ_k (data[i][k] − shift[i]) to rowSums, in place: one block of
   * columns of a product accumulated block by block.
   */
  gramAccumulate(data: Float64Array, rows: number, cols: number, shift: Float64Array, gram: Float64Array,
    rowSums: Float64Array, options: { threads?: number }): Promise<void>;
}
