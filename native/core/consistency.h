// Pairwise consistency of K instance RDMs on a multiset of stimuli: the
// building block of the bootstraps and the zoo comparison. A stimulus that
// occurs c times contributes each of its entries c·c' times (c' the count of
// the other stimulus); entries pairing a stimulus with its own copy do not
// exist, so they are dropped, as the stimulus bootstrap asks
// (docs/definitions.md, "Bootstrap").
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "pair_statistic.h"
#include "progress.h"

namespace seedscope {

class ConsistencyData {
 public:
  ConsistencyData(std::vector<const double*> rdms, std::size_t n, PairMethod method);
  std::size_t k() const { return rdms_.size(); }
  std::size_t n() const { return n_; }
  PairMethod method() const { return method_; }

  // out[a·K + b] (both triangles) for every pair with need(a) && need(b);
  // other entries NaN. counts: multiplicity of each stimulus (size n).
  void pairwise(const std::vector<std::uint32_t>& counts, const std::vector<bool>& need,
                double* out, const Progress& progress) const;

 private:
  // z = √w · (prepared value) over the distinct entries; false when constant.
  bool prepare_weighted(const double* src, const std::vector<std::uint32_t>& index,
                        const std::vector<std::uint32_t>& weight, double total, double* z) const;

  std::vector<const double*> rdms_;
  std::size_t n_, m_;
  PairMethod method_;
  bool any_nonfinite_ = false;
};

// Σ_{a<b} w_a w_b C_ab / Σ_{a<b} w_a w_b over pairs with finite C_ab: the mean
// over all pairs of a resampled instance list, pairs of an instance with its
// own copy dropped. NaN when no pair remains.
double weighted_mean_pairwise(const double* c, std::size_t k, const std::vector<std::uint32_t>& w);

}  // namespace seedscope
