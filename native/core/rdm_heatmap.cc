#include "rdm_heatmap.h"

#include <cmath>
#include <limits>
#include <vector>

#include "ranks.h"

namespace seedscope {

void percentile_blocks(const double* condensed, std::size_t n, const std::int32_t* order, std::size_t size,
                       double* out) {
  const std::size_t len = n * (n - 1) / 2;
  std::vector<double> ranks(len);
  const std::size_t m = average_ranks(condensed, len, ranks.data());
  // 1-based mean rank r → doubled 0-based rank 2r − 2 (an integer); a lone entry weighs 1 at scale ½ (percentile 50)
  const double scale = m > 1 ? 1.0 / (2.0 * static_cast<double>(m - 1)) : 0.5;
  for (double& r : ranks)
    if (!std::isnan(r)) r = m > 1 ? 2.0 * r - 2.0 : 1.0;
  // pixel row offset and column of every stimulus, by its display position
  std::vector<std::size_t> row_of(n), col_of(n);
  for (std::size_t a = 0; a < n; ++a) {
    const std::size_t cell = a * size / n;
    row_of[static_cast<std::size_t>(order[a])] = cell * size;
    col_of[static_cast<std::size_t>(order[a])] = cell;
  }
  std::vector<double> sum(size * size, 0.0);
  std::vector<std::uint32_t> count(size * size, 0);
  // the condensed vector in its own order, each entry added to its two mirrored blocks
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t ri = row_of[i], ci = col_of[i];
    ++count[ri + ci];  // the diagonal: percentile 0
    for (std::size_t j = i + 1; j < n; ++j, ++k) {
      const double r = ranks[k];
      if (std::isnan(r)) continue;
      const std::size_t c1 = ri + col_of[j], c2 = row_of[j] + ci;
      sum[c1] += r;
      ++count[c1];
      sum[c2] += r;
      ++count[c2];
    }
  }
  for (std::size_t c = 0; c < size * size; ++c)
    out[c] = count[c] > 0 ? sum[c] * scale / static_cast<double>(count[c]) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace seedscope
