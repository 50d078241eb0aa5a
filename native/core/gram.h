// The symmetric rank-k product C = A·Aᵀ that every RDM metric and linear CKA
// rest on. Only the upper triangle (j >= i, diagonal included) of the n×n
// row-major output is written; the lower triangle is left untouched.
// Accumulation is float64 across K-blocks, so float32 input matches a float64
// reference to about 1e-6 relative.
#pragma once

#include <cstddef>

#include "progress.h"

namespace seedscope {

// a: n×d row-major; c: n×n row-major (upper triangle written).
void gram_upper(const float* a, std::size_t n, std::size_t d, double* c, int threads,
                const Progress& progress);
void gram_upper(const double* a, std::size_t n, std::size_t d, double* c, int threads,
                const Progress& progress);

}  // namespace seedscope
