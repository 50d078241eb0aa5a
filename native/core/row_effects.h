// The row-effect split of the Mantel dot engine (mantel_engines.h): a
// prepared condensed RDM is z(i, j) = u(i) + u(j) + e(i, j), u by least
// squares, so that every row of the residual e sums to 0. Under a
// permutation the row-effect terms of a statistic cost O(n) exactly; only e
// is gathered, and early stops bound the rest of a sum by the norms of e.
#pragma once

#include <cstddef>
#include <vector>

namespace seedscope {

struct RowEffects {
  std::vector<double> u;        // the row effects
  std::vector<double> row_sum;  // full (symmetric) row sums of z
};

// Returns the residual e (condensed) of z and fills `effects`. n ≥ 3.
std::vector<double> split_row_effects(const std::vector<double>& z, std::size_t n, RowEffects& effects);

// Of a stored condensed RDM: its full (symmetric) row sums, and the squared
// norm of each condensed row (the entries j > i).
template <typename S>
void row_sums_and_squares(const std::vector<S>& e, std::size_t n, std::vector<double>& row_sum,
                          std::vector<double>& row_sq);

}  // namespace seedscope
