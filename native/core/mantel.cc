#include "mantel.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>

#include "gather_dot.h"
#include "mantel_engines.h"
#include "rng.h"
#include "thread_pool.h"

namespace seedscope {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Early stops prove a statistic below the threshold by at least this much more.
constexpr double kStopMargin = 1e-7;

// The dot engine keeps every permuted RDM square (float above N = 64); beyond
// this much memory the generic engine (no copies, slower) takes over.
constexpr double kDotEngineMaxBytes = 2.0 * 1024 * 1024 * 1024;
double dot_engine_bytes(std::size_t n, std::size_t k, bool all_pairs) {
  double permuted = all_pairs ? static_cast<double>(k - 1) : 1.0;
  return permuted * static_cast<double>(n) * static_cast<double>(n) * 4.0 +
         static_cast<double>(k) * static_cast<double>(n) * static_cast<double>(n) * 6.0;
}

bool has_nonfinite(const double* x, std::size_t m) {
  for (std::size_t i = 0; i < m; ++i)
    if (!std::isfinite(x[i])) return true;
  return false;
}
}  // namespace

MantelResult mantel_test(const std::vector<const double*>& rdms, std::size_t n,
                         const MantelOptions& opt, const Progress& progress) {
  const std::size_t k = rdms.size();
  if (k < 2) throw std::invalid_argument("a Mantel test needs at least 2 RDMs");
  if (n < 3) throw std::invalid_argument("a Mantel test needs RDMs of at least 3 stimuli");
  if (opt.permutations < 1) throw std::invalid_argument("permutations must be at least 1");
  const std::size_t m = n * (n - 1) / 2;

  std::vector<MantelPair> pairs;
  if (opt.all_pairs) {
    for (std::size_t b = 1; b < k; ++b)
      for (std::size_t a = 0; a < b; ++a) pairs.push_back({a, b});
  } else {
    pairs.push_back({0, 1});
  }

  bool any_nan = false;
  for (const double* r : rdms) any_nan = any_nan || has_nonfinite(r, m);

  if (any_nan) {
    // The observed NaN pattern must leave enough entries (permutations that do
    // not are counted as not exceeding).
    for (const auto& p : pairs) {
      try {
        compare_vectors(opt.method, rdms[p.a], rdms[p.b], m);
      } catch (const TooFewEntries& e) {
        throw TooFewEntries("RDMs " + std::to_string(p.a) + " and " + std::to_string(p.b) + ": " + e.what());
      }
    }
  }

  std::unique_ptr<MantelEngine> engine;
  MantelResult result;
  if (opt.method == PairMethod::TauA && !any_nan) {
    engine = make_tau_engine(rdms, n, pairs);
    result.path = "tau-a";
  } else if (any_nan || opt.method == PairMethod::TauA || dot_engine_bytes(n, k, opt.all_pairs) > kDotEngineMaxBytes) {
    engine = make_generic_engine(rdms, n, pairs, opt.method);
    result.path = "generic";
  } else {
    engine = make_dot_engine(rdms, n, pairs, opt.method, opt.threads);
    result.path = "dot";
  }

  // Observed statistics through the same engine as the permutations, so ties
  // compare like with like.
  std::vector<std::int32_t> identity(n);
  std::iota(identity.begin(), identity.end(), 0);
  const std::int32_t* id_ptr = identity.data();
  std::vector<double> observed(pairs.size());
  engine->evaluate(&id_ptr, 1, observed.data(), progress, -std::numeric_limits<double>::infinity());
  for (std::size_t q = 0; q < pairs.size(); ++q) {
    if (std::isnan(observed[q]))
      throw std::invalid_argument("the statistic of RDMs " + std::to_string(pairs[q].a) + " and " +
                                  std::to_string(pairs[q].b) +
                                  " is undefined (an RDM is constant over the entries compared)");
  }

  // Below this, a permutation's statistics change nothing that is reported.
  double stop_below = -std::numeric_limits<double>::infinity();
  const std::vector<double> reported = engine->reported(observed);
  if (engine->can_stop_early()) {
    const std::vector<double>& reported_obs = reported;
    double thr = opt.keep_null_max ? opt.null_floor : std::numeric_limits<double>::infinity();
    for (std::size_t q = 0; q < pairs.size(); ++q) thr = std::min({thr, observed[q], reported_obs[q]});
    if (std::isfinite(thr)) stop_below = thr - kTieTolerance - kStopMargin;
  }
  engine->prepare(stop_below);

  const std::uint64_t total_exact = factorial_up_to(n, opt.permutations);
  result.exact = total_exact != 0;
  result.permutations = result.exact ? total_exact : opt.permutations;
  result.k = k;
  const std::uint64_t total = result.permutations;
  if (opt.keep_null_max) result.null_max.assign(total, kNaN);

  const std::size_t block = engine->block_size();
  const std::size_t n_blocks = static_cast<std::size_t>((total + block - 1) / block);
  const std::size_t np = pairs.size();
  std::vector<std::uint64_t> counts(np, 0);
  std::mutex mutex;
  std::atomic<std::uint64_t> done{0};
  parallel_for(n_blocks, opt.threads, [&](std::size_t blk, int) {
    progress.check();
    const std::uint64_t p0 = static_cast<std::uint64_t>(blk) * block;
    const std::size_t q = static_cast<std::size_t>(std::min<std::uint64_t>(block, total - p0));
    std::vector<std::int32_t> perm_store(q * n);
    std::vector<const std::int32_t*> perms(q);
    for (std::size_t p = 0; p < q; ++p) {
      std::int32_t* dst = perm_store.data() + p * n;
      if (result.exact) nth_permutation(p0 + p, n, dst);
      else random_permutation(CounterRng(opt.seed, RngDomain::MantelPermutation, p0 + p), n, dst);
      perms[p] = dst;
    }
    std::vector<double> values(q * np);
    engine->evaluate(perms.data(), q, values.data(), progress, stop_below);
    std::vector<std::uint64_t> local(np, 0);
    for (std::size_t p = 0; p < q; ++p) {
      double mx = kNaN;
      for (std::size_t s = 0; s < np; ++s) {
        double v = values[p * np + s];
        if (v >= observed[s] - kTieTolerance) ++local[s];
        if (!std::isnan(v) && !(v <= mx)) mx = v;
      }
      if (opt.keep_null_max) result.null_max[p0 + p] = mx;
    }
    {
      std::lock_guard<std::mutex> lock(mutex);
      for (std::size_t s = 0; s < np; ++s) counts[s] += local[s];
    }
    progress.report(static_cast<double>(done.fetch_add(q) + q), static_cast<double>(total));
  });

  result.screened = engine->screened();
  result.statistic.assign(k * k, kNaN);
  result.count.assign(k * k, kNaN);
  for (std::size_t s = 0; s < np; ++s) {
    std::size_t a = pairs[s].a, b = pairs[s].b;
    result.statistic[a * k + b] = result.statistic[b * k + a] = reported[s];
    result.count[a * k + b] = result.count[b * k + a] = static_cast<double>(counts[s]);
  }
  return result;
}

}  // namespace seedscope
