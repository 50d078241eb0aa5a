#include "mantel_screen.h"

#include <algorithm>
#include <cmath>
#include <limits>

// GCC 12 warns about the undefined pass-through operand inside its own
// intrinsic headers (a known false positive).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "cpu_features.h"

namespace seedscope {

namespace {

#define SEEDSCOPE_VNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))

constexpr std::size_t kBlock = 64;  // fixed rows per block = bytes per transposed column
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

// Σ over the block's columns j of Σ_l qa(l, j) · pt[perm[j]][l] (exact).
SEEDSCOPE_VNNI std::int64_t block_dot(const std::int8_t* qa, const std::uint8_t* pt, const std::int32_t* perm,
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

// Σ over the columns j0 … j1−1 of the squared signed bytes (qb − 128) of
// pt[perm[j]]: qb·(qb − 128) − 128·(qb − 128), both as VNNI dot products.
SEEDSCOPE_VNNI std::int64_t columns_sq(const std::uint8_t* pt, const std::int32_t* perm, std::size_t j0, std::size_t j1) {
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80)), ones = _mm512_set1_epi8(1);
  __m512i prod = _mm512_setzero_si512(), sum = _mm512_setzero_si512();
  for (std::size_t j = j0; j < j1; ++j) {
    const __m512i u = _mm512_loadu_si512(pt + static_cast<std::size_t>(perm[j]) * kBlock);
    const __m512i q = _mm512_xor_si512(u, flip);
    prod = _mm512_dpbusd_epi32(prod, u, q);
    sum = _mm512_dpbusd_epi32(sum, ones, q);
  }
  const __m512i zero = _mm512_setzero_si512();
  return _mm512_reduce_add_epi64(widen_add(zero, prod)) - 128 * _mm512_reduce_add_epi64(widen_add(zero, sum));
}

struct BlockSums {
  std::int64_t dot;      // Σ qa·qb' over the block's entries
  std::int64_t squares;  // Σ (qb' − 128)² over part of them (the columns every row of the block reaches)
};

// Block g of the screen: the permuted rows π(i0 + l) transposed, then their
// integer dot with the block's fixed entries. The squares of the entries in
// columns j ≥ i0 + 64 (where every row of the block has its entry) are the
// rows' totals minus the columns before: those are fewer in the early blocks.
SEEDSCOPE_VNNI BlockSums block_sums(const std::uint8_t* qb, std::size_t cols, const std::int64_t* row_sq,
                                    const std::int8_t* qa, std::size_t g, const std::int32_t* perm, std::size_t n,
                                    std::uint8_t* pt) {
  const std::uint8_t* rows[kBlock];
  const std::size_t i0 = g * kBlock;
  std::int64_t squares = 0;
  for (std::size_t l = 0; l < kBlock; ++l) {
    const std::size_t r = i0 + l < n ? static_cast<std::size_t>(perm[i0 + l]) : n;
    rows[l] = qb + r * cols;
    squares += row_sq[r];
  }
  for (std::size_t c0 = 0; c0 < cols; c0 += 16) transpose_columns(rows, c0, pt);
  squares -= columns_sq(pt, perm, 0, std::min(n, i0 + kBlock));
  return {block_dot(qa, pt, perm, i0 + 1, n), squares};
}

std::size_t blocks_of(std::size_t n) { return (n + kBlock - 1) / kBlock; }

struct Quantizer {
  double scale;
  int operator()(double x) const {
    return static_cast<int>(std::clamp(std::nearbyint(x / scale), -127.0, 127.0));
  }
};

}  // namespace

bool ResidualScreen::available() {
  static const bool ok = __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw") &&
                         active_isa() == Isa::Avx512;
  return ok;
}

ResidualScreen::ResidualScreen(const std::function<const float*(std::size_t)>& fixed_row, const float* permuted,
                               std::size_t stride, std::size_t n)
    : n_(n), cols_((n + kBlock - 1) / kBlock * kBlock) {
  double max_a = 0, max_b = 0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const float* row = fixed_row(i);
    for (std::size_t t = 0; t < n - 1 - i; ++t) max_a = std::max(max_a, std::fabs(static_cast<double>(row[t])));
    for (std::size_t j = i + 1; j < n; ++j)
      max_b = std::max(max_b, std::fabs(static_cast<double>(permuted[i * stride + j])));
  }
  if (!(max_a > 0) || !(max_b > 0)) return;
  const Quantizer qa_of{max_a / 127}, qb_of{max_b / 127};

  // Fixed side, per block of 64 rows: for each column j > i0, the 64 entries
  // qa(i0 + l, j) of the block's rows (0 where i0 + l ≥ j).
  double a_hat_sq = 0, a_err_sq = 0;
  std::vector<double> a_sq_block(blocks_of(n) + 1, 0.0);  // Σ a² of each block's rows
  qa_before_.assign(blocks_of(n) + 1, 0);
  const std::size_t blocks = blocks_of(n);
  block_start_.resize(blocks);
  std::size_t size = 0;
  for (std::size_t g = 0; g < blocks; ++g) {
    block_start_[g] = size;
    size += (n - std::min(n, g * kBlock + 1)) * kBlock;
  }
  qa_.assign(size + kBlock, 0);
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const float* row = fixed_row(i);
    const std::size_t g = i / kBlock, l = i % kBlock, j0 = g * kBlock + 1;
    for (std::size_t j = i + 1; j < n; ++j) {
      const double a = row[j - i - 1];
      const int q = qa_of(a);
      qa_[block_start_[g] + (j - j0) * kBlock + l] = static_cast<std::int8_t>(q);
      const double a_hat = qa_of.scale * q;
      a_hat_sq += a_hat * a_hat;
      a_err_sq += (a - a_hat) * (a - a_hat);
      a_sq_block[g] += a * a;
      qa_before_[g + 1] += q;
    }
  }

  // Permuted side: unsigned bytes q + 128, square, so any permuted row can be read whole.
  double b_sq = 0, b_hat_sq = 0, b_err_sq = 0;
  qb_.assign((n + 1) * cols_, 128);
  row_sq_.assign(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      const double b = permuted[i * stride + j];
      const int q = qb_of(b);
      qb_[i * cols_ + j] = static_cast<std::uint8_t>(q + 128);
      row_sq_[i] += static_cast<std::int64_t>(q) * q;
      if (j < i) continue;
      const double b_hat = qb_of.scale * q;
      b_sq += b * b;
      b_hat_sq += b_hat * b_hat;
      b_err_sq += (b - b_hat) * (b - b_hat);
    }

  for (std::size_t g = 0; g < blocks; ++g) qa_before_[g + 1] += qa_before_[g];
  scale_ = qa_of.scale * qb_of.scale;
  const double a_hat = std::sqrt(a_hat_sq), errors = a_hat * std::sqrt(b_err_sq) + std::sqrt(a_err_sq) * std::sqrt(b_sq);
  // The integer sum is exact; scaling it and the norms above round in float64
  // (relative 1e-15 or so of ‖â‖·‖b̂‖, which bounds |Σ â·b̂'|). 1e-9 covers that
  // with room to spare.
  slack_ = errors + 1e-9 * (a_hat * std::sqrt(b_hat_sq) + errors);
  // Rows from block g on: Σ a·b' over them is at most ‖a over those rows‖
  // times the norm of the permuted entries they meet (see bound()).
  a_rest_.assign(blocks + 1, 0.0);
  double a_rest_sq = 0;
  for (std::size_t g = blocks; g-- > 0;) {
    a_rest_sq += a_sq_block[g];
    a_rest_[g] = std::sqrt(a_rest_sq);
  }
  b_sq_ = b_sq;
  b_scale_ = qb_of.scale;
  b_err_ = std::sqrt(b_err_sq) * (1 + 1e-9);
  usable_ = true;
}

double ResidualScreen::bound(const std::int32_t* perm, std::vector<std::uint8_t>& scratch, double stop) const {
  if (scratch.size() < cols_ * kBlock) scratch.assign(cols_ * kBlock, 0);
  std::int64_t dot = 0, squares = 0;
  double bound = std::numeric_limits<double>::infinity();
  for (std::size_t g = 0; g < block_start_.size(); ++g) {
    const BlockSums sums = block_sums(qb_.data(), cols_, row_sq_.data(), qa_.data() + block_start_[g], g, perm, n_,
                                      scratch.data());
    dot += sums.dot;
    squares += sums.squares;
    // The rows not screened yet meet the permuted entries not counted in
    // `squares`: their norm is at most √(‖b‖² − ‖b' counted‖²), and
    // ‖b' counted‖ ≥ ‖b̂' counted‖ − ‖b − b̂‖. The 1e-12 · ‖b‖² absorbs the
    // cancellation in that difference.
    const double counted = std::max(0.0, b_scale_ * std::sqrt(static_cast<double>(squares)) - b_err_);
    const double b_rest = std::sqrt(std::max(0.0, b_sq_ - counted * counted) + 1e-12 * b_sq_);
    bound = scale_ * static_cast<double>(dot - 128 * qa_before_[g + 1]) + slack_ + a_rest_[g + 1] * b_rest * (1 + 1e-9);
    if (bound < stop) break;
  }
  return bound;
}

}  // namespace seedscope
