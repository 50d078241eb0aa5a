#include "ranks.h"

#include <cmath>

#include "radix_sort.h"

namespace seedscope {

std::size_t average_ranks(const double* x, std::size_t n, double* out) {
  for (std::size_t i = 0; i < n; ++i)
    if (std::isnan(x[i])) out[i] = x[i];
  const std::vector<KeyIndex> s = sort_with_index(x, n);
  const std::size_t m = s.size();
  for (std::size_t b = 0; b < m;) {
    std::size_t e = b + 1;
    while (e < m && s[e].key == s[b].key) ++e;
    const double r = 0.5 * static_cast<double>(b + 1 + e);  // mean of ranks b+1..e
    for (std::size_t k = b; k < e; ++k) out[s[k].index] = r;
    b = e;
  }
  return m;
}

}  // namespace seedscope
