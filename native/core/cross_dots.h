// Small dense products A·Bᵀ summed in float64: every row of A against every
// row of B (na × nb dot products of length d), for the N × C products of
// activations with class centroids (rdm_split.h). Float products are exact in
// float64, so float input is summed with no more rounding than double input.
// Register blocks of rows × columns; AVX-512 / AVX2 / portable versions are
// chosen at run time (cpu_features.h). Each entry is summed in one order that
// depends only on d and the instruction set, never on the blocking or the
// thread, and out[i][j] of A·Aᵀ equals out[j][i] exactly.
#pragma once

#include <cstddef>

namespace seedscope {

// out[i·ldo + j] = Σ_k a[i·d + k] · b[j·d + k] for i < na, j < nb.
void cross_dots(const float* a, std::size_t na, const float* b, std::size_t nb, std::size_t d,
                double* out, std::size_t ldo);
void cross_dots(const double* a, std::size_t na, const double* b, std::size_t nb, std::size_t d,
                double* out, std::size_t ldo);

}  // namespace seedscope
