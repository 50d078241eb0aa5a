// AVX-512 Gram micro-kernels. 8 rows × 3 slivers of columns (and 1 or 2 slivers
// where a row of micro-tiles ends): 24 zmm
// accumulators, 3 vector loads and 8 broadcast loads per 24 FMAs, so the two
// FMA units stay busy and the load ports have room. The 8 rows are half a
// float sliver (or one double sliver) and stay in L1 while the column slivers
// stream from L2 (see gram_internal.h for the layout).
#include <immintrin.h>

#include <cstdint>

// GCC 12's AVX-512 headers trip -Wmaybe-uninitialized on their own
// _mm512_undefined_* placeholders; the warning is about the headers, not us.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "gram_internal.h"

#define SEEDSCOPE_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma")))

namespace seedscope {
namespace gram {

namespace {

// Bit q set when column q of row r of a block is kept: q < cols and
// q − r ≥ diag (on or above the diagonal of C).
inline std::uint64_t column_mask(std::size_t r, std::size_t cols, std::ptrdiff_t diag) {
  const std::ptrdiff_t first = diag + static_cast<std::ptrdiff_t>(r);
  const std::uint64_t below = cols >= 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << cols) - 1;
  if (first <= 0) return below;
  if (first >= 64) return 0;
  return below & ~((std::uint64_t(1) << first) - 1);
}

// NV slivers of columns (NV = 3 is the main kernel; 1 and 2 finish a row of
// micro-tiles that starts at the diagonal on a sliver boundary).
template <int NV>
SEEDSCOPE_AVX512 void micro_avx512_f32(const float* a, const float* b, std::size_t stride,
                                       std::size_t kc, double* c, std::size_t ldc,
                                       std::size_t rows, std::size_t cols, std::ptrdiff_t diag) {
  __m512 acc[8][NV];
#pragma GCC unroll 8
  for (int r = 0; r < 8; ++r)
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_setzero_ps();
#pragma GCC unroll 2
  for (std::size_t k = 0; k < kc; ++k) {
    __m512 x[NV];
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) x[v] = _mm512_load_ps(b + v * stride + 16 * k);
    const float* ak = a + 16 * k;
#pragma GCC unroll 8
    for (int r = 0; r < 8; ++r) {
      const __m512 ar = _mm512_set1_ps(ak[r]);
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_fmadd_ps(ar, x[v], acc[r][v]);
    }
  }
  if (block_is_full(8, 16 * NV, rows, cols, diag)) {
#pragma GCC unroll 8
    for (int r = 0; r < 8; ++r) {
      double* cr = c + r * ldc;
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) {
        const __m512d lo = _mm512_cvtps_pd(_mm512_castps512_ps256(acc[r][v]));
        const __m512d hi = _mm512_cvtps_pd(
            _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(acc[r][v]), 1)));
        _mm512_storeu_pd(cr + 16 * v, _mm512_add_pd(_mm512_loadu_pd(cr + 16 * v), lo));
        _mm512_storeu_pd(cr + 16 * v + 8, _mm512_add_pd(_mm512_loadu_pd(cr + 16 * v + 8), hi));
      }
    }
    return;
  }
  // Diagonal or edge block: masked adds keep columns in [max(0, diag + r), cols).
  for (std::size_t r = 0; r < rows; ++r) {
    const std::uint64_t keep = column_mask(r, cols, diag);
    double* cr = c + r * ldc;
    for (int v = 0; v < NV; ++v) {
      const __m512d part[2] = {
          _mm512_cvtps_pd(_mm512_castps512_ps256(acc[r][v])),
          _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(acc[r][v]), 1)))};
      for (int h = 0; h < 2; ++h) {
        const __mmask8 m = static_cast<__mmask8>(keep >> (16 * v + 8 * h));
        if (!m) continue;
        double* p = cr + 16 * v + 8 * h;
        _mm512_mask_storeu_pd(p, m, _mm512_add_pd(_mm512_maskz_loadu_pd(m, p), part[h]));
      }
    }
  }
}

template <int NV>
SEEDSCOPE_AVX512 void micro_avx512_f64(const double* a, const double* b, std::size_t stride,
                                       std::size_t kc, double* c, std::size_t ldc,
                                       std::size_t rows, std::size_t cols, std::ptrdiff_t diag) {
  __m512d acc[8][NV];
#pragma GCC unroll 8
  for (int r = 0; r < 8; ++r)
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_setzero_pd();
#pragma GCC unroll 2
  for (std::size_t k = 0; k < kc; ++k) {
    __m512d x[NV];
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) x[v] = _mm512_load_pd(b + v * stride + 8 * k);
    const double* ak = a + 8 * k;
#pragma GCC unroll 8
    for (int r = 0; r < 8; ++r) {
      const __m512d ar = _mm512_set1_pd(ak[r]);
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_fmadd_pd(ar, x[v], acc[r][v]);
    }
  }
  if (block_is_full(8, 8 * NV, rows, cols, diag)) {
#pragma GCC unroll 8
    for (int r = 0; r < 8; ++r) {
      double* cr = c + r * ldc;
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v)
        _mm512_storeu_pd(cr + 8 * v, _mm512_add_pd(_mm512_loadu_pd(cr + 8 * v), acc[r][v]));
    }
    return;
  }
  for (std::size_t r = 0; r < rows; ++r) {
    const std::uint64_t keep = column_mask(r, cols, diag);
    double* cr = c + r * ldc;
    for (int v = 0; v < NV; ++v) {
      const __mmask8 m = static_cast<__mmask8>(keep >> (8 * v));
      if (!m) continue;
      _mm512_mask_storeu_pd(cr + 8 * v, m, _mm512_add_pd(_mm512_maskz_loadu_pd(m, cr + 8 * v), acc[r][v]));
    }
  }
}


// 16 × 16 transpose of floats in registers: out[k] holds element k of rows
// 0..15. Four stages of in-lane unpacks and 128-bit lane shuffles.
SEEDSCOPE_AVX512 inline void transpose16(__m512 r[16]) {
  __m512 a[16], b[16];
  for (int i = 0; i < 8; ++i) {
    a[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    a[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  // b[4j + c], lane L: rows 4j..4j+3 at column 4L + c.
  for (int j = 0; j < 4; ++j) {
    const __m512d a0 = _mm512_castps_pd(a[4 * j]), a1 = _mm512_castps_pd(a[4 * j + 1]);
    const __m512d a2 = _mm512_castps_pd(a[4 * j + 2]), a3 = _mm512_castps_pd(a[4 * j + 3]);
    b[4 * j + 0] = _mm512_castpd_ps(_mm512_unpacklo_pd(a0, a2));
    b[4 * j + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a0, a2));
    b[4 * j + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(a1, a3));
    b[4 * j + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(a1, a3));
  }
  // A 4 × 4 transpose of 128-bit lanes for each c: out[4L + c] = lane L of b[c], b[4+c], ...
  for (int c = 0; c < 4; ++c) {
    const __m512 u0 = _mm512_shuffle_f32x4(b[c], b[4 + c], 0x44);
    const __m512 u1 = _mm512_shuffle_f32x4(b[c], b[4 + c], 0xEE);
    const __m512 u2 = _mm512_shuffle_f32x4(b[8 + c], b[12 + c], 0x44);
    const __m512 u3 = _mm512_shuffle_f32x4(b[8 + c], b[12 + c], 0xEE);
    r[c] = _mm512_shuffle_f32x4(u0, u2, 0x88);
    r[4 + c] = _mm512_shuffle_f32x4(u0, u2, 0xDD);
    r[8 + c] = _mm512_shuffle_f32x4(u1, u3, 0x88);
    r[12 + c] = _mm512_shuffle_f32x4(u1, u3, 0xDD);
  }
}

// Packs float rows 16 at a time: 16 row segments are loaded, shifted, and
// transposed in registers into 16 sliver lines.
SEEDSCOPE_AVX512 void pack_avx512_f32(const PackJob<float>& job) {
  for (std::size_t s0 = job.row_begin; s0 < job.row_end; s0 += 16) {
    float* dst = job.panel + (s0 / 16) * job.sliver_stride;
    const float* src[16];
    __m512 shift[16];
    bool live[16];
    for (int r = 0; r < 16; ++r) {
      const std::size_t row = s0 + r;
      live[r] = row < job.n;
      src[r] = live[r] ? job.x + row * job.d + job.k0 : nullptr;
      shift[r] = _mm512_set1_ps(live[r] && job.row_shift ? float(job.row_shift[row]) : 0.0f);
    }
    const float* off = job.col_offset ? job.col_offset + job.k0 : nullptr;
    const float* row_off[16];
    for (int r = 0; r < 16; ++r)
      row_off[r] = live[r] && job.row_offsets && job.row_offsets[s0 + r] ? job.row_offsets[s0 + r] + job.k0 : nullptr;
    __m512 run = _mm512_setzero_ps();
    __m512d total_lo = _mm512_setzero_pd(), total_hi = _mm512_setzero_pd();
    std::size_t in_run = 0;
    for (std::size_t k = 0; k < job.k_len; k += 16) {
      const std::size_t kn = job.k_len - k < 16 ? job.k_len - k : 16;
      const __mmask16 m = static_cast<__mmask16>((1u << kn) - 1u);
      const __m512 o = off ? _mm512_maskz_loadu_ps(m, off + k) : _mm512_setzero_ps();
      __m512 v[16];
      if (job.row_offsets) {
        // a vector per row, subtracted before the scalar shift (gram_internal.h)
        for (int r = 0; r < 16; ++r) {
          const __m512 ro = row_off[r] ? _mm512_maskz_loadu_ps(m, row_off[r] + k) : _mm512_setzero_ps();
          v[r] = live[r] ? _mm512_sub_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, src[r] + k), ro), shift[r])
                         : _mm512_setzero_ps();
        }
      } else {
        for (int r = 0; r < 16; ++r) {
          v[r] = live[r] ? _mm512_sub_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, src[r] + k), shift[r]), o)
                         : _mm512_setzero_ps();
        }
      }
      transpose16(v);
      float* out = dst + k * 16;
      for (std::size_t t = 0; t < kn; ++t) {
        _mm512_store_ps(out + 16 * t, v[t]);
        run = _mm512_add_ps(run, v[t]);
      }
      in_run += kn;
      if (in_run >= kKc || k + 16 >= job.k_len) {
        // float sums over short runs, double across runs (bounded rounding)
        total_lo = _mm512_add_pd(total_lo, _mm512_cvtps_pd(_mm512_castps512_ps256(run)));
        total_hi = _mm512_add_pd(total_hi, _mm512_cvtps_pd(_mm256_castpd_ps(
                                               _mm512_extractf64x4_pd(_mm512_castps_pd(run), 1))));
        run = _mm512_setzero_ps();
        in_run = 0;
      }
    }
    if (job.row_sums) {
      alignas(64) double t[16];
      _mm512_store_pd(t, total_lo);
      _mm512_store_pd(t + 8, total_hi);
      for (int r = 0; r < 16; ++r)
        if (live[r]) job.row_sums[s0 + r] += t[r];
    }
  }
}

// 8 × 8 transpose of doubles: in-lane unpacks, then the same 4 × 4 transpose
// of 128-bit lanes as transpose16.
SEEDSCOPE_AVX512 inline void transpose8(__m512d r[8]) {
  __m512d t[8];
  for (int i = 0; i < 4; ++i) {
    t[2 * i] = _mm512_unpacklo_pd(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_pd(r[2 * i], r[2 * i + 1]);
  }
  for (int e = 0; e < 2; ++e) {
    const __m512d u0 = _mm512_shuffle_f64x2(t[e], t[2 + e], 0x44);
    const __m512d u1 = _mm512_shuffle_f64x2(t[e], t[2 + e], 0xEE);
    const __m512d u2 = _mm512_shuffle_f64x2(t[4 + e], t[6 + e], 0x44);
    const __m512d u3 = _mm512_shuffle_f64x2(t[4 + e], t[6 + e], 0xEE);
    r[e] = _mm512_shuffle_f64x2(u0, u2, 0x88);
    r[2 + e] = _mm512_shuffle_f64x2(u0, u2, 0xDD);
    r[4 + e] = _mm512_shuffle_f64x2(u1, u3, 0x88);
    r[6 + e] = _mm512_shuffle_f64x2(u1, u3, 0xDD);
  }
}

SEEDSCOPE_AVX512 void pack_avx512_f64(const PackJob<double>& job) {
  for (std::size_t s0 = job.row_begin; s0 < job.row_end; s0 += 8) {
    double* dst = job.panel + (s0 / 8) * job.sliver_stride;
    const double* src[8];
    __m512d shift[8];
    bool live[8];
    for (int r = 0; r < 8; ++r) {
      const std::size_t row = s0 + r;
      live[r] = row < job.n;
      src[r] = live[r] ? job.x + row * job.d + job.k0 : nullptr;
      shift[r] = _mm512_set1_pd(live[r] && job.row_shift ? job.row_shift[row] : 0.0);
    }
    const double* off = job.col_offset ? job.col_offset + job.k0 : nullptr;
    const double* row_off[8];
    for (int r = 0; r < 8; ++r)
      row_off[r] = live[r] && job.row_offsets && job.row_offsets[s0 + r] ? job.row_offsets[s0 + r] + job.k0 : nullptr;
    __m512d total = _mm512_setzero_pd();
    for (std::size_t k = 0; k < job.k_len; k += 8) {
      const std::size_t kn = job.k_len - k < 8 ? job.k_len - k : 8;
      const __mmask8 m = static_cast<__mmask8>((1u << kn) - 1u);
      const __m512d o = off ? _mm512_maskz_loadu_pd(m, off + k) : _mm512_setzero_pd();
      __m512d v[8];
      if (job.row_offsets) {
        for (int r = 0; r < 8; ++r) {
          const __m512d ro = row_off[r] ? _mm512_maskz_loadu_pd(m, row_off[r] + k) : _mm512_setzero_pd();
          v[r] = live[r] ? _mm512_sub_pd(_mm512_sub_pd(_mm512_maskz_loadu_pd(m, src[r] + k), ro), shift[r])
                         : _mm512_setzero_pd();
        }
      } else {
        for (int r = 0; r < 8; ++r) {
          v[r] = live[r] ? _mm512_sub_pd(_mm512_sub_pd(_mm512_maskz_loadu_pd(m, src[r] + k), shift[r]), o)
                         : _mm512_setzero_pd();
        }
      }
      transpose8(v);
      double* out = dst + k * 8;
      for (std::size_t t = 0; t < kn; ++t) {
        _mm512_store_pd(out + 8 * t, v[t]);
        total = _mm512_add_pd(total, v[t]);
      }
    }
    if (job.row_sums) {
      alignas(64) double t[8];
      _mm512_store_pd(t, total);
      for (int r = 0; r < 8; ++r)
        if (live[r]) job.row_sums[s0 + r] += t[r];
    }
  }
}

}  // namespace

Kernels<float> avx512_kernels_f32() {
  return {8, 48, {&micro_avx512_f32<1>, &micro_avx512_f32<2>, &micro_avx512_f32<3>},
          &pack_avx512_f32, "avx512"};
}
Kernels<double> avx512_kernels_f64() {
  return {8, 24, {&micro_avx512_f64<1>, &micro_avx512_f64<2>, &micro_avx512_f64<3>},
          &pack_avx512_f64, "avx512"};
}

}  // namespace gram
}  // namespace seedscope
