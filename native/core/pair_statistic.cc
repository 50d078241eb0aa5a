#include "pair_statistic.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "compare_tau.h"
#include "ranks.h"

namespace seedscope {

PairMethod parse_pair_method(const std::string& name) {
  if (name == "pearson") return PairMethod::Pearson;
  if (name == "r2") return PairMethod::R2;
  if (name == "spearman") return PairMethod::Spearman;
  if (name == "rho-a") return PairMethod::RhoA;
  if (name == "tau-a") return PairMethod::TauA;
  if (name == "cosine") return PairMethod::Cosine;
  throw std::invalid_argument("unknown comparison method '" + name + "'");
}

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Centres x in place; returns the norm of the centred vector.
double centre(double* x, std::size_t len) {
  double mean = 0.0;
  for (std::size_t i = 0; i < len; ++i) mean += x[i];
  mean /= static_cast<double>(len);
  double ss = 0.0;
  for (std::size_t i = 0; i < len; ++i) {
    x[i] -= mean;
    ss += x[i] * x[i];
  }
  return std::sqrt(ss);
}
}  // namespace

bool prepare_vector(PairMethod method, const double* x, std::size_t len, double* z) {
  if (method == PairMethod::Spearman || method == PairMethod::RhoA) average_ranks(x, len, z);
  else std::copy(x, x + len, z);
  double scale;
  if (method == PairMethod::Cosine) {
    double ss = 0.0;
    for (std::size_t i = 0; i < len; ++i) ss += z[i] * z[i];
    if (!(ss > 0.0)) return false;
    scale = 1.0 / std::sqrt(ss);
  } else {
    double norm = centre(z, len);
    if (!(norm > 0.0)) return false;
    if (method == PairMethod::RhoA) {
      double n = static_cast<double>(len);
      scale = std::sqrt(12.0 / (n * n * n - n));
    } else {
      scale = 1.0 / norm;
    }
  }
  for (std::size_t i = 0; i < len; ++i) z[i] *= scale;
  return true;
}

namespace {
// Dense integer ranks (0-based, ties share a rank).
std::vector<std::int32_t> dense_ranks(const double* x, std::size_t len) {
  std::vector<std::size_t> idx(len);
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [x](std::size_t p, std::size_t q) { return x[p] < x[q]; });
  std::vector<std::int32_t> r(len);
  std::int32_t rank = -1;
  for (std::size_t t = 0; t < len; ++t) {
    if (t == 0 || x[idx[t]] != x[idx[t - 1]]) ++rank;
    r[idx[t]] = rank;
  }
  return r;
}

std::uint64_t tied_pairs(std::vector<std::int32_t> v) {
  std::sort(v.begin(), v.end());
  std::uint64_t ties = 0;
  for (std::size_t s = 0; s < v.size();) {
    std::size_t e = s + 1;
    while (e < v.size() && v[e] == v[s]) ++e;
    std::uint64_t c = e - s;
    ties += c * (c - 1) / 2;
    s = e;
  }
  return ties;
}
}  // namespace

double tau_a(const double* a, const double* b, std::size_t len) {
  if (len < 2) return kNaN;
  std::vector<std::int32_t> ra = dense_ranks(a, len), rb = dense_ranks(b, len);
  std::vector<std::size_t> order(len);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t p, std::size_t q) {
    return ra[p] != ra[q] ? ra[p] < ra[q] : rb[p] < rb[q];
  });
  std::vector<std::int32_t> seq(len), tmp(len);
  std::uint64_t n1 = 0, n3 = 0;
  for (std::size_t s = 0; s < len;) {
    std::size_t e = s + 1;
    while (e < len && ra[order[e]] == ra[order[s]]) ++e;
    std::uint64_t c = e - s;
    n1 += c * (c - 1) / 2;
    for (std::size_t u = s; u < e;) {  // joint ties inside the a-tie group
      std::size_t w = u + 1;
      while (w < e && rb[order[w]] == rb[order[u]]) ++w;
      std::uint64_t d = w - u;
      n3 += d * (d - 1) / 2;
      u = w;
    }
    s = e;
  }
  for (std::size_t t = 0; t < len; ++t) seq[t] = rb[order[t]];
  std::uint64_t n2 = tied_pairs(rb);
  std::uint64_t discordant = tau_detail::count_inversions(reinterpret_cast<std::uint32_t*>(seq.data()),
                                                          reinterpret_cast<std::uint32_t*>(tmp.data()), len);
  double n0 = 0.5 * static_cast<double>(len) * static_cast<double>(len - 1);
  double diff = n0 - static_cast<double>(n1) - static_cast<double>(n2) + static_cast<double>(n3) -
                2.0 * static_cast<double>(discordant);
  return diff / n0;
}

double compare_vectors(PairMethod method, const double* a, const double* b, std::size_t len) {
  std::vector<double> ka, kb;
  ka.reserve(len);
  kb.reserve(len);
  for (std::size_t i = 0; i < len; ++i) {
    if (std::isfinite(a[i]) && std::isfinite(b[i])) {
      ka.push_back(a[i]);
      kb.push_back(b[i]);
    }
  }
  std::size_t n = ka.size();
  if (n < 3)
    throw TooFewEntries("only " + std::to_string(n) +
                        " entries are finite in both RDMs; at least 3 are needed");
  if (method == PairMethod::TauA) return tau_a(ka.data(), kb.data(), n);
  std::vector<double> za(n), zb(n);
  if (!prepare_vector(method, ka.data(), n, za.data()) || !prepare_vector(method, kb.data(), n, zb.data()))
    return kNaN;
  double s = 0.0;
  for (std::size_t i = 0; i < n; ++i) s += za[i] * zb[i];
  return finish(method, s);
}

}  // namespace seedscope
