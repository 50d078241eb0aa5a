// Representational dissimilarity matrices from activations (N stimuli × D
// features), for the metrics docs/definitions.md defines ("RDM metrics"). All
// four metrics rest on one Gram product (gram.h) of shifted rows:
//   correlation  rows shifted by an estimate of their mean; the centring is
//                finished exactly with the packed row sums (C − s sᵀ/D), then
//                r = C_ij / √(C_ii C_jj), d = 1 − r
//   cosine       no shift; d = 1 − C_ij / √(C_ii C_jj)
//   (sq)euclidean columns shifted by a sample of rows (distances do not move,
//                cancellation in C_ii + C_jj − 2 C_ij shrinks); clamped at 0;
//                per_feature divides the squared distance by D
#pragma once

#include <cstddef>
#include <vector>

#include "progress.h"

namespace seedscope {

enum class RdmMetric { Correlation, Cosine, Euclidean, SqEuclidean };

struct RdmOptions {
  RdmMetric metric = RdmMetric::Correlation;
  bool per_feature = false;  // sqeuclidean / D (euclidean: its square root)
  bool condensed = false;    // upper triangle, row-major (i < j), else N × N
  int threads = 0;           // 0 = all cores
};

// Why a stimulus has undefined (NaN) distances.
enum class NanReason {
  NonFinite,     // NaN or ±Inf in its row (or squares that overflow float32)
  ZeroVariance,  // constant row (correlation)
  ZeroNorm,      // all-zero row (cosine)
};

struct NanStimulus {
  std::size_t index;
  NanReason reason;
};

const char* nan_reason_name(NanReason r);

// Values in the output: N·N (square) or N(N−1)/2 (condensed).
std::size_t rdm_output_length(std::size_t n, bool condensed);

// x: n × d row-major (n ≥ 2, d ≥ 1); out: rdm_output_length(n, condensed)
// values. Square output has a zero diagonal and is symmetric. Entries of a
// stimulus listed in the result are NaN.
std::vector<NanStimulus> compute_rdm(const float* x, std::size_t n, std::size_t d,
                                     const RdmOptions& opt, float* out, const Progress& progress);
std::vector<NanStimulus> compute_rdm(const float* x, std::size_t n, std::size_t d,
                                     const RdmOptions& opt, double* out, const Progress& progress);
std::vector<NanStimulus> compute_rdm(const double* x, std::size_t n, std::size_t d,
                                     const RdmOptions& opt, float* out, const Progress& progress);
std::vector<NanStimulus> compute_rdm(const double* x, std::size_t n, std::size_t d,
                                     const RdmOptions& opt, double* out, const Progress& progress);

}  // namespace seedscope
