// The three RDMs the centroid/exemplar analysis needs from one layer
// (docs/definitions.md, "Centroid and exemplar analysis"), from one Gram
// product of the activations instead of two:
//   full       the RDM of X (N × D), as compute_rdm gives it;
//   centroids  the RDM of the C class centroids μ_c (the classes present, in
//              ascending class id; float64 sums, rounded to the input type);
//   removed    the RDM of X' = X − P·μ, each stimulus minus its class centroid.
// All four metrics and per_feature, as rdm.h defines them, condensed, float64.
// X is only read (never changed in place).
//
// How. With w_c the class centroids (centred for correlation, relative to the
// mean activation for the Euclidean metrics) every row of either RDM is a
// packed row P_i plus a multiple α_i ∈ {−1, 0, 1} of w_{class(i)}, so
//   T_ij = G_ij + α_j A_{i,class(j)} + α_i A_{j,class(i)} + α_i α_j B_{class(i),class(j)}
// with G = P·Pᵀ the one symmetric product (gram.h, fp32 blocks summed in
// float64), A = P·wᵀ (N × C) and B = w·wᵀ (C × C) in float64. Row sums and
// norms follow the same way. See rdm_split.cc for why this is as accurate as
// computing the two products directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "progress.h"
#include "rdm.h"

namespace seedscope {

// The distinct labels, ascending: the rows of the centroid RDM.
std::vector<std::int32_t> present_classes(const std::int32_t* labels, std::size_t n);

struct RdmSplitOutput {
  double* full;       // n(n−1)/2 values
  double* centroids;  // C(C−1)/2 values, C = present_classes(labels, n).size()
  double* removed;    // n(n−1)/2 values
};

// Stimuli (full, removed) and centroid rows (centroids: the index of the class
// in present_classes) whose distances are NaN, with the reason, ascending.
struct RdmSplitNan {
  std::vector<NanStimulus> full, centroids, removed;
};

// x: n × d row-major (n ≥ 2, d ≥ 1); labels: n class ids ≥ 0 with at least
// two distinct values. opt.condensed is ignored (always condensed).
RdmSplitNan compute_rdm_split(const float* x, std::size_t n, std::size_t d, const std::int32_t* labels,
                              const RdmOptions& opt, const RdmSplitOutput& out, const Progress& progress);
RdmSplitNan compute_rdm_split(const double* x, std::size_t n, std::size_t d, const std::int32_t* labels,
                              const RdmOptions& opt, const RdmSplitOutput& out, const Progress& progress);

}  // namespace seedscope
