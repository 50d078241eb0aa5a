// K×K comparisons. Everything that depends on one RDM alone (ranks, means,
// norms, sort orders) is computed once per RDM; a pair is then a dot product
// (pearson, r2, spearman, rho-a, cosine: one Gram of the prepared vectors) or
// one gather and merge pass (tau-a). This is exact only when both RDMs keep
// the same entries, so RDMs are grouped by NaN pattern and pairs across
// groups fall back to compare_pair.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "compare.h"
#include "compare_tau.h"
#include "gram.h"
#include "pearson_sums.h"
#include "radix_sort.h"
#include "thread_pool.h"

namespace seedscope {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct PairIndex {
  std::size_t p, q;
};

// group[p] = the first RDM with exactly p's NaN pattern.
std::vector<std::size_t> nan_pattern_groups(const double* const* v, std::size_t k, std::size_t n,
                                            int threads) {
  std::vector<std::uint64_t> count(k), hash(k);
  parallel_for(k, threads, [&](std::size_t p, int) {
    std::uint64_t c = 0, h = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (std::isnan(v[p][i])) {
        ++c;
        h = (h ^ i) * 0x100000001b3ULL;
      }
    }
    count[p] = c;
    hash[p] = h;
  });
  std::vector<std::size_t> group(k);
  for (std::size_t p = 0; p < k; ++p) {
    group[p] = p;
    for (std::size_t r = 0; r < p; ++r) {
      if (group[r] != r || count[r] != count[p] || hash[r] != hash[p]) continue;
      bool same = true;
      for (std::size_t i = 0; count[p] > 0 && i < n && same; ++i)
        same = std::isnan(v[p][i]) == std::isnan(v[r][i]);
      if (same) {
        group[p] = r;
        break;
      }
    }
  }
  return group;
}

class Tally {
 public:
  Tally(const Progress& progress, double total) : progress_(progress), total_(total) {}
  void add(double d) {
    const double done = done_.fetch_add(static_cast<long long>(d)) + d;
    progress_.report(done, total_);
  }

 private:
  const Progress& progress_;
  double total_;
  std::atomic<long long> done_{0};
};

// Average ranks (as average_ranks in ranks.h) minus their mean, written
// straight from the sorted entries, with their sum of squares; NaN entries
// become 0. Returns the number of non-NaN entries.
std::size_t centred_ranks(const double* a, std::size_t n, double* z, double* ss) {
  const SortedEntries s = sort_with_index(a, n);
  const std::size_t m = s.size;
  if (m < n) std::fill(z, z + n, 0.0);
  const double mean = 0.5 * (static_cast<double>(m) + 1.0);  // exact for average ranks
  double sum = 0;
  for (std::size_t b = 0; b < m;) {
    std::size_t e = b + 1;
    while (e < m && s[e].key == s[b].key) ++e;
    const double c = 0.5 * static_cast<double>(b + 1 + e) - mean;  // mean of ranks b+1..e
    for (std::size_t k = b; k < e; ++k) z[s[k].index] = c;
    sum += static_cast<double>(e - b) * c * c;
    b = e;
  }
  *ss = sum;
  return m;
}

// Prepared vector of one RDM for the dot-product methods: NaN entries become 0
// so the Gram of two RDMs with the same pattern runs over the kept entries only.
// Returns false when the method is undefined for this RDM (see compare.h).
bool prepare_dot(const double* a, std::size_t n, CompareMethod method, double* z,
                 std::size_t* kept) {
  std::size_t m = 0;
  double ss = 0;
  if (method == CompareMethod::Spearman || method == CompareMethod::RhoA) {
    m = centred_ranks(a, n, z, &ss);
  } else if (method == CompareMethod::Cosine) {
    for (std::size_t i = 0; i < n; ++i) {
      const bool nan = std::isnan(a[i]);
      z[i] = nan ? 0.0 : a[i];
      m += !nan;
    }
  } else {  // pearson, r2
    double s = 0, first = kNaN;
    bool varies = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (std::isnan(a[i])) continue;
      if (m == 0) first = a[i];
      varies |= a[i] != first;
      s += a[i];
      ++m;
    }
    const double mean = m ? s / static_cast<double>(m) : 0.0;
    for (std::size_t i = 0; i < n; ++i) z[i] = std::isnan(a[i]) ? 0.0 : a[i] - mean;
    if (!varies) m = 0;  // constant: undefined
  }
  *kept = m;
  if (method != CompareMethod::Spearman && method != CompareMethod::RhoA)
    for (std::size_t i = 0; i < n; ++i) ss += z[i] * z[i];
  const std::size_t min_kept = method == CompareMethod::Cosine ? 1 : 2;
  if (m < min_kept || !(ss > 0)) return false;
  if (method != CompareMethod::RhoA) {  // rho-a keeps raw centred ranks: its scale is fixed
    const double inv = 1.0 / std::sqrt(ss);
    for (std::size_t i = 0; i < n; ++i) z[i] *= inv;
  }
  return true;
}

void dot_matrix(const double* const* v, std::size_t k, std::size_t n, CompareMethod method,
                const std::vector<std::size_t>& group, double* out, int threads,
                const Progress& progress, Tally& tally) {
  // Every entry is written by prepare_dot: no need to zero 8·K·n bytes first.
  std::unique_ptr<double[]> z(new double[k * n]);
  std::vector<std::size_t> kept(k);
  std::vector<char> ok(k);
  parallel_for(k, threads, [&](std::size_t p, int) {
    progress.check();
    ok[p] = prepare_dot(v[p], n, method, z.get() + p * n, &kept[p]);
    tally.add(1);
  });
  progress.check();
  std::vector<double> g(k * k);
  gram_upper(z.get(), k, n, g.data(), threads, Progress());
  progress.check();
  for (std::size_t p = 0; p < k; ++p) {
    for (std::size_t q = p; q < k; ++q) {
      if (group[p] != group[q]) continue;  // filled pair by pair
      double r = kNaN;
      if (ok[p] && ok[q]) {
        if (method == CompareMethod::RhoA) {
          const double m = static_cast<double>(kept[p]);
          r = 12.0 * g[p * k + q] / (m * m * m - m);
        } else {
          r = p == q ? 1.0 : std::max(-1.0, std::min(1.0, g[p * k + q]));
          if (method == CompareMethod::R2) r *= r;
        }
      }
      out[p * k + q] = out[q * k + p] = r;
    }
  }
}

// Per RDM for tau-a: the kept entries in ascending order, each entry's dense
// rank (equal values share one), and the runs of ties in that order.
struct TauPrep {
  std::vector<std::uint32_t> order, dense;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> tie_runs;  // [begin, end) in order
  std::uint64_t ties = 0;
};

void prepare_tau(const double* a, std::size_t n, TauPrep* t) {
  const SortedEntries s = sort_with_index(a, n);
  const std::size_t m = s.size;
  t->order.resize(m);
  t->dense.assign(n, 0);
  std::uint32_t rank = 0;
  for (std::size_t b = 0; b < m;) {
    std::size_t e = b + 1;
    while (e < m && s[e].key == s[b].key) ++e;
    for (std::size_t i = b; i < e; ++i) {
      t->order[i] = static_cast<std::uint32_t>(s[i].index);
      t->dense[s[i].index] = rank;
    }
    if (e - b > 1) {
      t->tie_runs.emplace_back(static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(e));
      const std::uint64_t len = e - b;
      t->ties += len * (len - 1) / 2;
    }
    ++rank;
    b = e;
  }
}

// tau-a of two RDMs with the same kept entries, from their preparations.
double tau_prepared(const TauPrep& a, const TauPrep& b, std::uint32_t* seq, std::uint32_t* tmp) {
  const std::size_t m = a.order.size();
  for (std::size_t i = 0; i < m; ++i) seq[i] = b.dense[a.order[i]];
  std::uint64_t ties_ab = 0;
  for (const auto& [lo, hi] : a.tie_runs) {  // within a tie of a, order by b
    std::sort(seq + lo, seq + hi);
    ties_ab += tau_detail::tied_pairs_sorted(seq + lo, hi - lo);
  }
  const std::uint64_t inv = tau_detail::count_inversions(seq, tmp, m);
  return tau_detail::tau_a_from_counts(m, a.ties, b.ties, ties_ab, inv);
}

void tau_matrix(const double* const* v, std::size_t k, std::size_t n,
                const std::vector<std::size_t>& group, double* out, int threads,
                const Progress& progress, Tally& tally) {
  std::vector<TauPrep> prep(k);
  parallel_for(k, threads, [&](std::size_t p, int) {
    progress.check();
    prepare_tau(v[p], n, &prep[p]);
    tally.add(1);
  });
  std::vector<PairIndex> pairs;
  for (std::size_t p = 0; p < k; ++p) {
    const std::uint64_t m = prep[p].order.size();
    out[p * k + p] = tau_detail::tau_a_from_counts(m, prep[p].ties, prep[p].ties, prep[p].ties, 0);
    for (std::size_t q = p + 1; q < k; ++q)
      if (group[p] == group[q]) pairs.push_back({p, q});
  }
  const int workers = resolve_threads(threads, pairs.size());
  std::vector<std::vector<std::uint32_t>> seq(workers), tmp(workers);
  parallel_for(pairs.size(), threads, [&](std::size_t i, int w) {
    progress.check();
    const auto [p, q] = pairs[i];
    const std::size_t m = prep[p].order.size();
    seq[w].resize(m);
    tmp[w].resize(m);
    out[p * k + q] = out[q * k + p] = tau_prepared(prep[p], prep[q], seq[w].data(), tmp[w].data());
    tally.add(1);
  });
}

}  // namespace

void compare_matrix(const double* const* vectors, std::size_t k, std::size_t n,
                    CompareMethod method, double* out, int threads, const Progress& progress) {
  if (k == 0) return;
  if ((method == CompareMethod::Pearson || method == CompareMethod::R2) && k <= kPearsonSumsMaxK) {
    // a few RDMs without NaN: one pass, no centred copy (pearson_sums.h)
    PearsonSums sums;
    if (pearson_sums(vectors, k, n, nullptr, threads, progress, &sums)) {
      pearson_from_sums(sums, k, 0, method == CompareMethod::R2, out);
      progress.report(1.0, 1.0);
      return;
    }
  }
  const std::vector<std::size_t> group = nan_pattern_groups(vectors, k, n, threads);
  std::vector<PairIndex> cross;  // pairs with different NaN patterns
  for (std::size_t p = 0; p < k; ++p)
    for (std::size_t q = p + 1; q < k; ++q)
      if (group[p] != group[q]) cross.push_back({p, q});
  Tally tally(progress, static_cast<double>(k + k * (k - 1) / 2));
  // Dense ranks are 32-bit; beyond that (N > 92,681 stimuli) every pair is
  // computed on its own.
  const bool tau_fits = n <= std::numeric_limits<std::uint32_t>::max();
  if (method == CompareMethod::TauA && !tau_fits) {
    for (std::size_t p = 0; p < k; ++p)
      for (std::size_t q = p; q < k; ++q)
        if (p == q || group[p] == group[q]) cross.push_back({p, q});
    tally.add(static_cast<double>(k));
  } else if (method == CompareMethod::TauA) {
    tau_matrix(vectors, k, n, group, out, threads, progress, tally);
  } else {
    dot_matrix(vectors, k, n, method, group, out, threads, progress, tally);
    tally.add(static_cast<double>(k * (k - 1) / 2 - cross.size()));
  }
  parallel_for(cross.size(), threads, [&](std::size_t i, int) {
    progress.check();
    const auto [p, q] = cross[i];
    out[p * k + q] = out[q * k + p] = compare_pair(vectors[p], vectors[q], n, method);
    tally.add(1);
  });
}

}  // namespace seedscope
