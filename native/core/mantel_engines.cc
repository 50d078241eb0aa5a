#include "mantel_engines.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include "compare_tau.h"
#include "gather_dot.h"

namespace seedscope {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---------------------------------------------------------------- dot engine
// Square storage of the permuted RDMs: float above this N (half the memory
// traffic of the gather; products are still exact in float64), double below.
constexpr std::size_t kFloatSquareFromN = 64;

template <typename T>
class DotEngine final : public MantelEngine {
 public:
  DotEngine(const std::vector<const double*>& rdms, std::size_t n, const std::vector<MantelPair>& pairs,
            PairMethod method)
      : n_(n), m_(n * (n - 1) / 2), k_(rdms.size()), pairs_(pairs), method_(method) {
    z_.resize(k_);
    zt_.resize(k_);
    zf_.resize(k_);
    sq_.resize(k_);
    std::vector<bool> permuted(k_, false), fixed(k_, false);
    for (const auto& p : pairs_) {
      permuted[p.b] = true;
      fixed[p.a] = true;
    }
    for (std::size_t r = 0; r < k_; ++r) {
      if (!permuted[r] && !fixed[r]) continue;
      z_[r].resize(m_);
      if (!prepare_vector(method_, rdms[r], m_, z_[r].data()))
        throw std::invalid_argument("RDM " + std::to_string(r) +
                                    " is constant: its correlation with any RDM is undefined");
      if (fixed[r]) zt_[r].assign(z_[r].begin(), z_[r].end());
      if (fixed[r] && pairs_.size() > 1) zf_[r].assign(z_[r].begin(), z_[r].end());
      if (!permuted[r]) continue;
      sq_[r].assign(n_ * n_, T(0));
      std::size_t idx = 0;
      for (std::size_t i = 0; i < n_; ++i)
        for (std::size_t j = i + 1; j < n_; ++j, ++idx)
          sq_[r][i * n_ + j] = sq_[r][j * n_ + i] = static_cast<T>(z_[r][idx]);
    }
    // The fixed and the permuted RDMs (ascending), and where each pair's
    // statistic lands in their product.
    for (std::size_t r = 0; r < k_; ++r) {
      if (fixed[r]) a_ids_.push_back(r);
      if (permuted[r]) b_ids_.push_back(r);
    }
    for (const auto& p : pairs_) {
      std::size_t ai = static_cast<std::size_t>(std::find(a_ids_.begin(), a_ids_.end(), p.a) - a_ids_.begin());
      std::size_t bi = static_cast<std::size_t>(std::find(b_ids_.begin(), b_ids_.end(), p.b) - b_ids_.begin());
      pair_slot_.push_back(ai * b_ids_.size() + bi);
    }
  }

  // Permutations share each row of the permuted RDMs while it is in L1.
  std::size_t block_size() const override { return pairs_.size() == 1 ? 32 : 32; }

  // Rows of the permuted RDM are visited in storage order r = 0..n−1 (a stream
  // the prefetcher follows, each row reused by every permutation of the block);
  // row r of the permuted RDM meets row i = π⁻¹(r) of the fixed one:
  //   Σ_{j>i} a(i, j) · b(r, π(j)).
  void evaluate(const std::int32_t* const* perms, std::size_t q, double* out,
                const Progress& progress) const override {
    const std::size_t np = pairs_.size();
    std::fill(out, out + q * np, 0.0);
    std::vector<std::int32_t> inverse(q * n_);
    for (std::size_t p = 0; p < q; ++p)
      for (std::size_t i = 0; i < n_; ++i) inverse[p * n_ + static_cast<std::size_t>(perms[p][i])] = static_cast<std::int32_t>(i);
    std::vector<double> gathered(np == 1 ? 0 : b_ids_.size() * n_);
    std::vector<const double*> gptr(b_ids_.size());
    std::vector<const float*> aptr(a_ids_.size());
    std::vector<double> rect(a_ids_.size() * b_ids_.size());
    for (std::size_t r = 0; r < n_; ++r) {
      if ((r & 15) == 0) progress.check();
      const std::size_t row = r * n_;
      for (std::size_t p = 0; p < q; ++p) {
        const std::size_t i = static_cast<std::size_t>(inverse[p * n_ + r]);
        if (i + 1 >= n_) continue;
        const std::size_t len = n_ - 1 - i;
        const std::size_t off = condensed_row_offset(n_, i);
        const std::int32_t* idx = perms[p] + i + 1;
        double* acc = out + p * np;
        if (np == 1) {
          acc[0] += gather_dot(zt_[pairs_[0].a].data() + off, sq_[pairs_[0].b].data() + row, idx, len);
          continue;
        }
        // All pairs: gather each permuted row once, then one small matrix
        // product of the fixed rows against the gathered ones.
        for (std::size_t g = 0; g < b_ids_.size(); ++g) {
          gather_into(sq_[b_ids_[g]].data() + row, idx, len, gathered.data() + g * n_);
          gptr[g] = gathered.data() + g * n_;
        }
        for (std::size_t x = 0; x < a_ids_.size(); ++x) aptr[x] = zf_[a_ids_[x]].data() + off;
        // The fixed rows of the next step start at a random place: fetch them now.
        {
          const std::size_t p2 = p + 1 < q ? p : (r + 1 < n_ ? 0 : q);
          const std::size_t r2 = p + 1 < q ? r : r + 1;
          if (p2 < q) {
            const std::size_t pn = p + 1 < q ? p + 1 : 0;
            (void)p2;
            const std::size_t i2 = static_cast<std::size_t>(inverse[pn * n_ + r2]);
            if (i2 + 1 < n_) {
              const std::size_t off2 = condensed_row_offset(n_, i2), len2 = n_ - 1 - i2;
              for (std::size_t x = 0; x < a_ids_.size(); ++x) {
                const char* base = reinterpret_cast<const char*>(zf_[a_ids_[x]].data() + off2);
                for (std::size_t c = 0; c < len2 * sizeof(float); c += 64) __builtin_prefetch(base + c, 0, 1);
              }
            }
          }
        }
        tile_dots(aptr.data(), a_ids_.data(), a_ids_.size(), gptr.data(), b_ids_.data(), b_ids_.size(), len,
                  rect.data());
        for (std::size_t s = 0; s < np; ++s) acc[s] += rect[pair_slot_[s]];
      }
    }
    for (std::size_t t = 0; t < q * np; ++t) out[t] = finish(method_, out[t]);
  }

  std::vector<double> reported(const std::vector<double>&) const override {
    std::vector<double> r(pairs_.size());
    for (std::size_t s = 0; s < pairs_.size(); ++s)
      r[s] = finish(method_, dot_mixed(z_[pairs_[s].a].data(), z_[pairs_[s].b].data(), m_));
    return r;
  }

 private:
  std::size_t n_, m_, k_;
  std::vector<MantelPair> pairs_;
  PairMethod method_;
  std::vector<std::vector<double>> z_;  // prepared, float64 (for the reported statistic)
  std::vector<std::vector<T>> zt_;      // prepared, storage type, for the fixed side (one pair)
  std::vector<std::vector<float>> zf_;  // prepared, float, for the fixed side (all pairs)
  std::vector<std::vector<T>> sq_;      // prepared, square, for the permuted side
  std::vector<std::size_t> a_ids_, b_ids_, pair_slot_;

  static void gather_into(const float* row, const std::int32_t* idx, std::size_t len, double* out) {
    gather_row_to_double(row, idx, len, out);
  }
  static void gather_into(const double* row, const std::int32_t* idx, std::size_t len, double* out) {
    gather_row(row, idx, len, out);
  }
};

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

  void evaluate(const std::int32_t* const* perms, std::size_t q, double* out,
                const Progress& progress) const override {
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

  void evaluate(const std::int32_t* const* perms, std::size_t q, double* out,
                const Progress& progress) const override {
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

std::unique_ptr<MantelEngine> make_dot_engine(const std::vector<const double*>& rdms, std::size_t n,
                                              const std::vector<MantelPair>& pairs, PairMethod method) {
  if (n >= kFloatSquareFromN) return std::make_unique<DotEngine<float>>(rdms, n, pairs, method);
  return std::make_unique<DotEngine<double>>(rdms, n, pairs, method);
}

std::unique_ptr<MantelEngine> make_tau_engine(const std::vector<const double*>& rdms, std::size_t n,
                                              const std::vector<MantelPair>& pairs) {
  return std::make_unique<TauEngine>(rdms, n, pairs);
}

std::unique_ptr<MantelEngine> make_generic_engine(const std::vector<const double*>& rdms, std::size_t n,
                                                  const std::vector<MantelPair>& pairs, PairMethod method) {
  return std::make_unique<GenericEngine>(rdms, n, pairs, method);
}

}  // namespace seedscope
