#include "consistency.h"

#include <cmath>
#include <limits>

namespace seedscope {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

ConsistencyData::ConsistencyData(std::vector<const double*> rdms, std::size_t n, PairMethod method)
    : rdms_(std::move(rdms)), n_(n), m_(n * (n - 1) / 2), method_(method) {
  for (const double* r : rdms_)
    for (std::size_t t = 0; t < m_ && !any_nonfinite_; ++t)
      if (!std::isfinite(r[t])) any_nonfinite_ = true;
}

void ConsistencyData::pairwise(const std::vector<std::uint32_t>& counts, const std::vector<bool>& need,
                               double* out, const Progress& progress) const {
  const std::size_t k = rdms_.size();
  for (std::size_t t = 0; t < k * k; ++t) out[t] = kNaN;
  // The entries of the resampled RDM, as (condensed index, repeats).
  std::vector<std::uint32_t> index;
  std::vector<std::uint32_t> repeats;
  std::size_t len = 0;
  for (std::size_t i = 0, t = 0; i < n_; ++i) {
    for (std::size_t j = i + 1; j < n_; ++j, ++t) {
      std::uint64_t w = static_cast<std::uint64_t>(counts[i]) * counts[j];
      if (w == 0) continue;
      index.push_back(static_cast<std::uint32_t>(t));
      repeats.push_back(static_cast<std::uint32_t>(w));
      len += w;
    }
  }
  std::vector<std::vector<double>> values(k);
  for (std::size_t r = 0; r < k; ++r) {
    if (!need[r]) continue;
    progress.check();
    values[r].resize(len);
    double* v = values[r].data();
    const double* src = rdms_[r];
    for (std::size_t e = 0, o = 0; e < index.size(); ++e) {
      double x = src[index[e]];
      for (std::uint32_t c = 0; c < repeats[e]; ++c) v[o++] = x;
    }
  }
  if (len < 3) return;  // all NaN: too few entries
  if (!any_nonfinite_ && is_dot_method(method_)) {
    // Prepared once per instance, then every pair is one dot product.
    std::vector<bool> ok(k, false);
    for (std::size_t r = 0; r < k; ++r) {
      if (!need[r]) continue;
      std::vector<double> z(len);
      ok[r] = prepare_vector(method_, values[r].data(), len, z.data());
      values[r].swap(z);
    }
    for (std::size_t a = 0; a < k; ++a) {
      if (!need[a]) continue;
      progress.check();
      for (std::size_t b = a + 1; b < k; ++b) {
        if (!need[b]) continue;
        double v = kNaN;
        if (ok[a] && ok[b]) {
          double s = 0.0;
          const double* x = values[a].data();
          const double* y = values[b].data();
          for (std::size_t t = 0; t < len; ++t) s += x[t] * y[t];
          v = finish(method_, s);
        }
        out[a * k + b] = out[b * k + a] = v;
      }
    }
    return;
  }
  for (std::size_t a = 0; a < k; ++a) {
    if (!need[a]) continue;
    for (std::size_t b = a + 1; b < k; ++b) {
      if (!need[b]) continue;
      progress.check();
      double v;
      try {
        v = compare_vectors(method_, values[a].data(), values[b].data(), len);
      } catch (const TooFewEntries&) {
        v = kNaN;
      }
      out[a * k + b] = out[b * k + a] = v;
    }
  }
}

double weighted_mean_pairwise(const double* c, std::size_t k, const std::vector<std::uint32_t>& w) {
  double num = 0.0, den = 0.0;
  for (std::size_t a = 0; a < k; ++a) {
    if (w[a] == 0) continue;
    for (std::size_t b = a + 1; b < k; ++b) {
      if (w[b] == 0) continue;
      double v = c[a * k + b];
      if (!std::isfinite(v)) continue;
      double ww = static_cast<double>(w[a]) * static_cast<double>(w[b]);
      num += ww * v;
      den += ww;
    }
  }
  return den > 0.0 ? num / den : kNaN;
}

}  // namespace seedscope
