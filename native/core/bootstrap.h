// Bootstrap of a layer's mean pairwise consistency (docs/definitions.md,
// "Bootstrap"): resample stimuli (entries of a stimulus with its own copy
// dropped), instances (pairs of an instance with its own copy dropped), or both
// at once (two-factor). Sample b draws from stream b of the seed, so replicates
// do not depend on threads.
// Jackknife values for the BCa acceleration come with it on request:
// leave-one-instance-out, and for stimuli a delete-a-group jackknife over
// `jackknife_groups` groups (stimulus i in group i mod G), which keeps the cost
// at G evaluations instead of N.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "pair_statistic.h"
#include "progress.h"

namespace seedscope {

enum class ResampleOver { Stimuli, Instances, Both };

struct BootstrapOptions {
  PairMethod method = PairMethod::R2;
  ResampleOver over = ResampleOver::Stimuli;
  std::uint64_t samples = 1000;
  std::uint64_t seed = 0;
  int threads = 0;
  bool jackknife = false;
  std::size_t jackknife_groups = 50;
};

struct BootstrapResult {
  double estimate = 0.0;                // mean pairwise consistency on the data
  std::vector<double> pairwise;         // K×K statistic on the data (NaN diagonal)
  std::vector<double> replicates;       // one per sample; NaN when undefined
  std::vector<double> jack_stimuli;     // delete-a-group values (stimuli, both)
  std::vector<double> jack_instances;   // leave-one-out values (instances, both)
};

BootstrapResult bootstrap_consistency(const std::vector<const double*>& rdms, std::size_t n,
                                      const BootstrapOptions& options, const Progress& progress);

// The mean pairwise consistency matrix of K RDMs on all stimuli (threaded over pairs).
std::vector<double> pairwise_consistency(const std::vector<const double*>& rdms, std::size_t n,
                                         PairMethod method, int threads, const Progress& progress);

}  // namespace seedscope
