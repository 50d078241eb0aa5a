#include "gather_dot.h"

// GCC 12 warns about the undefined pass-through operand inside its own
// intrinsic headers (a known false positive).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <utility>

#include "cpu_features.h"

namespace seedscope {

namespace {

// ---- portable -------------------------------------------------------------
template <typename A, typename T>
double gather_dot_portable(const A* a, const T* row, const std::int32_t* idx, std::size_t len) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  std::size_t t = 0;
  for (; t + 4 <= len; t += 4) {
    s0 += static_cast<double>(a[t]) * static_cast<double>(row[idx[t]]);
    s1 += static_cast<double>(a[t + 1]) * static_cast<double>(row[idx[t + 1]]);
    s2 += static_cast<double>(a[t + 2]) * static_cast<double>(row[idx[t + 2]]);
    s3 += static_cast<double>(a[t + 3]) * static_cast<double>(row[idx[t + 3]]);
  }
  for (; t < len; ++t) s0 += static_cast<double>(a[t]) * static_cast<double>(row[idx[t]]);
  return (s0 + s1) + (s2 + s3);
}

// Same summation order for the dot as gather_dot_portable (identical results).
template <typename A, typename T>
double gather_dot_sq_portable(const A* a, const T* row, const std::int32_t* idx, std::size_t len, double* gg) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0;
  std::size_t t = 0;
  for (; t + 4 <= len; t += 4) {
    double g0 = static_cast<double>(row[idx[t]]), g1 = static_cast<double>(row[idx[t + 1]]);
    double g2 = static_cast<double>(row[idx[t + 2]]), g3 = static_cast<double>(row[idx[t + 3]]);
    s0 += static_cast<double>(a[t]) * g0;
    s1 += static_cast<double>(a[t + 1]) * g1;
    s2 += static_cast<double>(a[t + 2]) * g2;
    s3 += static_cast<double>(a[t + 3]) * g3;
    q0 += g0 * g0 + g2 * g2;
    q1 += g1 * g1 + g3 * g3;
  }
  for (; t < len; ++t) {
    double g = static_cast<double>(row[idx[t]]);
    s0 += static_cast<double>(a[t]) * g;
    q0 += g * g;
  }
  *gg = q0 + q1;
  return (s0 + s1) + (s2 + s3);
}

template <typename T>
double gather_row_to_double_portable(const T* row, const std::int32_t* idx, std::size_t len, double* out) {
  double q0 = 0, q1 = 0;
  std::size_t t = 0;
  for (; t + 2 <= len; t += 2) {
    double g0 = static_cast<double>(row[idx[t]]), g1 = static_cast<double>(row[idx[t + 1]]);
    out[t] = g0;
    out[t + 1] = g1;
    q0 += g0 * g0;
    q1 += g1 * g1;
  }
  for (; t < len; ++t) {
    double g = static_cast<double>(row[idx[t]]);
    out[t] = g;
    q0 += g * g;
  }
  return q0 + q1;
}

template <typename A, typename T>
double dot_portable(const A* a, const T* b, std::size_t len) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  std::size_t t = 0;
  for (; t + 4 <= len; t += 4) {
    s0 += static_cast<double>(a[t]) * static_cast<double>(b[t]);
    s1 += static_cast<double>(a[t + 1]) * static_cast<double>(b[t + 1]);
    s2 += static_cast<double>(a[t + 2]) * static_cast<double>(b[t + 2]);
    s3 += static_cast<double>(a[t + 3]) * static_cast<double>(b[t + 3]);
  }
  for (; t < len; ++t) s0 += static_cast<double>(a[t]) * static_cast<double>(b[t]);
  return (s0 + s1) + (s2 + s3);
}

// ---- AVX-512 --------------------------------------------------------------
#define SEEDSCOPE_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma")))

SEEDSCOPE_AVX512 inline __m512d lo_pd(__m512 v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
SEEDSCOPE_AVX512 inline __m512d hi_pd(__m512 v) {
  return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}
// The last rest < 16 entries: lanes past the end are masked off (read nothing, gather 0).
SEEDSCOPE_AVX512 inline __mmask16 tail_mask(std::size_t rest) { return static_cast<__mmask16>((1u << rest) - 1u); }
SEEDSCOPE_AVX512 inline __m512 gather_tail_ps(const float* row, const std::int32_t* idx, __mmask16 m) {
  return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, _mm512_maskz_loadu_epi32(m, idx), row, 4);
}

SEEDSCOPE_AVX512 double gather_dot_avx512(const double* a, const double* row, const std::int32_t* idx,
                                          std::size_t len) {
  __m512d acc0 = _mm512_setzero_pd(), acc1 = _mm512_setzero_pd();
  std::size_t t = 0;
  for (; t + 16 <= len; t += 16) {
    __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(idx + t));
    __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(idx + t + 8));
    acc0 = _mm512_fmadd_pd(_mm512_loadu_pd(a + t), _mm512_i32gather_pd(v0, row, 8), acc0);
    acc1 = _mm512_fmadd_pd(_mm512_loadu_pd(a + t + 8), _mm512_i32gather_pd(v1, row, 8), acc1);
  }
  for (; t < len; t += 8) {
    std::size_t r = len - t < 8 ? len - t : 8;
    __mmask8 m = static_cast<__mmask8>((1u << r) - 1u);
    __m256i v = _mm256_maskz_loadu_epi32(m, idx + t);
    __m512d g = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), m, v, row, 8);
    acc0 = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(m, a + t), g, acc0);
  }
  return _mm512_reduce_add_pd(_mm512_add_pd(acc0, acc1));
}

SEEDSCOPE_AVX512 double dot_avx512(const float* a, const float* b, std::size_t len) {
  __m512d acc0 = _mm512_setzero_pd(), acc1 = _mm512_setzero_pd();
  std::size_t t = 0;
  for (; t + 16 <= len; t += 16) {
    __m512 av = _mm512_loadu_ps(a + t), bv = _mm512_loadu_ps(b + t);
    acc0 = _mm512_fmadd_pd(lo_pd(av), lo_pd(bv), acc0);
    acc1 = _mm512_fmadd_pd(hi_pd(av), hi_pd(bv), acc1);
  }
  if (t < len) {
    const __mmask16 m = tail_mask(len - t);
    __m512 av = _mm512_maskz_loadu_ps(m, a + t), bv = _mm512_maskz_loadu_ps(m, b + t);
    acc0 = _mm512_fmadd_pd(lo_pd(av), lo_pd(bv), acc0);
    acc1 = _mm512_fmadd_pd(hi_pd(av), hi_pd(bv), acc1);
  }
  return _mm512_reduce_add_pd(_mm512_add_pd(acc0, acc1));
}

SEEDSCOPE_AVX512 double dot_avx512(const double* a, const double* b, std::size_t len) {
  __m512d acc0 = _mm512_setzero_pd(), acc1 = _mm512_setzero_pd();
  std::size_t t = 0;
  for (; t + 16 <= len; t += 16) {
    acc0 = _mm512_fmadd_pd(_mm512_loadu_pd(a + t), _mm512_loadu_pd(b + t), acc0);
    acc1 = _mm512_fmadd_pd(_mm512_loadu_pd(a + t + 8), _mm512_loadu_pd(b + t + 8), acc1);
  }
  for (; t < len; t += 8) {
    std::size_t r = len - t < 8 ? len - t : 8;
    __mmask8 m = static_cast<__mmask8>((1u << r) - 1u);
    acc0 = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(m, a + t), _mm512_maskz_loadu_pd(m, b + t), acc0);
  }
  return _mm512_reduce_add_pd(_mm512_add_pd(acc0, acc1));
}

// ---- AVX2 -----------------------------------------------------------------
#define SEEDSCOPE_AVX2 __attribute__((target("avx2,fma")))

SEEDSCOPE_AVX2 double hsum256(__m256d v) {
  __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

SEEDSCOPE_AVX2 double gather_dot_avx2(const float* a, const float* row, const std::int32_t* idx, std::size_t len) {
  __m256d acc0 = _mm256_setzero_pd(), acc1 = _mm256_setzero_pd();
  std::size_t t = 0;
  for (; t + 8 <= len; t += 8) {
    __m256 g = _mm256_i32gather_ps(row, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(idx + t)), 4);
    __m256 av = _mm256_loadu_ps(a + t);
    acc0 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(av)), _mm256_cvtps_pd(_mm256_castps256_ps128(g)), acc0);
    acc1 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(av, 1)), _mm256_cvtps_pd(_mm256_extractf128_ps(g, 1)), acc1);
  }
  double s = hsum256(_mm256_add_pd(acc0, acc1));
  for (; t < len; ++t) s += static_cast<double>(a[t]) * static_cast<double>(row[idx[t]]);
  return s;
}

SEEDSCOPE_AVX2 double gather_dot_sq_avx2(const float* a, const float* row, const std::int32_t* idx,
                                         std::size_t len, double* gg) {
  __m256d acc0 = _mm256_setzero_pd(), acc1 = _mm256_setzero_pd();
  __m256d sq0 = _mm256_setzero_pd(), sq1 = _mm256_setzero_pd();
  std::size_t t = 0;
  for (; t + 8 <= len; t += 8) {
    __m256 g = _mm256_i32gather_ps(row, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(idx + t)), 4);
    __m256 av = _mm256_loadu_ps(a + t);
    __m256d glo = _mm256_cvtps_pd(_mm256_castps256_ps128(g)), ghi = _mm256_cvtps_pd(_mm256_extractf128_ps(g, 1));
    acc0 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(av)), glo, acc0);
    acc1 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(av, 1)), ghi, acc1);
    sq0 = _mm256_fmadd_pd(glo, glo, sq0);
    sq1 = _mm256_fmadd_pd(ghi, ghi, sq1);
  }
  double s = hsum256(_mm256_add_pd(acc0, acc1)), q = hsum256(_mm256_add_pd(sq0, sq1));
  for (; t < len; ++t) {
    double g = static_cast<double>(row[idx[t]]);
    s += static_cast<double>(a[t]) * g;
    q += g * g;
  }
  *gg = q;
  return s;
}

SEEDSCOPE_AVX2 double gather_dot_avx2(const double* a, const double* row, const std::int32_t* idx, std::size_t len) {
  __m256d acc0 = _mm256_setzero_pd(), acc1 = _mm256_setzero_pd();
  std::size_t t = 0;
  for (; t + 8 <= len; t += 8) {
    __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(idx + t));
    __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(idx + t + 4));
    acc0 = _mm256_fmadd_pd(_mm256_loadu_pd(a + t), _mm256_i32gather_pd(row, v0, 8), acc0);
    acc1 = _mm256_fmadd_pd(_mm256_loadu_pd(a + t + 4), _mm256_i32gather_pd(row, v1, 8), acc1);
  }
  double s = hsum256(_mm256_add_pd(acc0, acc1));
  for (; t < len; ++t) s += a[t] * row[idx[t]];
  return s;
}

SEEDSCOPE_AVX512 double gather_row_to_double_avx512(const float* row, const std::int32_t* idx, std::size_t len,
                                                    double* out) {
  __m512d sq0 = _mm512_setzero_pd(), sq1 = _mm512_setzero_pd();
  std::size_t t = 0;
  for (; t + 16 <= len; t += 16) {
    __m512 g = _mm512_i32gather_ps(_mm512_loadu_si512(idx + t), row, 4);
    __m512d glo = lo_pd(g), ghi = hi_pd(g);
    _mm512_storeu_pd(out + t, glo);
    _mm512_storeu_pd(out + t + 8, ghi);
    sq0 = _mm512_fmadd_pd(glo, glo, sq0);
    sq1 = _mm512_fmadd_pd(ghi, ghi, sq1);
  }
  if (t < len) {
    const __mmask16 m = tail_mask(len - t);
    const __m512 g = gather_tail_ps(row, idx + t, m);
    __m512d glo = lo_pd(g), ghi = hi_pd(g);
    std::size_t rest = len - t;
    _mm512_mask_storeu_pd(out + t, static_cast<__mmask8>(rest >= 8 ? 0xFFu : (1u << rest) - 1u), glo);
    if (rest > 8) _mm512_mask_storeu_pd(out + t + 8, static_cast<__mmask8>((1u << (rest - 8)) - 1u), ghi);
    sq0 = _mm512_fmadd_pd(glo, glo, sq0);
    sq1 = _mm512_fmadd_pd(ghi, ghi, sq1);
  }
  return _mm512_reduce_add_pd(_mm512_add_pd(sq0, sq1));
}

// Two fixed rows against NG gathered rows (rows g of G at G0 + g·stride):
// 2·NG accumulators in registers, one load of each gathered row per 8 entries
// shared by both fixed rows. Sums in 8 lanes, reduced at the end.
template <int NG>
SEEDSCOPE_AVX512 void strip2_avx512(const float* a0, const float* a1, const double* g0, std::size_t stride,
                                    std::size_t len, double* out0, double* out1) {
  __m512d c0[NG], c1[NG];
  for (int g = 0; g < NG; ++g) c0[g] = c1[g] = _mm512_setzero_pd();
  std::size_t t = 0;
  for (; t + 8 <= len; t += 8) {
    const __m512d x0 = _mm512_cvtps_pd(_mm256_loadu_ps(a0 + t)), x1 = _mm512_cvtps_pd(_mm256_loadu_ps(a1 + t));
    for (int g = 0; g < NG; ++g) {
      const __m512d v = _mm512_loadu_pd(g0 + static_cast<std::size_t>(g) * stride + t);
      c0[g] = _mm512_fmadd_pd(x0, v, c0[g]);
      c1[g] = _mm512_fmadd_pd(x1, v, c1[g]);
    }
  }
  if (t < len) {
    const __mmask8 m = static_cast<__mmask8>((1u << (len - t)) - 1u);
    const __m512d x0 = _mm512_cvtps_pd(_mm256_maskz_loadu_ps(m, a0 + t));
    const __m512d x1 = _mm512_cvtps_pd(_mm256_maskz_loadu_ps(m, a1 + t));
    for (int g = 0; g < NG; ++g) {
      const __m512d v = _mm512_maskz_loadu_pd(m, g0 + static_cast<std::size_t>(g) * stride + t);
      c0[g] = _mm512_fmadd_pd(x0, v, c0[g]);
      c1[g] = _mm512_fmadd_pd(x1, v, c1[g]);
    }
  }
  for (int g = 0; g < NG; ++g) {
    out0[g] = _mm512_reduce_add_pd(c0[g]);
    out1[g] = _mm512_reduce_add_pd(c1[g]);
  }
}

using Strip2Fn = void (*)(const float*, const float*, const double*, std::size_t, std::size_t, double*, double*);
constexpr int kStripMax = 12;
template <int... G>
constexpr std::array<Strip2Fn, sizeof...(G)> strip_table(std::integer_sequence<int, G...>) {
  return {&strip2_avx512<G + 1>...};
}
const std::array<Strip2Fn, kStripMax> kStrip2 = strip_table(std::make_integer_sequence<int, kStripMax>{});

}  // namespace

double gather_row_to_double(const float* row, const std::int32_t* idx, std::size_t len, double* out) {
  static const Isa isa = active_isa();
  if (isa == Isa::Avx512) return gather_row_to_double_avx512(row, idx, len, out);
  return gather_row_to_double_portable(row, idx, len, out);
}
double gather_row_to_double(const double* row, const std::int32_t* idx, std::size_t len, double* out) {
  return gather_row_to_double_portable(row, idx, len, out);
}

// Float rows: on AVX-512 the one-pair Mantel test gathers through
// gather_dot_rows, so these per-row kernels stop at AVX2 (which every
// AVX-512 CPU has).
double gather_dot_sq(const float* a, const float* row, const std::int32_t* idx, std::size_t len, double* gg) {
  static const Isa isa = active_isa();
  if (isa == Isa::Avx512 || isa == Isa::Avx2) return gather_dot_sq_avx2(a, row, idx, len, gg);
  return gather_dot_sq_portable(a, row, idx, len, gg);
}
double gather_dot_sq(const double* a, const double* row, const std::int32_t* idx, std::size_t len, double* gg) {
  // small N only (double storage): the dot exactly as gather_dot, the squares by a second pass
  double q = 0;
  for (std::size_t t = 0; t < len; ++t) q += row[idx[t]] * row[idx[t]];
  *gg = q;
  return gather_dot(a, row, idx, len);
}

void strip_dots(const float* const* A, const std::size_t* a_id, std::size_t na, const double* gathered,
                std::size_t stride, const std::size_t* b_id, std::size_t nb, std::size_t len, double* out) {
  static const Isa isa = active_isa();
  for (std::size_t a = 0; a < na; a += 2) {
    const bool pair = a + 1 < na;
    std::size_t g = 0;
    while (g < nb && b_id[g] <= a_id[a]) ++g;
    double scratch[kStripMax];
    for (; g < nb;) {
      const std::size_t w = std::min<std::size_t>(kStripMax, nb - g);
      double* o1 = pair ? out + (a + 1) * nb + g : scratch;
      if (isa == Isa::Avx512) {
        kStrip2[w - 1](A[a], pair ? A[a + 1] : A[a], gathered + g * stride, stride, len, out + a * nb + g, o1);
      } else {
        for (std::size_t u = 0; u < w; ++u) {
          out[a * nb + g + u] = dot_portable(A[a], gathered + (g + u) * stride, len);
          if (pair) o1[u] = dot_portable(A[a + 1], gathered + (g + u) * stride, len);
        }
      }
      g += w;
    }
  }
}

double gather_dot(const float* a, const float* row, const std::int32_t* idx, std::size_t len) {
  static const Isa isa = active_isa();
  if (isa == Isa::Avx512 || isa == Isa::Avx2) return gather_dot_avx2(a, row, idx, len);
  return gather_dot_portable(a, row, idx, len);
}
double gather_dot(const double* a, const double* row, const std::int32_t* idx, std::size_t len) {
  static const Isa isa = active_isa();
  if (isa == Isa::Avx512) return gather_dot_avx512(a, row, idx, len);
  if (isa == Isa::Avx2) return gather_dot_avx2(a, row, idx, len);
  return gather_dot_portable(a, row, idx, len);
}

double dot_mixed(const float* a, const float* b, std::size_t len) {
  static const Isa isa = active_isa();
  if (isa == Isa::Avx512) return dot_avx512(a, b, len);
  return dot_portable(a, b, len);
}
double dot_mixed(const double* a, const double* b, std::size_t len) {
  static const Isa isa = active_isa();
  if (isa == Isa::Avx512) return dot_avx512(a, b, len);
  return dot_portable(a, b, len);
}

}  // namespace seedscope
