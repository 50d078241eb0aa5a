// The screen's AVX-512 VNNI kernels (mantel_screen_kernels.h): 8-bit
// permuted bytes q + 128, products by vpdpbusd.
#include <algorithm>

// GCC 12 warns about the undefined pass-through operand inside its own
// intrinsic headers (a known false positive).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "mantel_screen_kernels.h"

namespace seedscope {
namespace screen_kernels {

namespace {

#define SEEDSCOPE_VNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))

// Columns per int32 flush: a lane gains at most 4 · 255 · 127 per column.
constexpr std::size_t kFlushColumns = 4096;

// Columns c0 … c0+15 of the block's 64 byte rows into the transposed store:
// out[c · 64 + l] = rows[l][c]. Lane L of register k holds row 16L + k, so
// four rounds of unpacks (which work inside 128-bit lanes) transpose all four
// 16 × 16 byte squares at once, and each result register is one whole column
// (rows 0 … 63 in order), stored as one line.
SEEDSCOPE_VNNI inline __m512i four_rows(const std::uint8_t* const* rows, int k, std::size_t c0) {
  __m512i v = _mm512_castsi128_si512(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[k] + c0)));
  v = _mm512_inserti32x4(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[16 + k] + c0)), 1);
  v = _mm512_inserti32x4(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[32 + k] + c0)), 2);
  return _mm512_inserti32x4(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[48 + k] + c0)), 3);
}

SEEDSCOPE_VNNI inline void transpose_columns(const std::uint8_t* const* rows, std::size_t c0, std::uint8_t* out) {
  __m512i r[16], s[16];
  // s[8x + k], word c: column 8x + c of rows 2k, 2k+1 (of each lane's 16)
  for (int k = 0; k < 8; ++k) {
    const __m512i even = four_rows(rows, 2 * k, c0), odd = four_rows(rows, 2 * k + 1, c0);
    s[k] = _mm512_unpacklo_epi8(even, odd);
    s[8 + k] = _mm512_unpackhi_epi8(even, odd);
  }
  // r[8x + 2q + hf], dword c: column 8x + 4hf + c of rows 4q … 4q+3
  for (int x = 0; x < 2; ++x)
    for (int q = 0; q < 4; ++q) {
      r[8 * x + 2 * q] = _mm512_unpacklo_epi16(s[8 * x + 2 * q], s[8 * x + 2 * q + 1]);
      r[8 * x + 2 * q + 1] = _mm512_unpackhi_epi16(s[8 * x + 2 * q], s[8 * x + 2 * q + 1]);
    }
  // s[8x + 4hf + 2q2 + h2], qword c: column 8x + 4hf + 2h2 + c of rows 8q2 … 8q2+7
  for (int x = 0; x < 2; ++x)
    for (int hf = 0; hf < 2; ++hf)
      for (int q2 = 0; q2 < 2; ++q2) {
        const __m512i lo = r[8 * x + 2 * (2 * q2) + hf], hi = r[8 * x + 2 * (2 * q2 + 1) + hf];
        s[8 * x + 4 * hf + 2 * q2] = _mm512_unpacklo_epi32(lo, hi);
        s[8 * x + 4 * hf + 2 * q2 + 1] = _mm512_unpackhi_epi32(lo, hi);
      }
  // one column per register: rows 0 … 15 of each lane
  for (int x = 0; x < 2; ++x)
    for (int hf = 0; hf < 2; ++hf)
      for (int h2 = 0; h2 < 2; ++h2) {
        const __m512i top = s[8 * x + 4 * hf + h2], bottom = s[8 * x + 4 * hf + 2 + h2];
        std::uint8_t* col = out + (c0 + 8 * x + 4 * hf + 2 * h2) * kBlock;
        _mm512_storeu_si512(col, _mm512_unpacklo_epi64(top, bottom));
        _mm512_storeu_si512(col + kBlock, _mm512_unpackhi_epi64(top, bottom));
      }
}

SEEDSCOPE_VNNI __m512i widen_add(__m512i total, __m512i acc) {
  total = _mm512_add_epi64(total, _mm512_cvtepi32_epi64(_mm512_castsi512_si256(acc)));
  return _mm512_add_epi64(total, _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(acc, 1)));
}

}  // namespace

SEEDSCOPE_VNNI std::int64_t block_dot_vnni(const std::int8_t* qa, const std::uint8_t* pt, const std::int32_t* perm,
                                      std::size_t j0, std::size_t n) {
  __m512i total = _mm512_setzero_si512();
  for (std::size_t c0 = j0; c0 < n; c0 += kFlushColumns) {
    const std::size_t c1 = std::min(n, c0 + kFlushColumns);
    __m512i acc[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512()};
    std::size_t j = c0;
    for (; j + 4 <= c1; j += 4)
      for (std::size_t u = 0; u < 4; ++u) {
        const __m512i b = _mm512_loadu_si512(pt + static_cast<std::size_t>(perm[j + u]) * kBlock);
        const __m512i a = _mm512_loadu_si512(qa + (j + u - j0) * kBlock);
        acc[u] = _mm512_dpbusd_epi32(acc[u], b, a);
      }
    for (; j < c1; ++j) {
      const __m512i b = _mm512_loadu_si512(pt + static_cast<std::size_t>(perm[j]) * kBlock);
      const __m512i a = _mm512_loadu_si512(qa + (j - j0) * kBlock);
      acc[0] = _mm512_dpbusd_epi32(acc[0], b, a);
    }
    for (const __m512i& x : acc) total = widen_add(total, x);
  }
  return _mm512_reduce_add_epi64(total);
}

SEEDSCOPE_VNNI void transpose_vnni(const std::uint8_t* const* rows, std::size_t cols, std::uint8_t* pt) {
  for (std::size_t c0 = 0; c0 < cols; c0 += 16) transpose_columns(rows, c0, pt);
}

// Σ over the columns j0 … j1−1 of the squared signed bytes (qb − 128) of
// pt[perm[j]]: qb·(qb − 128) − 128·(qb − 128), both as VNNI dot products.
SEEDSCOPE_VNNI std::int64_t columns_sq_vnni(const std::uint8_t* pt, const std::int32_t* perm, std::size_t j0,
                                            std::size_t j1) {
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80)), ones = _mm512_set1_epi8(1);
  __m512i prod_total = _mm512_setzero_si512(), sum_total = _mm512_setzero_si512();
  for (std::size_t c0 = j0; c0 < j1; c0 += kFlushColumns) {
    __m512i prod = _mm512_setzero_si512(), sum = _mm512_setzero_si512();
    for (std::size_t j = c0; j < std::min(j1, c0 + kFlushColumns); ++j) {
      const __m512i u = _mm512_loadu_si512(pt + static_cast<std::size_t>(perm[j]) * kBlock);
      const __m512i q = _mm512_xor_si512(u, flip);
      prod = _mm512_dpbusd_epi32(prod, u, q);
      sum = _mm512_dpbusd_epi32(sum, ones, q);
    }
    prod_total = widen_add(prod_total, prod);
    sum_total = widen_add(sum_total, sum);
  }
  return _mm512_reduce_add_epi64(prod_total) - 128 * _mm512_reduce_add_epi64(sum_total);
}

}  // namespace screen_kernels
}  // namespace seedscope
