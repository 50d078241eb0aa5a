#include "row_effects.h"

namespace seedscope {

std::vector<double> split_row_effects(const std::vector<double>& z, std::size_t n, RowEffects& effects) {
  std::vector<double>& rs = effects.row_sum;
  rs.assign(n, 0.0);
  double total = 0;
  for (std::size_t i = 0, t = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j, ++t) {
      rs[i] += z[t];
      rs[j] += z[t];
      total += z[t];
    }
  std::vector<double>& u = effects.u;
  u.resize(n);
  const double shift = total / static_cast<double>(n - 1), div = static_cast<double>(n - 2);
  for (std::size_t i = 0; i < n; ++i) u[i] = (rs[i] - shift) / div;
  std::vector<double> res(z.size());
  for (std::size_t i = 0, t = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j, ++t) res[t] = z[t] - u[i] - u[j];
  return res;
}

template <typename S>
void row_sums_and_squares(const std::vector<S>& e, std::size_t n, std::vector<double>& row_sum,
                          std::vector<double>& row_sq) {
  row_sum.assign(n, 0.0);
  row_sq.assign(n, 0.0);
  for (std::size_t i = 0, t = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j, ++t) {
      const double v = static_cast<double>(e[t]);
      row_sum[i] += v;
      row_sum[j] += v;
      row_sq[i] += v * v;
    }
}

template void row_sums_and_squares<float>(const std::vector<float>&, std::size_t, std::vector<double>&,
                                          std::vector<double>&);
template void row_sums_and_squares<double>(const std::vector<double>&, std::size_t, std::vector<double>&,
                                           std::vector<double>&);

}  // namespace seedscope
