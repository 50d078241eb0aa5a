// Two-factor bootstrap (stimuli × instances) of a layer's mean pairwise
// Pearson r (or r²), without materialising any resampled RDM.
//
// A stimulus resample with counts c gives RDM entry (i, j), i < j, the weight
// c_i·c_j (entries pairing a stimulus with its own copy are dropped), so every
// pairwise r of the resample follows from weighted sums Σ w, Σ w·a_k,
// Σ w·a_k², Σ w·a_k·a_l. For a block of samples these sums are
// Σ_i c_i Σ_{j>i} c_j f(i, j): a matrix product over stimuli that keeps the
// samples' counts in cache, instead of one pass over all entries per sample.
// Counts are drawn exactly as bootstrap.cc draws them (same counter-based
// streams), so both give the same replicates up to rounding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "progress.h"

namespace seedscope {

struct PearsonBootstrapOptions {
  std::uint64_t samples = 1000;
  std::uint64_t seed = 0;
  bool resample_instances = true;  // false: stimuli only
  bool squared = true;             // mean of r² (true) or of r
  int threads = 0;
};

// rdms: K condensed vectors of n(n−1)/2 finite entries. Returns one replicate
// of the mean pairwise statistic per sample (NaN where undefined).
std::vector<double> bootstrap_pearson(const std::vector<const double*>& rdms, std::size_t n,
                                      const PearsonBootstrapOptions& opt, const Progress& progress);

}  // namespace seedscope
