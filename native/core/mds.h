// Classical (Torgerson) MDS from a condensed distance vector: the top-k
// eigenpairs of B = −½·J·D²·J, without ever forming an n × n matrix.
//
// B·v is applied from the condensed squared distances (B = −½(S − r·1ᵀ −
// 1·rᵀ + a·1·1ᵀ), S the squared distances with a zero diagonal, r its row
// means, a its grand mean), so memory stays at the input plus a few vectors
// of n, and Lanczos with full re-orthogonalisation finds the top eigenpairs
// in a few dozen products. Undefined distances (NaN, ±inf) count as the mean
// finite squared distance, as src/analysis/mds.ts's doubleCentre does.
//
// The products are summed in a fixed number of row blocks, each into its own
// vector, added in block order: the result does not depend on `threads`.
#pragma once

#include <cstddef>

#include "progress.h"

namespace seedscope {

struct MdsEigenOptions {
  int k = 2;          // eigenpairs wanted (1 ≤ k ≤ n)
  int max_steps = 64; // Lanczos steps at most (capped at n)
  int threads = 0;    // 0: all cores
};

// values: k largest algebraic eigenvalues of B, descending (the Ritz values
// after the last step); vectors: k × n, row t the unit eigenvector of
// values[t] (sign unspecified). Returns the Lanczos steps taken.
int mds_top_eigen(const double* condensed, std::size_t n, const MdsEigenOptions& opt, double* values,
                  double* vectors, const Progress& progress);

// Eigen-decomposition of a small dense symmetric m × m matrix (row-major, in
// place) by cyclic Jacobi rotations: values[i] and column i of `vecs` (m × m,
// row-major). Exposed for the tests of the Lanczos driver.
void symmetric_eigen_jacobi(double* a, std::size_t m, double* values, double* vecs);

}  // namespace seedscope
