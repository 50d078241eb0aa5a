// The screen's AVX2 kernels (mantel_screen_kernels.h): 7-bit permuted bytes
// q + 64, products by vpmaddubsw (pairs, int16) and vpmaddwd (to int32).
#include <algorithm>

#include <immintrin.h>

#include "mantel_screen_kernels.h"

namespace seedscope {
namespace screen_kernels {

namespace {

#define SEEDSCOPE_AVX2 __attribute__((target("avx2")))

// Columns per int32 flush: a lane gains at most 4 · 127 · 127 per column.
constexpr std::size_t kFlushColumns = 4096;

SEEDSCOPE_AVX2 inline __m256i two_rows(const std::uint8_t* const* rows, int k, std::size_t c0) {
  const __m256i v = _mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[k] + c0)));
  return _mm256_inserti128_si256(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[16 + k] + c0)), 1);
}

// Columns c0 … c0+15 of 32 byte rows into out[c · 64 + l] (l < 32). Lane L
// of register k holds row 16L + k; four rounds of unpacks (inside 128-bit
// lanes) leave one column per register, rows 0 … 31 in order.
SEEDSCOPE_AVX2 void transpose_columns(const std::uint8_t* const* rows, std::size_t c0, std::uint8_t* out) {
  __m256i r[16], s[16];
  for (int k = 0; k < 8; ++k) {
    const __m256i even = two_rows(rows, 2 * k, c0), odd = two_rows(rows, 2 * k + 1, c0);
    s[k] = _mm256_unpacklo_epi8(even, odd);
    s[8 + k] = _mm256_unpackhi_epi8(even, odd);
  }
  for (int x = 0; x < 2; ++x)
    for (int q = 0; q < 4; ++q) {
      r[8 * x + 2 * q] = _mm256_unpacklo_epi16(s[8 * x + 2 * q], s[8 * x + 2 * q + 1]);
      r[8 * x + 2 * q + 1] = _mm256_unpackhi_epi16(s[8 * x + 2 * q], s[8 * x + 2 * q + 1]);
    }
  for (int x = 0; x < 2; ++x)
    for (int hf = 0; hf < 2; ++hf)
      for (int q2 = 0; q2 < 2; ++q2) {
        const __m256i lo = r[8 * x + 2 * (2 * q2) + hf], hi = r[8 * x + 2 * (2 * q2 + 1) + hf];
        s[8 * x + 4 * hf + 2 * q2] = _mm256_unpacklo_epi32(lo, hi);
        s[8 * x + 4 * hf + 2 * q2 + 1] = _mm256_unpackhi_epi32(lo, hi);
      }
  for (int x = 0; x < 2; ++x)
    for (int hf = 0; hf < 2; ++hf)
      for (int h2 = 0; h2 < 2; ++h2) {
        const __m256i top = s[8 * x + 4 * hf + h2], bottom = s[8 * x + 4 * hf + 2 + h2];
        std::uint8_t* col = out + (c0 + 8 * x + 4 * hf + 2 * h2) * kBlock;
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(col), _mm256_unpacklo_epi64(top, bottom));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(col + kBlock), _mm256_unpackhi_epi64(top, bottom));
      }
}

SEEDSCOPE_AVX2 __m256i widen_add(__m256i total, __m256i acc) {
  total = _mm256_add_epi64(total, _mm256_cvtepi32_epi64(_mm256_castsi256_si128(acc)));
  return _mm256_add_epi64(total, _mm256_cvtepi32_epi64(_mm256_extracti128_si256(acc, 1)));
}

SEEDSCOPE_AVX2 std::int64_t sum64(__m256i v) {
  alignas(32) std::int64_t t[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(t), v);
  return (t[0] + t[1]) + (t[2] + t[3]);
}

}  // namespace

SEEDSCOPE_AVX2 std::int64_t block_dot_avx2(const std::int8_t* qa, const std::uint8_t* pt, const std::int32_t* perm,
                                           std::size_t j0, std::size_t n) {
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i total = _mm256_setzero_si256();
  for (std::size_t c0 = j0; c0 < n; c0 += kFlushColumns) {
    const std::size_t c1 = std::min(n, c0 + kFlushColumns);
    __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
    for (std::size_t j = c0; j < c1; ++j) {
      const std::uint8_t* b = pt + static_cast<std::size_t>(perm[j]) * kBlock;
      const std::int8_t* a = qa + (j - j0) * kBlock;
      const __m256i p0 = _mm256_maddubs_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b)),
                                              _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a)));
      const __m256i p1 = _mm256_maddubs_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 32)),
                                              _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + 32)));
      acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(p0, ones));
      acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(p1, ones));
    }
    total = widen_add(widen_add(total, acc0), acc1);
  }
  return sum64(total);
}

SEEDSCOPE_AVX2 void transpose_avx2(const std::uint8_t* const* rows, std::size_t cols, std::uint8_t* pt) {
  for (std::size_t c0 = 0; c0 < cols; c0 += 16) {
    transpose_columns(rows, c0, pt);
    transpose_columns(rows + 32, c0, pt + 32);
  }
}

// Σ over the columns j0 … j1−1 of (q − 64)² of pt[perm[j]]: |q − 64| times itself.
SEEDSCOPE_AVX2 std::int64_t columns_sq_avx2(const std::uint8_t* pt, const std::int32_t* perm, std::size_t j0,
                                            std::size_t j1) {
  const __m256i zero = _mm256_set1_epi8(kAvx2Zero), ones = _mm256_set1_epi16(1);
  __m256i total = _mm256_setzero_si256();
  for (std::size_t c0 = j0; c0 < j1; c0 += kFlushColumns) {
    __m256i acc = _mm256_setzero_si256();
    for (std::size_t j = c0; j < std::min(j1, c0 + kFlushColumns); ++j)
      for (std::size_t h = 0; h < kBlock; h += 32) {
        const __m256i u = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(pt + static_cast<std::size_t>(perm[j]) * kBlock + h));
        const __m256i m = _mm256_abs_epi8(_mm256_sub_epi8(u, zero));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(m, m), ones));
      }
    total = widen_add(total, acc);
  }
  return sum64(total);
}

}  // namespace screen_kernels
}  // namespace seedscope
