// Linear centred kernel alignment (Kornblith et al. 2019) between the
// activations X (n×dx) and Y (n×dy) of the same n stimuli:
//   CKA = HSIC(K, L) / sqrt(HSIC(K, K) · HSIC(L, L)),  K = X·Xᵀ, L = Y·Yᵀ.
// Biased: HSIC = tr(K·H·L·H) / (n−1)² with H the centring matrix; this equals
// the cosine of the double-centred sqeuclidean RDMs (rsatoolbox's cosine_cov).
// Unbiased: the U-statistic of Song et al. (2012), as in Nguyen et al. (2021):
//   HSIC_u = [tr(K̃L̃) + 1ᵀK̃1·1ᵀL̃1 / ((n−1)(n−2)) − 2/(n−2)·1ᵀK̃L̃1] / (n(n−3)),
// K̃, L̃ = K, L with zeroed diagonals. Undefined results are NaN: n < 2 (biased)
// or n < 4 (unbiased), a representation with no variance across stimuli, or an
// unbiased HSIC(K, K)·HSIC(L, L) that is not positive.
#pragma once

#include <cstddef>

#include "progress.h"

namespace seedscope {

// One activation matrix: n rows of d features, float32 or float64, row-major.
struct CkaActivations {
  const float* f32 = nullptr;  // exactly one of f32 / f64 is set
  const double* f64 = nullptr;
  std::size_t d = 0;
};

double linear_cka(const CkaActivations& x, const CkaActivations& y, std::size_t n, bool unbiased,
                  int threads, const Progress& progress);

}  // namespace seedscope
