#include "rdm.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "gram.h"
#include "thread_pool.h"

namespace seedscope {

namespace {

// Elements sampled per row to estimate its mean for the correlation shift. The
// estimate only needs to be near the mean (within a fraction of the row's
// spread) so the exact correction C − s sᵀ/D cancels little; for a constant
// row it equals the constant exactly, so the row packs to zeros.
constexpr std::size_t kMeanSamples = 256;
// Rows averaged for the Euclidean column offset.
constexpr std::size_t kOffsetRows = 8;

template <typename T>
std::vector<double> row_mean_estimates(const T* x, std::size_t n, std::size_t d) {
  std::vector<double> shift(n, 0.0);
  const std::size_t step = std::max<std::size_t>(1, d / kMeanSamples);
  for (std::size_t i = 0; i < n; ++i) {
    const T* row = x + i * d;
    double s = 0.0;
    std::size_t count = 0;
    for (std::size_t k = 0; k < d; k += step, ++count) s += static_cast<double>(row[k]);
    const double m = s / static_cast<double>(count);
    // A non-finite row is reported anyway; a finite shift keeps the others clean.
    shift[i] = std::isfinite(m) ? m : 0.0;
  }
  return shift;
}

template <typename T>
bool row_is_finite(const T* row, std::size_t d) {
  for (std::size_t k = 0; k < d; ++k)
    if (!std::isfinite(row[k])) return false;
  return true;
}

template <typename T>
std::vector<T> column_offset(const T* x, std::size_t n, std::size_t d) {
  std::vector<double> acc(d, 0.0);
  std::size_t used = 0;
  const std::size_t want = std::min(n, kOffsetRows);
  for (std::size_t r = 0; r < want; ++r) {
    const T* row = x + (r * n / want) * d;
    if (!row_is_finite(row, d)) continue;
    for (std::size_t k = 0; k < d; ++k) acc[k] += static_cast<double>(row[k]);
    ++used;
  }
  std::vector<T> off(d, T(0));
  if (used > 0)
    for (std::size_t k = 0; k < d; ++k) off[k] = static_cast<T>(acc[k] / static_cast<double>(used));
  return off;
}

std::size_t condensed_index(std::size_t i, std::size_t j, std::size_t n) {
  // i < j: rows 0..i-1 hold (n-1) + (n-2) + ... + (n-i) entries.
  return i * n - i * (i + 1) / 2 + (j - i - 1);
}

template <typename T, typename O>
std::vector<NanStimulus> rdm_impl(const T* x, std::size_t n, std::size_t d, const RdmOptions& opt,
                                  O* out, const Progress& progress) {
  const bool corr = opt.metric == RdmMetric::Correlation;
  const bool cosine = opt.metric == RdmMetric::Cosine;
  const bool eucl = !corr && !cosine;

  std::vector<double> shift, sums;
  std::vector<T> offset;
  if (corr) {
    shift = row_mean_estimates(x, n, d);
    sums.assign(n, 0.0);
  }
  if (eucl) offset = column_offset(x, n, d);

  // Only the upper triangle is written (and read below): no need to zero
  // the other half of an 8 MB buffer at N = 1000.
  std::unique_ptr<double[]> g(new double[n * n]);
  gram_upper_shifted(x, n, d, corr ? shift.data() : nullptr, eucl ? offset.data() : nullptr,
                     g.get(), corr ? sums.data() : nullptr, opt.threads, progress);
  progress.check();

  // Per stimulus: its squared norm after centring (or not), and whether its
  // distances are defined.
  const double dd = static_cast<double>(d);
  std::vector<double> sq(n), inv(n, 0.0);
  std::vector<char> bad(n, 0);
  std::vector<NanStimulus> nan_rows;
  for (std::size_t i = 0; i < n; ++i) {
    double gii = g[i * n + i];
    if (!std::isfinite(gii) || (corr && !std::isfinite(sums[i]))) {
      bad[i] = 1;
      nan_rows.push_back({i, NanReason::NonFinite});
      continue;
    }
    if (corr) gii -= sums[i] * sums[i] / dd;
    sq[i] = gii;
    if ((corr || cosine) && !(gii > 0.0)) {
      bad[i] = 1;
      nan_rows.push_back({i, corr ? NanReason::ZeroVariance : NanReason::ZeroNorm});
      continue;
    }
    if (corr || cosine) inv[i] = 1.0 / std::sqrt(gii);
  }

  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double scale = opt.per_feature ? 1.0 / dd : 1.0;
  auto dist = [&](std::size_t i, std::size_t j) -> double {  // i < j
    if (bad[i] || bad[j]) return nan;
    const double gij = g[i * n + j];
    if (eucl) {
      double v = std::max(0.0, sq[i] + sq[j] - 2.0 * gij) * scale;
      return opt.metric == RdmMetric::Euclidean ? std::sqrt(v) : v;
    }
    const double c = corr ? gij - sums[i] * sums[j] / dd : gij;
    const double r = c * inv[i] * inv[j];
    return std::min(2.0, std::max(0.0, 1.0 - r));
  };

  // Rows of the output in blocks over threads (each value written once).
  constexpr std::size_t kRowsPerTask = 16;
  const std::size_t tasks = (n + kRowsPerTask - 1) / kRowsPerTask;
  parallel_for(tasks, opt.threads, [&](std::size_t t, int) {
    const std::size_t i_end = std::min(n, (t + 1) * kRowsPerTask);
    for (std::size_t i = t * kRowsPerTask; i < i_end; ++i) {
      if (opt.condensed) {
        O* o = out + (i + 1 < n ? condensed_index(i, i + 1, n) : 0);
        for (std::size_t j = i + 1; j < n; ++j) *o++ = static_cast<O>(dist(i, j));
      } else {
        O* o = out + i * n;
        for (std::size_t j = 0; j < i; ++j) o[j] = static_cast<O>(dist(j, i));
        o[i] = O(0);
        for (std::size_t j = i + 1; j < n; ++j) o[j] = static_cast<O>(dist(i, j));
      }
    }
  });
  return nan_rows;
}

}  // namespace

const char* nan_reason_name(NanReason r) {
  switch (r) {
    case NanReason::NonFinite: return "non-finite";
    case NanReason::ZeroVariance: return "zero-variance";
    case NanReason::ZeroNorm: return "zero-norm";
  }
  return "undefined";
}

std::size_t rdm_output_length(std::size_t n, bool condensed) {
  return condensed ? n * (n - 1) / 2 : n * n;
}

std::vector<NanStimulus> compute_rdm(const float* x, std::size_t n, std::size_t d,
                                     const RdmOptions& opt, float* out, const Progress& progress) {
  return rdm_impl(x, n, d, opt, out, progress);
}
std::vector<NanStimulus> compute_rdm(const float* x, std::size_t n, std::size_t d,
                                     const RdmOptions& opt, double* out, const Progress& progress) {
  return rdm_impl(x, n, d, opt, out, progress);
}
std::vector<NanStimulus> compute_rdm(const double* x, std::size_t n, std::size_t d,
                                     const RdmOptions& opt, float* out, const Progress& progress) {
  return rdm_impl(x, n, d, opt, out, progress);
}
std::vector<NanStimulus> compute_rdm(const double* x, std::size_t n, std::size_t d,
                                     const RdmOptions& opt, double* out, const Progress& progress) {
  return rdm_impl(x, n, d, opt, out, progress);
}

}  // namespace seedscope
