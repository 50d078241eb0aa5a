// Single-pair comparisons: the reference path, and the fallback of the K×K
// matrix for pairs whose NaN patterns differ.
#include "compare.h"

#include <cmath>
#include <limits>
#include <vector>

#include "ranks.h"

namespace seedscope {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Pearson r over the entries finite in both; two passes (means first) so large
// offsets, common in distance RDMs, cost no precision.
double pearson_kept(const double* a, const double* b, std::size_t n) {
  std::size_t m = 0;
  double sa = 0, sb = 0;
  double a0 = kNaN, b0 = kNaN;
  bool a_varies = false, b_varies = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(a[i]) || std::isnan(b[i])) continue;
    if (m == 0) {
      a0 = a[i];
      b0 = b[i];
    }
    a_varies |= a[i] != a0;
    b_varies |= b[i] != b0;
    sa += a[i];
    sb += b[i];
    ++m;
  }
  // A constant vector is tested exactly: its rounded mean need not equal its
  // value, and the tiny variance left would give a meaningless r.
  if (m < 2 || !a_varies || !b_varies) return kNaN;
  const double ma = sa / static_cast<double>(m), mb = sb / static_cast<double>(m);
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(a[i]) || std::isnan(b[i])) continue;
    const double da = a[i] - ma, db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (!(saa > 0) || !(sbb > 0)) return kNaN;
  return sab / std::sqrt(saa * sbb);
}

double cosine_kept(const double* a, const double* b, std::size_t n) {
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(a[i]) || std::isnan(b[i])) continue;
    sab += a[i] * b[i];
    saa += a[i] * a[i];
    sbb += b[i] * b[i];
  }
  if (!(saa > 0) || !(sbb > 0)) return kNaN;
  return sab / std::sqrt(saa * sbb);
}

// Average ranks of a and b among the entries kept in both.
std::size_t ranks_kept(const double* a, const double* b, std::size_t n, std::vector<double>* ra,
                       std::vector<double>* rb) {
  std::vector<double> ka, kb;
  ka.reserve(n);
  kb.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(a[i]) || std::isnan(b[i])) continue;
    ka.push_back(a[i]);
    kb.push_back(b[i]);
  }
  const std::size_t m = ka.size();
  ra->resize(m);
  rb->resize(m);
  average_ranks(ka.data(), m, ra->data());
  average_ranks(kb.data(), m, rb->data());
  return m;
}

double rho_a_kept(const double* a, const double* b, std::size_t n) {
  std::vector<double> ra, rb;
  const std::size_t m = ranks_kept(a, b, n, &ra, &rb);
  if (m < 2) return kNaN;
  const double mean = 0.5 * (static_cast<double>(m) + 1.0);  // exact for average ranks
  double s = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < m; ++i) {
    const double da = ra[i] - mean, db = rb[i] - mean;
    s += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (!(saa > 0) || !(sbb > 0)) return kNaN;  // constant: see compare.h
  const double md = static_cast<double>(m);
  return 12.0 * s / (md * md * md - md);
}

}  // namespace

bool parse_compare_method(const std::string& name, CompareMethod* out) {
  static const struct {
    const char* name;
    CompareMethod method;
  } kMethods[] = {{"pearson", CompareMethod::Pearson}, {"r2", CompareMethod::R2},
                  {"spearman", CompareMethod::Spearman}, {"rho-a", CompareMethod::RhoA},
                  {"tau-a", CompareMethod::TauA},       {"cosine", CompareMethod::Cosine}};
  for (const auto& m : kMethods) {
    if (name == m.name) {
      *out = m.method;
      return true;
    }
  }
  return false;
}

const char* compare_method_name(CompareMethod m) {
  switch (m) {
    case CompareMethod::Pearson: return "pearson";
    case CompareMethod::R2: return "r2";
    case CompareMethod::Spearman: return "spearman";
    case CompareMethod::RhoA: return "rho-a";
    case CompareMethod::TauA: return "tau-a";
    case CompareMethod::Cosine: return "cosine";
  }
  return "unknown";
}

double compare_pair(const double* a, const double* b, std::size_t n, CompareMethod method) {
  switch (method) {
    case CompareMethod::Pearson: return pearson_kept(a, b, n);
    case CompareMethod::R2: {
      const double r = pearson_kept(a, b, n);
      return r * r;
    }
    case CompareMethod::Spearman: {
      std::vector<double> ra, rb;
      const std::size_t m = ranks_kept(a, b, n, &ra, &rb);
      return pearson_kept(ra.data(), rb.data(), m);
    }
    case CompareMethod::RhoA: return rho_a_kept(a, b, n);
    case CompareMethod::TauA: return kendall_tau_a(a, b, n);
    case CompareMethod::Cosine: return cosine_kept(a, b, n);
  }
  return kNaN;
}

}  // namespace seedscope
