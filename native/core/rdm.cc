#include "rdm.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "gram.h"
#include "rdm_internal.h"
#include "thread_pool.h"

namespace seedscope {

namespace {

using namespace rdm_detail;

template <typename T>
std::vector<double> row_mean_estimates(const T* x, std::size_t n, std::size_t d) {
  std::vector<double> shift(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) shift[i] = row_mean_estimate(x + i * d, d);
  return shift;
}

template <typename T>
std::vector<T> column_offset(const T* x, std::size_t n, std::size_t d) {
  std::vector<const T*> rows(offset_row_count(n));
  for (std::size_t r = 0; r < rows.size(); ++r) rows[r] = x + offset_row(r, n) * d;
  return column_offset_of(rows.data(), rows.size(), d);
}

template <typename T, typename O>
std::vector<NanStimulus> rdm_impl(const T* x, std::size_t n, std::size_t d, const RdmOptions& opt,
                                  O* out, const Progress& progress) {
  const GramDistances dist(opt, d);
  const bool corr = dist.needs_row_shift();
  const bool eucl = dist.needs_col_offset();

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

  // Per stimulus: its statistics from the diagonal, and whether its distances
  // are defined (rdm_internal.h, shared with the out-of-core RDM).
  std::vector<RowStat> stat(n);
  std::vector<NanStimulus> nan_rows;
  for (std::size_t i = 0; i < n; ++i) {
    NanReason why;
    if (!dist.row(g[i * n + i], corr ? sums[i] : 0.0, stat[i], why)) nan_rows.push_back({i, why});
  }
  auto d_ij = [&](std::size_t i, std::size_t j) -> double {  // i < j
    return dist.distance(g[i * n + j], stat[i], stat[j]);
  };

  // Rows of the output in blocks over threads (each value written once).
  constexpr std::size_t kRowsPerTask = 16;
  const std::size_t tasks = (n + kRowsPerTask - 1) / kRowsPerTask;
  parallel_for(tasks, opt.threads, [&](std::size_t t, int) {
    const std::size_t i_end = std::min(n, (t + 1) * kRowsPerTask);
    for (std::size_t i = t * kRowsPerTask; i < i_end; ++i) {
      if (opt.condensed) {
        O* o = out + (i + 1 < n ? condensed_index(i, i + 1, n) : 0);
        for (std::size_t j = i + 1; j < n; ++j) *o++ = static_cast<O>(d_ij(i, j));
      } else {
        O* o = out + i * n;
        for (std::size_t j = 0; j < i; ++j) o[j] = static_cast<O>(d_ij(j, i));
        o[i] = O(0);
        for (std::size_t j = i + 1; j < n; ++j) o[j] = static_cast<O>(d_ij(i, j));
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
