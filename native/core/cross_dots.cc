#include "cross_dots.h"

// GCC 12's AVX-512 headers trip -Wmaybe-uninitialized on their own
// _mm512_undefined_* placeholders; the warning is about the headers.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>

#include "cpu_features.h"

#define SEEDSCOPE_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma")))
#define SEEDSCOPE_AVX2 __attribute__((target("avx2,fma")))

namespace seedscope {

namespace {

// Walks the na × nb entries in blocks of R rows × Q columns and hands each
// block to `kernel` with R row pointers and Q column pointers; a block at the
// edge repeats its last row (column) and stores only the entries that exist.
// A repeated operand changes nothing in the other entries: each entry has its
// own accumulator.
template <std::size_t R, std::size_t Q, typename T, typename Kernel>
void blocks(const T* a, std::size_t na, const T* b, std::size_t nb, std::size_t d, double* out,
            std::size_t ldo, Kernel kernel) {
  for (std::size_t i0 = 0; i0 < na; i0 += R) {
    const T* ar[R];
    for (std::size_t r = 0; r < R; ++r) ar[r] = a + std::min(i0 + r, na - 1) * d;
    for (std::size_t j0 = 0; j0 < nb; j0 += Q) {
      const T* bq[Q];
      for (std::size_t q = 0; q < Q; ++q) bq[q] = b + std::min(j0 + q, nb - 1) * d;
      double s[R][Q];
      kernel(ar, bq, d, s);
      for (std::size_t r = 0; r < R && i0 + r < na; ++r)
        for (std::size_t q = 0; q < Q && j0 + q < nb; ++q) out[(i0 + r) * ldo + j0 + q] = s[r][q];
    }
  }
}

// ---- portable: 2 × 2 entries, 4 lanes each ---------------------------------
template <typename T>
void kernel_portable(const T* const* a, const T* const* b, std::size_t d, double (*s)[2]) {
  double acc[2][2][4] = {};
  std::size_t k = 0;
  for (; k + 4 <= d; k += 4)
    for (int r = 0; r < 2; ++r)
      for (int q = 0; q < 2; ++q)
        for (int l = 0; l < 4; ++l)
          acc[r][q][l] += static_cast<double>(a[r][k + l]) * static_cast<double>(b[q][k + l]);
  for (; k < d; ++k)
    for (int r = 0; r < 2; ++r)
      for (int q = 0; q < 2; ++q) acc[r][q][0] += static_cast<double>(a[r][k]) * static_cast<double>(b[q][k]);
  for (int r = 0; r < 2; ++r)
    for (int q = 0; q < 2; ++q) s[r][q] = (acc[r][q][0] + acc[r][q][1]) + (acc[r][q][2] + acc[r][q][3]);
}

// ---- AVX2: 4 × 2 entries, 4 lanes each --------------------------------------
SEEDSCOPE_AVX2 inline __m256d load4_avx2(const float* p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
SEEDSCOPE_AVX2 inline __m256d load4_avx2(const double* p) { return _mm256_loadu_pd(p); }
SEEDSCOPE_AVX2 inline double hsum_avx2(__m256d v) {
  const __m128d h = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
}

template <typename T>
SEEDSCOPE_AVX2 void kernel_avx2(const T* const* a, const T* const* b, std::size_t d, double (*s)[2]) {
  __m256d acc[4][2];
  for (int r = 0; r < 4; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_pd();
  std::size_t k = 0;
  for (; k + 4 <= d; k += 4) {
    const __m256d b0 = load4_avx2(b[0] + k), b1 = load4_avx2(b[1] + k);
    for (int r = 0; r < 4; ++r) {
      const __m256d av = load4_avx2(a[r] + k);
      acc[r][0] = _mm256_fmadd_pd(av, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_pd(av, b1, acc[r][1]);
    }
  }
  for (int r = 0; r < 4; ++r) {
    for (int q = 0; q < 2; ++q) {
      double t = hsum_avx2(acc[r][q]);
      for (std::size_t kk = k; kk < d; ++kk) t += static_cast<double>(a[r][kk]) * static_cast<double>(b[q][kk]);
      s[r][q] = t;
    }
  }
}

// ---- AVX-512: 4 × 4 entries, 8 lanes each -----------------------------------
SEEDSCOPE_AVX512 inline __m512d load8_avx512(const float* p, __mmask8 m) {
  return _mm512_cvtps_pd(_mm256_maskz_loadu_ps(m, p));
}
SEEDSCOPE_AVX512 inline __m512d load8_avx512(const double* p, __mmask8 m) { return _mm512_maskz_loadu_pd(m, p); }
SEEDSCOPE_AVX512 inline __m512d load8_avx512(const float* p) { return _mm512_cvtps_pd(_mm256_loadu_ps(p)); }
SEEDSCOPE_AVX512 inline __m512d load8_avx512(const double* p) { return _mm512_loadu_pd(p); }

template <typename T>
SEEDSCOPE_AVX512 void kernel_avx512(const T* const* a, const T* const* b, std::size_t d, double (*s)[4]) {
  __m512d acc[4][4];
  for (int r = 0; r < 4; ++r)
    for (int q = 0; q < 4; ++q) acc[r][q] = _mm512_setzero_pd();
  std::size_t k = 0;
  for (; k + 8 <= d; k += 8) {
    __m512d bv[4];
    for (int q = 0; q < 4; ++q) bv[q] = load8_avx512(b[q] + k);
    for (int r = 0; r < 4; ++r) {
      const __m512d av = load8_avx512(a[r] + k);
      for (int q = 0; q < 4; ++q) acc[r][q] = _mm512_fmadd_pd(av, bv[q], acc[r][q]);
    }
  }
  if (k < d) {
    // the last columns: masked loads read only those left and give 0 elsewhere
    const __mmask8 m = static_cast<__mmask8>((1u << (d - k)) - 1u);
    __m512d bv[4];
    for (int q = 0; q < 4; ++q) bv[q] = load8_avx512(b[q] + k, m);
    for (int r = 0; r < 4; ++r) {
      const __m512d av = load8_avx512(a[r] + k, m);
      for (int q = 0; q < 4; ++q) acc[r][q] = _mm512_fmadd_pd(av, bv[q], acc[r][q]);
    }
  }
  for (int r = 0; r < 4; ++r)
    for (int q = 0; q < 4; ++q) s[r][q] = _mm512_reduce_add_pd(acc[r][q]);
}

template <typename T>
void cross_dots_impl(const T* a, std::size_t na, const T* b, std::size_t nb, std::size_t d, double* out,
                     std::size_t ldo) {
  if (na == 0 || nb == 0) return;
  switch (active_isa()) {
    case Isa::Avx512:
      blocks<4, 4>(a, na, b, nb, d, out, ldo,
                   [](const T* const* x, const T* const* y, std::size_t len, double (*s)[4]) {
                     kernel_avx512(x, y, len, s);
                   });
      break;
    case Isa::Avx2:
      blocks<4, 2>(a, na, b, nb, d, out, ldo,
                   [](const T* const* x, const T* const* y, std::size_t len, double (*s)[2]) {
                     kernel_avx2(x, y, len, s);
                   });
      break;
    default:
      blocks<2, 2>(a, na, b, nb, d, out, ldo,
                   [](const T* const* x, const T* const* y, std::size_t len, double (*s)[2]) {
                     kernel_portable(x, y, len, s);
                   });
      break;
  }
}

}  // namespace

void cross_dots(const float* a, std::size_t na, const float* b, std::size_t nb, std::size_t d, double* out,
                std::size_t ldo) {
  cross_dots_impl(a, na, b, nb, d, out, ldo);
}
void cross_dots(const double* a, std::size_t na, const double* b, std::size_t nb, std::size_t d, double* out,
                std::size_t ldo) {
  cross_dots_impl(a, na, b, nb, d, out, ldo);
}

}  // namespace seedscope
