// AVX2 + FMA Gram micro-kernels (16 ymm registers): 4 rows × one sliver of
// columns (16 floats = 2 ymm, or 8 doubles = 2 ymm), 8 accumulators.
#include <immintrin.h>

#include "gram_internal.h"

#define SEEDSCOPE_AVX2 __attribute__((target("avx2,fma")))

namespace seedscope {
namespace gram {

namespace {

SEEDSCOPE_AVX2 void micro_avx2_f32(const float* a, const float* b, std::size_t /*stride*/,
                                   std::size_t kc, double* c, std::size_t ldc, std::size_t rows,
                                   std::size_t cols, std::ptrdiff_t diag) {
  __m256 acc[4][2];
  for (int r = 0; r < 4; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  for (std::size_t k = 0; k < kc; ++k) {
    const __m256 b0 = _mm256_load_ps(b + 16 * k);
    const __m256 b1 = _mm256_load_ps(b + 16 * k + 8);
    for (int r = 0; r < 4; ++r) {
      const __m256 ar = _mm256_broadcast_ss(a + 16 * k + r);
      acc[r][0] = _mm256_fmadd_ps(ar, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(ar, b1, acc[r][1]);
    }
  }
  if (block_is_full(4, 16, rows, cols, diag)) {
    for (int r = 0; r < 4; ++r) {
      double* cr = c + r * ldc;
      for (int v = 0; v < 2; ++v) {
        const __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(acc[r][v]));
        const __m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(acc[r][v], 1));
        _mm256_storeu_pd(cr + 8 * v, _mm256_add_pd(_mm256_loadu_pd(cr + 8 * v), lo));
        _mm256_storeu_pd(cr + 8 * v + 4, _mm256_add_pd(_mm256_loadu_pd(cr + 8 * v + 4), hi));
      }
    }
    return;
  }
  alignas(32) float block[4 * 16];
  for (int r = 0; r < 4; ++r) {
    _mm256_store_ps(block + 16 * r, acc[r][0]);
    _mm256_store_ps(block + 16 * r + 8, acc[r][1]);
  }
  add_clipped(block, 4, 16, rows, cols, diag, c, ldc);
}

SEEDSCOPE_AVX2 void micro_avx2_f64(const double* a, const double* b, std::size_t /*stride*/,
                                   std::size_t kc, double* c, std::size_t ldc, std::size_t rows,
                                   std::size_t cols, std::ptrdiff_t diag) {
  __m256d acc[4][2];
  for (int r = 0; r < 4; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_pd();
  for (std::size_t k = 0; k < kc; ++k) {
    const __m256d b0 = _mm256_load_pd(b + 8 * k);
    const __m256d b1 = _mm256_load_pd(b + 8 * k + 4);
    for (int r = 0; r < 4; ++r) {
      const __m256d ar = _mm256_broadcast_sd(a + 8 * k + r);
      acc[r][0] = _mm256_fmadd_pd(ar, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_pd(ar, b1, acc[r][1]);
    }
  }
  if (block_is_full(4, 8, rows, cols, diag)) {
    for (int r = 0; r < 4; ++r) {
      double* cr = c + r * ldc;
      _mm256_storeu_pd(cr, _mm256_add_pd(_mm256_loadu_pd(cr), acc[r][0]));
      _mm256_storeu_pd(cr + 4, _mm256_add_pd(_mm256_loadu_pd(cr + 4), acc[r][1]));
    }
    return;
  }
  alignas(32) double block[4 * 8];
  for (int r = 0; r < 4; ++r) {
    _mm256_store_pd(block + 8 * r, acc[r][0]);
    _mm256_store_pd(block + 8 * r + 4, acc[r][1]);
  }
  add_clipped(block, 4, 8, rows, cols, diag, c, ldc);
}

}  // namespace

Kernels<float> avx2_kernels_f32() { return {4, 16, {&micro_avx2_f32}, &pack_portable, "avx2"}; }
Kernels<double> avx2_kernels_f64() { return {4, 8, {&micro_avx2_f64}, &pack_portable, "avx2"}; }

}  // namespace gram
}  // namespace seedscope
