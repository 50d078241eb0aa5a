#include "zoo_compare.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "mantel.h"
#include "rng.h"

namespace seedscope {

namespace {

// C(n, r) when it is at most limit, else 0.
std::uint64_t binomial_up_to(std::size_t n, std::size_t r, std::uint64_t limit) {
  r = std::min(r, n - r);
  unsigned __int128 c = 1;
  for (std::size_t i = 1; i <= r; ++i) {
    c = c * (n - r + i) / i;
    if (c > limit) return 0;
  }
  return static_cast<std::uint64_t>(c);
}

// The index-th r-subset of 0..n−1 in lexicographic order, as a membership mask.
void nth_subset(std::uint64_t index, std::size_t n, std::size_t r, std::vector<char>& in_a) {
  std::fill(in_a.begin(), in_a.end(), 0);
  std::size_t x = 0;
  for (std::size_t left = r; left > 0; ++x) {
    std::uint64_t with = binomial_up_to(n - x - 1, left - 1, ~0ull);
    if (index < with) {
      in_a[x] = 1;
      --left;
    } else {
      index -= with;
    }
  }
}

double mean_within(const double* c, std::size_t k, const std::vector<char>& in_a, char side) {
  double s = 0.0;
  std::size_t count = 0;
  for (std::size_t a = 0; a < k; ++a) {
    if (in_a[a] != side) continue;
    for (std::size_t b = a + 1; b < k; ++b) {
      if (in_a[b] != side) continue;
      s += c[a * k + b];
      ++count;
    }
  }
  return s / static_cast<double>(count);
}

}  // namespace

ZooTestResult zoo_permutation_test(const std::vector<const double*>& pairwise, std::size_t ka,
                                   std::size_t kb, std::uint64_t permutations, std::uint64_t seed,
                                   const Progress& progress) {
  if (ka < 2 || kb < 2) throw std::invalid_argument("each zoo needs at least 2 instances");
  if (permutations < 1) throw std::invalid_argument("permutations must be at least 1");
  const std::size_t k = ka + kb, layers = pairwise.size();
  for (const double* c : pairwise)
    for (std::size_t a = 0; a < k; ++a)
      for (std::size_t b = a + 1; b < k; ++b)
        if (!std::isfinite(c[a * k + b]))
          throw std::invalid_argument("a pairwise consistency is undefined (constant RDM or too few finite entries)");
  ZooTestResult res;
  const std::uint64_t exact_total = binomial_up_to(k, ka, permutations);
  res.exact = exact_total != 0;
  res.permutations = res.exact ? exact_total : permutations;

  std::vector<char> in_a(k, 0);
  for (std::size_t a = 0; a < ka; ++a) in_a[a] = 1;
  std::vector<double> observed(layers);
  for (std::size_t l = 0; l < layers; ++l)
    observed[l] = mean_within(pairwise[l], k, in_a, 1) - mean_within(pairwise[l], k, in_a, 0);
  res.difference = observed;
  res.count.assign(layers, 0.0);
  res.count_max.assign(layers, 0.0);

  std::vector<std::int32_t> perm(k);
  std::vector<double> t(layers);
  for (std::uint64_t p = 0; p < res.permutations; ++p) {
    if ((p & 1023) == 0) {
      progress.check();
      progress.report(static_cast<double>(p), static_cast<double>(res.permutations));
    }
    if (res.exact) {
      nth_subset(p, k, ka, in_a);
    } else {
      random_permutation(CounterRng(seed, RngDomain::ZooPermutation, p), k, perm.data());
      for (std::size_t x = 0; x < k; ++x) in_a[static_cast<std::size_t>(perm[x])] = x < ka ? 1 : 0;
    }
    double mx = 0.0;
    for (std::size_t l = 0; l < layers; ++l) {
      t[l] = std::fabs(mean_within(pairwise[l], k, in_a, 1) - mean_within(pairwise[l], k, in_a, 0));
      mx = std::max(mx, t[l]);
    }
    for (std::size_t l = 0; l < layers; ++l) {
      double obs = std::fabs(observed[l]) - kTieTolerance;
      if (t[l] >= obs) res.count[l] += 1.0;
      if (mx >= obs) res.count_max[l] += 1.0;
    }
  }
  progress.report(static_cast<double>(res.permutations), static_cast<double>(res.permutations));
  return res;
}

}  // namespace seedscope
