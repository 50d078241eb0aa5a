#include "gather_dot_rows.h"

// GCC 12 warns about the undefined pass-through operand inside its own
// intrinsic headers (a known false positive).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "cpu_features.h"
#include "gather_dot.h"

namespace seedscope {

namespace {

#define SEEDSCOPE_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma")))

SEEDSCOPE_AVX512 inline __mmask8 first_lanes(std::size_t k) {
  return static_cast<__mmask8>(k >= 8 ? 0xFFu : (1u << k) - 1u);
}

// 16 entries per step as two 8-lane gathers: each lands in a ymm that converts
// to float64 directly (a 16-lane gather needs an extract for its upper half,
// another uop on the port the gather and the conversions already share). Both
// halves of the products and of the squares keep their own 8 lanes. While an
// item is gathered, the lines of the next item's fixed row and indices at the
// same offset are requested: its fixed row starts at a random place of a
// triangle larger than L2, and each step consumes one line of each.
template <bool kSquares>
SEEDSCOPE_AVX512 void rows_avx512(const float* row, const GatherDotItem<float>* items, std::size_t count) {
  for (std::size_t k = 0; k < count; ++k) {
    const float* a = items[k].a;
    const std::int32_t* idx = items[k].idx;
    const std::size_t len = items[k].len;
    const GatherDotItem<float>& next = items[k + 1 < count ? k + 1 : k];
    const char* na = reinterpret_cast<const char*>(next.a);
    const char* ni = reinterpret_cast<const char*>(next.idx);
    double* lanes = items[k].lanes;
    __m512d acc0 = _mm512_loadu_pd(lanes), acc1 = _mm512_loadu_pd(lanes + 8);
    __m512d sq0 = _mm512_setzero_pd(), sq1 = _mm512_setzero_pd();
    if (kSquares) {
      sq0 = _mm512_loadu_pd(lanes + kDotLanes);
      sq1 = _mm512_loadu_pd(lanes + kDotLanes + 8);
    }
    std::size_t t = 0;
    for (; t + 16 <= len; t += 16) {
      _mm_prefetch(na + t * sizeof(float), _MM_HINT_T0);
      _mm_prefetch(ni + t * sizeof(std::int32_t), _MM_HINT_T0);
      const __m256i i0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(idx + t));
      const __m256i i1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(idx + t + 8));
      const __m512d g0 = _mm512_cvtps_pd(_mm256_i32gather_ps(row, i0, 4));
      const __m512d g1 = _mm512_cvtps_pd(_mm256_i32gather_ps(row, i1, 4));
      acc0 = _mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_loadu_ps(a + t)), g0, acc0);
      acc1 = _mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_loadu_ps(a + t + 8)), g1, acc1);
      if (kSquares) {
        sq0 = _mm512_fmadd_pd(g0, g0, sq0);
        sq1 = _mm512_fmadd_pd(g1, g1, sq1);
      }
    }
    if (t < len) {
      // the last rest < 16 entries: lanes past the end read nothing and gather 0
      const std::size_t rest = len - t;
      const __mmask8 m0 = first_lanes(rest);
      const __m512d g0 = _mm512_cvtps_pd(
          _mm256_mmask_i32gather_ps(_mm256_setzero_ps(), m0, _mm256_maskz_loadu_epi32(m0, idx + t), row, 4));
      acc0 = _mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_maskz_loadu_ps(m0, a + t)), g0, acc0);
      if (kSquares) sq0 = _mm512_fmadd_pd(g0, g0, sq0);
      if (rest > 8) {
        const __mmask8 m1 = first_lanes(rest - 8);
        const __m512d g1 = _mm512_cvtps_pd(
            _mm256_mmask_i32gather_ps(_mm256_setzero_ps(), m1, _mm256_maskz_loadu_epi32(m1, idx + t + 8), row, 4));
        acc1 = _mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_maskz_loadu_ps(m1, a + t + 8)), g1, acc1);
        if (kSquares) sq1 = _mm512_fmadd_pd(g1, g1, sq1);
      }
    }
    _mm512_storeu_pd(lanes, acc0);
    _mm512_storeu_pd(lanes + 8, acc1);
    if (kSquares) {
      _mm512_storeu_pd(lanes + kDotLanes, sq0);
      _mm512_storeu_pd(lanes + kDotLanes + 8, sq1);
    }
  }
}

// Other ISAs and float64 storage: the per-row kernels, one lane per sum (the
// dot's summation order is the same with and without squares).
template <typename T>
void rows_by_row(const T* row, const GatherDotItem<T>* items, std::size_t count, bool squares) {
  for (std::size_t k = 0; k < count; ++k) {
    const GatherDotItem<T>& it = items[k];
    if (squares) {
      double gg;
      it.lanes[0] += gather_dot_sq(it.a, row, it.idx, it.len, &gg);
      it.lanes[kDotLanes] += gg;
    } else {
      it.lanes[0] += gather_dot(it.a, row, it.idx, it.len);
    }
  }
}

}  // namespace

void gather_dot_rows(const float* row, const GatherDotItem<float>* items, std::size_t count, bool squares) {
  static const Isa isa = active_isa();
  if (isa == Isa::Avx512) {
    if (squares) rows_avx512<true>(row, items, count);
    else rows_avx512<false>(row, items, count);
    return;
  }
  rows_by_row(row, items, count, squares);
}

void gather_dot_rows(const double* row, const GatherDotItem<double>* items, std::size_t count, bool squares) {
  rows_by_row(row, items, count, squares);
}

double lane_sum(const double* lanes) {
  double v[8];
  for (std::size_t k = 0; k < 8; ++k) v[k] = lanes[k] + lanes[k + 8];
  for (std::size_t k = 0; k < 4; ++k) v[k] += v[k + 4];
  return (v[0] + v[2]) + (v[1] + v[3]);
}

}  // namespace seedscope
