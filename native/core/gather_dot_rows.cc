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

// 16 entries per step as two 8-lane gathers: each lands in a ymm that converts
// to float64 directly (a 16-lane gather needs an extract for its upper half,
// another uop on the port the gather and the conversions already share). Both
// halves of the products and of the squares keep their own 8 lanes. The last
// step of a row reads the padding (a = 0, gathered 0) instead of masking its
// lanes (as fast, and one loop). While an item is gathered, the
// lines of the next item's fixed row and indices at the same offset are
// requested: its fixed row starts at a random place of a triangle larger than
// L2, and each step consumes one line of each.
template <bool kSquares>
SEEDSCOPE_AVX512 void rows_avx512(const GatherDotItem<float>* items, std::size_t count) {
  __m512d acc0 = _mm512_setzero_pd(), acc1 = _mm512_setzero_pd();
  __m512d sq0 = _mm512_setzero_pd(), sq1 = _mm512_setzero_pd();
  const double* loaded = nullptr;  // whose lanes are in the registers
  for (std::size_t k = 0; k < count; ++k) {
    const GatherDotItem<float>& it = items[k];
    const float* row = it.row;
    const float* a = it.a;
    const std::int32_t* idx = it.idx;
    const GatherDotItem<float>& next = items[k + 1 < count ? k + 1 : k];
    const char* na = reinterpret_cast<const char*>(next.a);
    const char* ni = reinterpret_cast<const char*>(next.idx);
    if (it.lanes != loaded) {
      acc0 = _mm512_loadu_pd(it.lanes);
      acc1 = _mm512_loadu_pd(it.lanes + 8);
      if (kSquares) {
        sq0 = _mm512_loadu_pd(it.lanes + kDotLanes);
        sq1 = _mm512_loadu_pd(it.lanes + kDotLanes + 8);
      }
      loaded = it.lanes;
    }
    for (std::size_t t = 0; t < it.len; t += 16) {
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
    if (next.lanes != it.lanes || k + 1 == count) {
      _mm512_storeu_pd(it.lanes, acc0);
      _mm512_storeu_pd(it.lanes + 8, acc1);
      if (kSquares) {
        _mm512_storeu_pd(it.lanes + kDotLanes, sq0);
        _mm512_storeu_pd(it.lanes + kDotLanes + 8, sq1);
      }
      loaded = nullptr;
    }
  }
}

// Other ISAs and float64 storage: the per-row kernels, one lane per sum (the
// dot's summation order is the same with and without squares).
template <typename T>
void rows_by_row(const GatherDotItem<T>* items, std::size_t count, bool squares) {
  for (std::size_t k = 0; k < count; ++k) {
    const GatherDotItem<T>& it = items[k];
    if (squares) {
      double gg;
      it.lanes[0] += gather_dot_sq(it.a, it.row, it.idx, it.len, &gg);
      it.lanes[kDotLanes] += gg;
    } else {
      it.lanes[0] += gather_dot(it.a, it.row, it.idx, it.len);
    }
  }
}

}  // namespace

void gather_dot_rows(const GatherDotItem<float>* items, std::size_t count, bool squares) {
  static const Isa isa = active_isa();
  if (isa == Isa::Avx512) {
    if (squares) rows_avx512<true>(items, count);
    else rows_avx512<false>(items, count);
    return;
  }
  rows_by_row(items, count, squares);
}

void gather_dot_rows(const GatherDotItem<double>* items, std::size_t count, bool squares) {
  rows_by_row(items, count, squares);
}

double lane_sum(const double* lanes) {
  double v[8];
  for (std::size_t k = 0; k < 8; ++k) v[k] = lanes[k] + lanes[k + 8];
  for (std::size_t k = 0; k < 4; ++k) v[k] += v[k + 4];
  return (v[0] + v[2]) + (v[1] + v[3]);
}

}  // namespace seedscope
