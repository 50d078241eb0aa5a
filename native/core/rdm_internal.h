// Internals of compute_rdm (rdm.cc) shared with the out-of-core RDM
// (rdm_out_of_core.cc), so that both do the same arithmetic: the shifts the
// Gram product is computed with, and the step from Gram entries to distances.
// Not for use outside the RDM code.
//
// Every quantity here depends on one row (its shift, its statistics from
// G_ii) or on two rows (a distance from G_ij), never on where the rows sit in
// the matrix: a Gram entry of gram.h depends only on the two packed rows and d
// (fp32 sums over fixed 512-column blocks, added in float64 in column order),
// so the Gram of any subset of rows holding i and j gives the same G_ij.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "rdm.h"

namespace seedscope {
namespace rdm_detail {

// Elements sampled per row to estimate its mean for the correlation shift. The
// estimate only needs to be near the mean (within a fraction of the row's
// spread) so the exact correction C − s sᵀ/D cancels little; for a constant
// row it equals the constant exactly, so the row packs to zeros.
constexpr std::size_t kMeanSamples = 256;
// Rows averaged for the Euclidean column offset.
constexpr std::size_t kOffsetRows = 8;

template <typename T>
double row_mean_estimate(const T* row, std::size_t d) {
  const std::size_t step = std::max<std::size_t>(1, d / kMeanSamples);
  double s = 0.0;
  std::size_t count = 0;
  for (std::size_t k = 0; k < d; k += step, ++count) s += static_cast<double>(row[k]);
  const double m = s / static_cast<double>(count);
  // A non-finite row is reported anyway; a finite shift keeps the others clean.
  return std::isfinite(m) ? m : 0.0;
}

template <typename T>
bool row_is_finite(const T* row, std::size_t d) {
  for (std::size_t k = 0; k < d; ++k)
    if (!std::isfinite(row[k])) return false;
  return true;
}

// The rows the Euclidean column offset averages: min(n, kOffsetRows) of them,
// spread over the matrix.
inline std::size_t offset_row_count(std::size_t n) { return std::min(n, kOffsetRows); }
inline std::size_t offset_row(std::size_t r, std::size_t n) { return r * n / offset_row_count(n); }

// The column offset from those rows (rows[r] is row offset_row(r, n)); rows
// with a non-finite value are left out.
template <typename T>
std::vector<T> column_offset_of(const T* const* rows, std::size_t count, std::size_t d) {
  std::vector<double> acc(d, 0.0);
  std::size_t used = 0;
  for (std::size_t r = 0; r < count; ++r) {
    const T* row = rows[r];
    if (!row_is_finite(row, d)) continue;
    for (std::size_t k = 0; k < d; ++k) acc[k] += static_cast<double>(row[k]);
    ++used;
  }
  std::vector<T> off(d, T(0));
  if (used > 0)
    for (std::size_t k = 0; k < d; ++k) off[k] = static_cast<T>(acc[k] / static_cast<double>(used));
  return off;
}

inline std::size_t condensed_index(std::size_t i, std::size_t j, std::size_t n) {
  // i < j: rows 0..i-1 hold (n-1) + (n-2) + ... + (n-i) entries.
  return i * n - i * (i + 1) / 2 + (j - i - 1);
}

// What a distance needs of one row: its squared norm after centring (or not),
// 1/√ of it (correlation, cosine), its packed sum (correlation), and whether
// its distances are defined.
struct RowStat {
  double sq = 0.0, inv = 0.0, sum = 0.0;
  bool bad = false;
};

// Distances from Gram entries, for the metric and D of one RDM.
class GramDistances {
 public:
  GramDistances(const RdmOptions& opt, std::size_t d)
      : metric_(opt.metric),
        corr_(opt.metric == RdmMetric::Correlation),
        cosine_(opt.metric == RdmMetric::Cosine),
        eucl_(!corr_ && !cosine_),
        dd_(static_cast<double>(d)),
        scale_(opt.per_feature ? 1.0 / static_cast<double>(d) : 1.0) {}

  // The row's statistics from G_ii and its packed sum (correlation; else
  // ignored). Returns false, with the reason, when its distances are undefined.
  bool row(double gii, double sum, RowStat& st, NanReason& why) const {
    st = RowStat{};
    st.sum = sum;
    if (!std::isfinite(gii) || (corr_ && !std::isfinite(sum))) {
      st.bad = true;
      why = NanReason::NonFinite;
      return false;
    }
    if (corr_) gii -= sum * sum / dd_;
    st.sq = gii;
    if ((corr_ || cosine_) && !(gii > 0.0)) {
      st.bad = true;
      why = corr_ ? NanReason::ZeroVariance : NanReason::ZeroNorm;
      return false;
    }
    if (corr_ || cosine_) st.inv = 1.0 / std::sqrt(gii);
    return true;
  }

  // d(i, j) for i < j from G_ij.
  double distance(double gij, const RowStat& si, const RowStat& sj) const {
    if (si.bad || sj.bad) return std::numeric_limits<double>::quiet_NaN();
    if (eucl_) {
      double v = std::max(0.0, si.sq + sj.sq - 2.0 * gij) * scale_;
      return metric_ == RdmMetric::Euclidean ? std::sqrt(v) : v;
    }
    const double c = corr_ ? gij - si.sum * sj.sum / dd_ : gij;
    const double r = c * si.inv * sj.inv;
    return std::min(2.0, std::max(0.0, 1.0 - r));
  }

  bool needs_row_shift() const { return corr_; }
  bool needs_col_offset() const { return eucl_; }

 private:
  RdmMetric metric_;
  bool corr_, cosine_, eucl_;
  double dd_, scale_;
};

}  // namespace rdm_detail
}  // namespace seedscope
