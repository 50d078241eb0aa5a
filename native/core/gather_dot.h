// The inner loops of the Mantel test: gather one row of a permuted RDM and take
// its dot product with a row of the other RDM. The permuted RDM is held square
// (row-major, float or double) so that row π(i) is contiguous and the gather
// stays inside one cache-resident row; the index table is π itself (int32),
// shared by every row. Products accumulate in float64. AVX-512 / AVX2 /
// portable versions are chosen at run time; each gives the same result for any
// thread count (the summation order depends only on the row length).
#pragma once

#include <cstddef>
#include <cstdint>

namespace seedscope {

// Σ_t a[t] · row[idx[t]] for t < len.
double gather_dot(const float* a, const float* row, const std::int32_t* idx, std::size_t len);
double gather_dot(const double* a, const double* row, const std::int32_t* idx, std::size_t len);

// Σ_t a[t] · row[idx[t]], and Σ_t row[idx[t]]² in *gathered_sq (both in
// float64): the second is what an early stop needs to bound the rest of a sum.
double gather_dot_sq(const float* a, const float* row, const std::int32_t* idx, std::size_t len,
                     double* gathered_sq);
double gather_dot_sq(const double* a, const double* row, const std::int32_t* idx, std::size_t len,
                     double* gathered_sq);

// Σ_t a[t] · b[t], accumulated in float64 (float products are exact there).
double dot_mixed(const float* a, const float* b, std::size_t len);
double dot_mixed(const double* a, const double* b, std::size_t len);

// out[a·nb + g] = Σ_t A[a][t] · gathered[g·stride + t] for every g with
// b_id[g] > a_id[a] (ids ascending); fixed rows go in pairs against all the
// gathered rows they need, accumulators in registers. Other entries of out
// may be written with unneeded values.
void strip_dots(const float* const* A, const std::size_t* a_id, std::size_t na, const double* gathered,
                std::size_t stride, const std::size_t* b_id, std::size_t nb, std::size_t len, double* out);

// out[t] = (double) row[idx[t]]; returns Σ_t out[t]².
double gather_row_to_double(const float* row, const std::int32_t* idx, std::size_t len, double* out);
double gather_row_to_double(const double* row, const std::int32_t* idx, std::size_t len, double* out);

}  // namespace seedscope
