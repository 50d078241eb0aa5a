#include "ranks.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace seedscope {

std::size_t average_ranks(const double* x, std::size_t n, double* out) {
  std::vector<std::size_t> idx;
  idx.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(x[i])) out[i] = x[i];
    else idx.push_back(i);
  }
  std::sort(idx.begin(), idx.end(), [x](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::size_t m = idx.size();
  for (std::size_t s = 0; s < m;) {
    std::size_t e = s + 1;
    while (e < m && x[idx[e]] == x[idx[s]]) ++e;
    double r = 0.5 * static_cast<double>(s + 1 + e);  // mean of ranks s+1..e
    for (std::size_t k = s; k < e; ++k) out[idx[k]] = r;
    s = e;
  }
  return m;
}

}  // namespace seedscope
