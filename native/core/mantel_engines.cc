#include "mantel_engines.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include "compare_tau.h"

namespace seedscope {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// -------------------------------------------------------------- tau-a engine
struct DenseRanks {
  std::vector<std::int32_t> rank;
  std::uint64_t tied_pairs = 0;
};

DenseRanks dense_ranks_of(const double* x, std::size_t len) {
  std::vector<std::size_t> idx(len);
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [x](std::size_t p, std::size_t q) { return x[p] < x[q]; });
  DenseRanks d;
  d.rank.resize(len);
  std::int32_t r = -1;
  std::size_t run = 0;
  for (std::size_t t = 0; t < len; ++t) {
    if (t == 0 || x[idx[t]] != x[idx[t - 1]]) {
      d.tied_pairs += static_cast<std::uint64_t>(run) * (run > 0 ? run - 1 : 0) / 2;
      run = 0;
      ++r;
    }
    ++run;
    d.rank[idx[t]] = r;
  }
  d.tied_pairs += static_cast<std::uint64_t>(run) * (run > 0 ? run - 1 : 0) / 2;
  return d;
}

class TauEngine final : public MantelEngine {
 public:
  TauEngine(const std::vector<const double*>& rdms, std::size_t n, const std::vector<MantelPair>& pairs)
      : n_(n), m_(n * (n - 1) / 2), pairs_(pairs) {
    const std::size_t k = rdms.size();
    unperm_.resize(k);
    perm_sq_.resize(k);
    tied_.assign(k, 0);
    std::vector<bool> is_a(k, false), is_b(k, false);
    for (const auto& p : pairs) is_a[p.a] = is_b[p.b] = true;
    std::vector<std::int32_t> ri(m_), rj(m_);
    for (std::size_t i = 0, t = 0; i < n; ++i)
      for (std::size_t j = i + 1; j < n; ++j, ++t) ri[t] = static_cast<std::int32_t>(i), rj[t] = static_cast<std::int32_t>(j);
    for (std::size_t r = 0; r < k; ++r) {
      if (!is_a[r] && !is_b[r]) continue;
      DenseRanks d = dense_ranks_of(rdms[r], m_);
      tied_[r] = d.tied_pairs;
      if (is_a[r]) {
        Unpermuted& u = unperm_[r];
        std::vector<std::size_t> order(m_);
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](std::size_t p, std::size_t q) { return d.rank[p] < d.rank[q]; });
        u.ei.resize(m_);
        u.ej.resize(m_);
        for (std::size_t t = 0; t < m_; ++t) u.ei[t] = ri[order[t]], u.ej[t] = rj[order[t]];
        for (std::size_t s = 0; s < m_;) {
          std::size_t e = s + 1;
          while (e < m_ && d.rank[order[e]] == d.rank[order[s]]) ++e;
          if (e - s > 1) u.groups.emplace_back(s, e);
          s = e;
        }
      }
      if (is_b[r]) {
        perm_sq_[r].assign(n * n, 0);
        for (std::size_t t = 0; t < m_; ++t) {
          perm_sq_[r][static_cast<std::size_t>(ri[t]) * n + static_cast<std::size_t>(rj[t])] = d.rank[t];
          perm_sq_[r][static_cast<std::size_t>(rj[t]) * n + static_cast<std::size_t>(ri[t])] = d.rank[t];
        }
      }
    }
  }

  std::size_t block_size() const override { return 1; }

  void evaluate(const std::int32_t* const* perms, std::size_t q, double* out, const Progress& progress,
                double) const override {
    std::vector<std::int32_t> seq(m_), tmp(m_);
    const double n0 = 0.5 * static_cast<double>(m_) * static_cast<double>(m_ - 1);
    for (std::size_t p = 0; p < q; ++p) {
      const std::int32_t* pi = perms[p];
      for (std::size_t s = 0; s < pairs_.size(); ++s) {
        progress.check();
        const Unpermuted& u = unperm_[pairs_[s].a];
        const std::int32_t* rb = perm_sq_[pairs_[s].b].data();
        for (std::size_t t = 0; t < m_; ++t)
          seq[t] = rb[static_cast<std::size_t>(pi[u.ei[t]]) * n_ + static_cast<std::size_t>(pi[u.ej[t]])];
        std::uint64_t joint = 0;
        for (const auto& [g0, g1] : u.groups) {
          std::sort(seq.begin() + static_cast<std::ptrdiff_t>(g0), seq.begin() + static_cast<std::ptrdiff_t>(g1));
          for (std::size_t x = g0; x < g1;) {
            std::size_t y = x + 1;
            while (y < g1 && seq[y] == seq[x]) ++y;
            joint += static_cast<std::uint64_t>(y - x) * (y - x - 1) / 2;
            x = y;
          }
        }
        // Dense ranks are non-negative: the radix inversion count of the plain
        // comparisons applies.
        std::uint64_t disc = tau_detail::count_inversions(reinterpret_cast<std::uint32_t*>(seq.data()),
                                                          reinterpret_cast<std::uint32_t*>(tmp.data()), m_);
        double diff = n0 - static_cast<double>(tied_[pairs_[s].a]) - static_cast<double>(tied_[pairs_[s].b]) +
                      static_cast<double>(joint) - 2.0 * static_cast<double>(disc);
        out[p * pairs_.size() + s] = diff / n0;
      }
    }
  }

 private:
  struct Unpermuted {
    std::vector<std::int32_t> ei, ej;  // entries in the order of this RDM's values
    std::vector<std::pair<std::size_t, std::size_t>> groups;  // runs of tied values
  };
  std::size_t n_, m_;
  std::vector<MantelPair> pairs_;
  std::vector<Unpermuted> unperm_;
  std::vector<std::vector<std::int32_t>> perm_sq_;  // dense ranks, square
  std::vector<std::uint64_t> tied_;
};

// ------------------------------------------------------------ generic engine
class GenericEngine final : public MantelEngine {
 public:
  GenericEngine(const std::vector<const double*>& rdms, std::size_t n, const std::vector<MantelPair>& pairs,
                PairMethod method)
      : rdms_(rdms), n_(n), m_(n * (n - 1) / 2), pairs_(pairs), method_(method) {}

  std::size_t block_size() const override { return 1; }

  void evaluate(const std::int32_t* const* perms, std::size_t q, double* out, const Progress& progress,
                double) const override {
    std::vector<double> permuted(m_);
    for (std::size_t p = 0; p < q; ++p) {
      const std::int32_t* pi = perms[p];
      for (std::size_t s = 0; s < pairs_.size(); ++s) {
        progress.check();
        const double* b = rdms_[pairs_[s].b];
        for (std::size_t i = 0, t = 0; i < n_; ++i) {
          for (std::size_t j = i + 1; j < n_; ++j, ++t) {
            std::size_t u = static_cast<std::size_t>(pi[i]), v = static_cast<std::size_t>(pi[j]);
            permuted[t] = b[u < v ? condensed_index(n_, u, v) : condensed_index(n_, v, u)];
          }
        }
        double value;
        try {
          value = compare_vectors(method_, rdms_[pairs_[s].a], permuted.data(), m_);
        } catch (const TooFewEntries&) {
          value = kNaN;  // this permutation's NaN pattern leaves too little: never counts as ≥
        }
        out[p * pairs_.size() + s] = value;
      }
    }
  }

 private:
  std::vector<const double*> rdms_;
  std::size_t n_, m_;
  std::vector<MantelPair> pairs_;
  PairMethod method_;
};

}  // namespace

std::unique_ptr<MantelEngine> make_tau_engine(const std::vector<const double*>& rdms, std::size_t n,
                                              const std::vector<MantelPair>& pairs) {
  return std::make_unique<TauEngine>(rdms, n, pairs);
}

std::unique_ptr<MantelEngine> make_generic_engine(const std::vector<const double*>& rdms, std::size_t n,
                                                  const std::vector<MantelPair>& pairs, PairMethod method) {
  return std::make_unique<GenericEngine>(rdms, n, pairs, method);
}

}  // namespace seedscope
