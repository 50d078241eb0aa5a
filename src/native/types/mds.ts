export interface MdsTopEigenNativeResult {
  /** the k largest eigenvalues of B = −½·J·D²·J, descending */
  values: Float64Array;
  /** k × n row-major: row t is the unit eigenvector of values[t] (sign unspecified) */
  vectors: Float64Array;
  /** Lanczos steps taken */
  steps: number;
}

export interface MdsAddon {
  /**
   * Top eigenpairs of classical MDS's double-centred matrix of a condensed distance vector
   * (n(n−1)/2 entries), by Lanczos on the implicit matrix; NaN/±inf distances count as the
   * mean finite squared distance. Results do not depend on threads.
   */
  mdsTopEigen(condensed: Float64Array, n: number, options: { k?: number; maxSteps?: number; threads?: number }): Promise<MdsTopEigenNativeResult>;
}
