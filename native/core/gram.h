// The symmetric rank-k product C = A·Aᵀ that every RDM metric and linear CKA
// rest on. Only the upper triangle (j >= i, diagonal included) of the n×n
// row-major output is written; the lower triangle is left untouched.
// Accumulation is float64 across K-blocks, so float32 input matches a float64
// reference to about 1e-6 relative.
//
// The kernel packs A into panels, runs register-blocked micro-kernels chosen at
// run time (AVX-512, AVX2 or portable; see cpu_features.h), and spreads tiles
// of the upper triangle over threads. Float input: fp32 FMAs within a K
// sub-block of 512 columns, float64 across sub-blocks. Double input: float64
// throughout.
#pragma once

#include <cstddef>

#include "progress.h"

namespace seedscope {

// a: n×d row-major; c: n×n row-major (upper triangle written).
void gram_upper(const float* a, std::size_t n, std::size_t d, double* c, int threads,
                const Progress& progress);
void gram_upper(const double* a, std::size_t n, std::size_t d, double* c, int threads,
                const Progress& progress);

// The same product of shifted rows, P[i][k] = a[i][k] − row_shift[i] −
// col_offset[k], with the shifts applied while packing (no centred copy of A).
// row_shift (n values) and col_offset (d values) may each be null. When
// row_sums is not null it receives Σ_k P[i][k] (n values), so a caller that
// shifted by an estimate of the row mean can finish the centring exactly:
// Σ_k (P_ik − m_i)(P_jk − m_j) = C_ij − s_i·s_j / d.
void gram_upper_shifted(const float* a, std::size_t n, std::size_t d, const double* row_shift,
                        const float* col_offset, double* c, double* row_sums, int threads,
                        const Progress& progress);
void gram_upper_shifted(const double* a, std::size_t n, std::size_t d, const double* row_shift,
                        const double* col_offset, double* c, double* row_sums, int threads,
                        const Progress& progress);

// The same product with an offset vector per row, subtracted before the row
// shift: P[i][k] = (a[i][k] − row_offsets[i][k]) − row_shift[i], where
// row_offsets[i] (d values) may be null for no offset and row_shift may be
// null. Subtracting first keeps the one rounding of a[i][k] − row_offsets[i][k]
// that a caller subtracting the vector itself would get (rdm_split.h packs
// each row either as it is or minus its class centroid). row_sums as above.
void gram_upper_row_offsets(const float* a, std::size_t n, std::size_t d, const double* row_shift,
                            const float* const* row_offsets, double* c, double* row_sums, int threads,
                            const Progress& progress);
void gram_upper_row_offsets(const double* a, std::size_t n, std::size_t d, const double* row_shift,
                            const double* const* row_offsets, double* c, double* row_sums, int threads,
                            const Progress& progress);

// Name of the micro-kernel set the current process uses ("avx512", "avx2",
// "portable").
const char* gram_kernel_name();

}  // namespace seedscope
