// Comparing two zoos (e.g. with and without dropout; docs/definitions.md,
// "Zoo difference test"): per layer the statistic is T = mean pairwise
// consistency within zoo A − within zoo B; the null permutes instance labels
// between the zoos (the same relabelling for every layer, since the instances
// are the same networks). Two-sided:
// k = relabellings with |T*| ≥ |T| − kTieTolerance, p = (k + 1)/(P + 1), or
// k / C(KA+KB, KA) when every relabelling is enumerated (identity included).
// The max-statistic correction over layers uses max_l |T*_l| per relabelling.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "progress.h"

namespace seedscope {

struct ZooTestResult {
  std::vector<double> difference;  // per layer: T
  std::vector<double> count;       // per layer: k
  std::vector<double> count_max;   // per layer: relabellings with max_l |T*_l| ≥ |T| − tol
  std::uint64_t permutations = 0;
  bool exact = false;
};

// pairwise: one (KA+KB)×(KA+KB) consistency matrix per layer, zoo A's instances first.
ZooTestResult zoo_permutation_test(const std::vector<const double*>& pairwise, std::size_t ka,
                                   std::size_t kb, std::uint64_t permutations, std::uint64_t seed,
                                   const Progress& progress);

}  // namespace seedscope
