#include "consistency.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "gather_dot.h"

namespace seedscope {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

bool ConsistencyData::prepare_weighted(const double* src, const std::vector<std::uint32_t>& index,
                                       const std::vector<std::uint32_t>& weight, double total, double* z) const {
  const std::size_t e_count = index.size();
  for (std::size_t e = 0; e < e_count; ++e) z[e] = src[index[e]];
  if (method_ == PairMethod::Spearman || method_ == PairMethod::RhoA) {
    // Weighted average ranks: a group of tied values of total weight W after
    // C earlier copies holds ranks C+1 … C+W, mean C + (W + 1)/2.
    std::vector<std::uint32_t> order(e_count);
    for (std::size_t e = 0; e < e_count; ++e) order[e] = static_cast<std::uint32_t>(e);
    std::sort(order.begin(), order.end(), [z](std::uint32_t p, std::uint32_t q) { return z[p] < z[q]; });
    std::vector<double> rank(e_count);
    double before = 0.0;
    for (std::size_t s = 0; s < e_count;) {
      std::size_t t = s;
      double w = 0.0;
      while (t < e_count && z[order[t]] == z[order[s]]) w += weight[order[t++]];
      for (std::size_t u = s; u < t; ++u) rank[order[u]] = before + 0.5 * (w + 1.0);
      before += w;
      s = t;
    }
    std::copy(rank.begin(), rank.end(), z);
  }
  double scale;
  if (method_ == PairMethod::Cosine) {
    double ss = 0.0;
    for (std::size_t e = 0; e < e_count; ++e) ss += weight[e] * z[e] * z[e];
    if (!(ss > 0.0)) return false;
    scale = 1.0 / std::sqrt(ss);
  } else {
    double mean = 0.0;
    for (std::size_t e = 0; e < e_count; ++e) mean += weight[e] * z[e];
    mean /= total;
    double ss = 0.0;
    for (std::size_t e = 0; e < e_count; ++e) {
      z[e] -= mean;
      ss += weight[e] * z[e] * z[e];
    }
    if (!(ss > 0.0)) return false;
    scale = method_ == PairMethod::RhoA ? std::sqrt(12.0 / (total * total * total - total)) : 1.0 / std::sqrt(ss);
  }
  for (std::size_t e = 0; e < e_count; ++e) z[e] *= scale * std::sqrt(static_cast<double>(weight[e]));
  return true;
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
  if (len < 3) return;  // too few entries: every statistic undefined
  if (!any_nonfinite_ && is_dot_method(method_)) {
    // Weighted form: each distinct entry once with weight w = c·c', values
    // prepared so that a pair is one dot product. Equal to materialising the
    // w copies (ties among copies get their mean rank) at a fraction of the cost.
    std::vector<std::vector<double>> z(k);
    std::vector<bool> ok(k, false);
    for (std::size_t r = 0; r < k; ++r) {
      if (!need[r]) continue;
      progress.check();
      z[r].resize(index.size());
      ok[r] = prepare_weighted(rdms_[r], index, repeats, static_cast<double>(len), z[r].data());
    }
    for (std::size_t a = 0; a < k; ++a) {
      if (!need[a]) continue;
      progress.check();
      for (std::size_t b = a + 1; b < k; ++b) {
        if (!need[b]) continue;
        double v = kNaN;
        if (ok[a] && ok[b]) v = finish(method_, dot_mixed(z[a].data(), z[b].data(), index.size()));
        out[a * k + b] = out[b * k + a] = v;
      }
    }
    return;
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
