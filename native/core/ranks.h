// Average ranks (ties get their mean rank, 1-based), skipping NaN entries.
// Shared by the Spearman/rho-a comparisons and the permutation tests: ranks are
// permutation-invariant, so they are computed once per RDM.
#pragma once

#include <cstddef>

namespace seedscope {

// out[i] = average rank of x[i] among the non-NaN entries; NaN stays NaN.
// Returns the number of non-NaN entries.
std::size_t average_ranks(const double* x, std::size_t n, double* out);

}  // namespace seedscope
