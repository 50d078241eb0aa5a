#include "bootstrap.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "consistency.h"
#include "gather_dot.h"
#include "rng.h"
#include "thread_pool.h"

namespace seedscope {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<std::uint32_t> resample_counts(std::uint64_t seed, RngDomain domain, std::uint64_t stream,
                                           std::size_t size) {
  CounterRng rng(seed, domain, stream);
  std::vector<std::uint32_t> counts(size, 0);
  for (std::size_t t = 0; t < size; ++t) ++counts[static_cast<std::size_t>(rng.below(t, size))];
  return counts;
}
}  // namespace

std::vector<double> pairwise_consistency(const std::vector<const double*>& rdms, std::size_t n,
                                         PairMethod method, int threads, const Progress& progress) {
  const std::size_t k = rdms.size(), m = n * (n - 1) / 2;
  std::vector<double> out(k * k, kNaN);
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t b = a + 1; b < k; ++b) pairs.emplace_back(a, b);
  bool finite = true;
  for (const double* r : rdms)
    for (std::size_t t = 0; t < m && finite; ++t) finite = std::isfinite(r[t]);
  std::atomic<std::size_t> done{0};
  const double total = static_cast<double>(pairs.size() + (finite && is_dot_method(method) ? k : 0));
  if (finite && is_dot_method(method)) {
    // Ranks, means and norms once per RDM; then each pair is one dot product.
    std::vector<std::vector<double>> z(k, std::vector<double>(m));
    std::vector<char> ok(k, 0);
    parallel_for(k, threads, [&](std::size_t r, int) {
      progress.check();
      ok[r] = prepare_vector(method, rdms[r], m, z[r].data()) ? 1 : 0;
      progress.report(static_cast<double>(++done), total);
    });
    parallel_for(pairs.size(), threads, [&](std::size_t s, int) {
      progress.check();
      auto [a, b] = pairs[s];
      double v = kNaN;
      if (ok[a] && ok[b]) {
        v = finish(method, dot_mixed(z[a].data(), z[b].data(), m));
      }
      out[a * k + b] = out[b * k + a] = v;
      progress.report(static_cast<double>(++done), total);
    });
    return out;
  }
  parallel_for(pairs.size(), threads, [&](std::size_t s, int) {
    progress.check();
    auto [a, b] = pairs[s];
    double v;
    try {
      v = compare_vectors(method, rdms[a], rdms[b], m);
    } catch (const TooFewEntries&) {
      v = kNaN;
    }
    out[a * k + b] = out[b * k + a] = v;
    progress.report(static_cast<double>(++done), total);
  });
  return out;
}

BootstrapResult bootstrap_consistency(const std::vector<const double*>& rdms, std::size_t n,
                                      const BootstrapOptions& opt, const Progress& progress) {
  const std::size_t k = rdms.size();
  if (k < 2) throw std::invalid_argument("a mean pairwise consistency needs at least 2 RDMs");
  if (n < 3) throw std::invalid_argument("RDMs need at least 3 stimuli");
  if (opt.over != ResampleOver::Stimuli && k < 3)
    throw std::invalid_argument("resampling instances needs at least 3 RDMs");
  ConsistencyData data(rdms, n, opt.method);
  BootstrapResult res;
  res.pairwise = pairwise_consistency(rdms, n, opt.method, opt.threads, progress);
  const std::vector<std::uint32_t> all_instances(k, 1);
  res.estimate = weighted_mean_pairwise(res.pairwise.data(), k, all_instances);
  if (std::isnan(res.estimate))
    throw std::invalid_argument("the consistency of every pair is undefined (constant RDMs or too few finite entries)");

  const bool stimuli = opt.over != ResampleOver::Instances;
  const bool instances = opt.over != ResampleOver::Stimuli;
  const std::size_t groups = stimuli && opt.jackknife ? std::min(n, opt.jackknife_groups) : 0;
  const double total = static_cast<double>(opt.samples + groups);
  std::atomic<std::uint64_t> done{0};
  res.replicates.assign(opt.samples, kNaN);

  parallel_for(static_cast<std::size_t>(opt.samples), stimuli ? opt.threads : 1, [&](std::size_t b, int) {
    progress.check();
    std::vector<std::uint32_t> w = instances ? resample_counts(opt.seed, RngDomain::InstanceResample, b, k)
                                             : all_instances;
    if (stimuli) {
      std::vector<std::uint32_t> counts = resample_counts(opt.seed, RngDomain::StimulusResample, b, n);
      std::vector<bool> need(k);
      for (std::size_t r = 0; r < k; ++r) need[r] = w[r] > 0;
      std::vector<double> c(k * k);
      data.pairwise(counts, need, c.data(), progress);
      res.replicates[b] = weighted_mean_pairwise(c.data(), k, w);
    } else {
      res.replicates[b] = weighted_mean_pairwise(res.pairwise.data(), k, w);
    }
    progress.report(static_cast<double>(++done), total);
  });

  if (opt.jackknife && instances) {
    for (std::size_t r = 0; r < k; ++r) {
      std::vector<std::uint32_t> w(k, 1);
      w[r] = 0;
      res.jack_instances.push_back(weighted_mean_pairwise(res.pairwise.data(), k, w));
    }
  }
  if (groups > 0) {
    res.jack_stimuli.assign(groups, kNaN);
    std::vector<bool> need(k, true);
    parallel_for(groups, opt.threads, [&](std::size_t g, int) {
      std::vector<std::uint32_t> counts(n, 1);
      for (std::size_t i = g; i < n; i += groups) counts[i] = 0;
      std::vector<double> c(k * k);
      data.pairwise(counts, need, c.data(), progress);
      res.jack_stimuli[g] = weighted_mean_pairwise(c.data(), k, all_instances);
      progress.report(static_cast<double>(++done), total);
    });
  }
  return res;
}

}  // namespace seedscope
