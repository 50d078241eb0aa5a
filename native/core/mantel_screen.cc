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
#include "thread_pool.h"

namespace seedscope {

namespace {

#define SEEDSCOPE_VNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))

constexpr std::size_t kBlock = 64;  // fixed rows per block = bytes per transposed column
// Columns per int32 flush: a lane gains at most 4 · 255 · 127 per column.
constexpr std::size_t kFlushColumns = 4096;
constexpr double kMaxBytes = 1024.0 * 1024 * 1024;
// settle(): tries before the screen may be given up within a block
constexpr std::size_t kTrial = 4;

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

// Transposes block g's byte rows π(i0 + l) of one permuted side into pt and
// returns Σ (qb' − 128)² over the entries of the block's rows in columns
// j ≥ i0 + 64 (where every row of the block has its entry): the rows' totals
// minus the columns before, which are few in the early blocks.
SEEDSCOPE_VNNI std::int64_t transpose_block(const ScreenPermutedSide& side, std::size_t g, const std::int32_t* perm,
                                            std::size_t n, std::uint8_t* pt) {
  const std::uint8_t* rows[kBlock];
  const std::size_t i0 = g * kBlock;
  std::int64_t squares = 0;
  for (std::size_t l = 0; l < kBlock; ++l) {
    const std::size_t r = i0 + l < n ? static_cast<std::size_t>(perm[i0 + l]) : n;
    rows[l] = side.q.data() + r * side.cols;
    squares += side.row_sq[r];
  }
  for (std::size_t c0 = 0; c0 < side.cols; c0 += 16) transpose_columns(rows, c0, pt);
  return squares - columns_sq(pt, perm, 0, std::min(n, i0 + kBlock));
}

std::size_t blocks_of(std::size_t n) { return (n + kBlock - 1) / kBlock; }

// Symmetric 8-bit quantizer: x ≈ scale · q, q in [−127, 127].
struct Quantizer {
  double scale;
  int operator()(double x) const {
    return static_cast<int>(std::clamp(std::nearbyint(x / scale), -127.0, 127.0));
  }
};

}  // namespace

bool MantelScreen::available() {
  static const bool ok = __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw") &&
                         active_isa() == Isa::Avx512;
  return ok;
}

ScreenFixedSide::ScreenFixedSide(const std::function<const float*(std::size_t)>& fixed_row, std::size_t n) {
  double max_a = 0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const float* row = fixed_row(i);
    for (std::size_t t = 0; t < n - 1 - i; ++t) max_a = std::max(max_a, std::fabs(static_cast<double>(row[t])));
  }
  if (!(max_a > 0)) return;
  const Quantizer quantize{max_a / 127};
  const std::size_t blocks = blocks_of(n);
  block_start.resize(blocks);
  std::size_t size = 0;
  for (std::size_t g = 0; g < blocks; ++g) {
    block_start[g] = size;
    size += (n - std::min(n, g * kBlock + 1)) * kBlock;
  }
  q.assign(size + kBlock, 0);
  q_before.assign(blocks + 1, 0);
  std::vector<double> block_sq(blocks, 0.0);  // Σ a² of each block's rows
  double hat_sq = 0, err_sq = 0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const float* row = fixed_row(i);
    const std::size_t g = i / kBlock, l = i % kBlock, j0 = g * kBlock + 1;
    for (std::size_t j = i + 1; j < n; ++j) {
      const double a = row[j - i - 1];
      const int v = quantize(a);
      q[block_start[g] + (j - j0) * kBlock + l] = static_cast<std::int8_t>(v);
      const double a_hat = quantize.scale * v;
      hat_sq += a_hat * a_hat;
      err_sq += (a - a_hat) * (a - a_hat);
      block_sq[g] += a * a;
      q_before[g + 1] += v;
    }
  }
  for (std::size_t g = 0; g < blocks; ++g) q_before[g + 1] += q_before[g];
  rest_norm.assign(blocks + 1, 0.0);
  double rest_sq = 0;
  for (std::size_t g = blocks; g-- > 0;) {
    rest_sq += block_sq[g];
    rest_norm[g] = std::sqrt(rest_sq);
  }
  scale = quantize.scale;
  hat_norm = std::sqrt(hat_sq);
  err_norm = std::sqrt(err_sq) * (1 + 1e-9);
  usable = true;
}

ScreenPermutedSide::ScreenPermutedSide(const float* square, std::size_t stride, std::size_t n)
    : cols((n + kBlock - 1) / kBlock * kBlock) {
  double max_b = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) max_b = std::max(max_b, std::fabs(static_cast<double>(square[i * stride + j])));
  if (!(max_b > 0)) return;
  const Quantizer quantize{max_b / 127};
  double hat_sq = 0, err_sq = 0;
  q.assign((n + 1) * cols, 128);
  row_sq.assign(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      const double b = square[i * stride + j];
      const int v = quantize(b);
      q[i * cols + j] = static_cast<std::uint8_t>(v + 128);
      row_sq[i] += static_cast<std::int64_t>(v) * v;
      if (j < i) continue;
      const double b_hat = quantize.scale * v;
      norm_sq += b * b;
      hat_sq += b_hat * b_hat;
      err_sq += (b - b_hat) * (b - b_hat);
    }
  scale = quantize.scale;
  hat_norm = std::sqrt(hat_sq);
  err_norm = std::sqrt(err_sq) * (1 + 1e-9);
  usable = true;
}

MantelScreen::MantelScreen(std::vector<ScreenFixedSide> fixed, std::vector<ScreenPermutedSide> permuted,
                           std::vector<std::pair<std::size_t, std::size_t>> pairs, std::size_t n)
    : n_(n), fixed_(std::move(fixed)), permuted_(std::move(permuted)), pairs_(std::move(pairs)) {
  for (const auto& [x, g] : pairs_) {
    const ScreenFixedSide& a = fixed_[x];
    const ScreenPermutedSide& b = permuted_[g];
    const double errors = a.hat_norm * b.err_norm + a.err_norm * std::sqrt(b.norm_sq);
    pair_scale_.push_back(a.scale * b.scale);
    // The integer sums are exact; scaling them and the norms round in float64
    // (relative 1e-15 or so of ‖â‖·‖b̂‖, which bounds |Σ â·b̂'|): 1e-9 covers
    // that with room to spare.
    pair_slack_.push_back(errors + 1e-9 * (a.hat_norm * b.hat_norm + errors));
  }
}

bool MantelScreen::prove_below(const std::int32_t* perm, const double* offset, const double* limit, bool two_sided,
                               double* bounds, std::vector<std::uint8_t>& scratch) const {
  const std::size_t np = pairs_.size(), nb = permuted_.size();
  const std::size_t cols = permuted_.front().cols, pt_size = cols * kBlock;
  if (scratch.size() < nb * pt_size) scratch.assign(nb * pt_size, 0);
  std::vector<std::int64_t> dot(np, 0), squares(nb, 0);
  std::vector<double> b_rest(nb);
  const std::size_t blocks = blocks_of(n_);
  for (std::size_t g = 0; g < blocks; ++g) {
    for (std::size_t y = 0; y < nb; ++y) {
      squares[y] += transpose_block(permuted_[y], g, perm, n_, scratch.data() + y * pt_size);
      // The rows not screened yet meet the permuted entries not counted in
      // `squares`: their norm is at most √(‖b‖² − ‖b' counted‖²), and
      // ‖b' counted‖ ≥ ‖b̂' counted‖ − ‖b − b̂‖. The 1e-12 · ‖b‖² absorbs the
      // cancellation in that difference.
      const ScreenPermutedSide& b = permuted_[y];
      const double counted = std::max(0.0, b.scale * std::sqrt(static_cast<double>(squares[y])) - b.err_norm);
      b_rest[y] = std::sqrt(std::max(0.0, b.norm_sq - counted * counted) + 1e-12 * b.norm_sq);
    }
    bool all_below = true;
    for (std::size_t s = 0; s < np; ++s) {
      const auto [x, y] = pairs_[s];
      const ScreenFixedSide& a = fixed_[x];
      dot[s] += block_dot(a.q.data() + a.block_start[g], scratch.data() + y * pt_size, perm, g * kBlock + 1, n_);
      // T_s lies within `reach` of the quantized sum of the rows screened so far
      const double center = offset[s] + pair_scale_[s] * static_cast<double>(dot[s] - 128 * a.q_before[g + 1]);
      const double reach = pair_slack_[s] + a.rest_norm[g + 1] * b_rest[y] * (1 + 1e-9);
      bounds[s] = (two_sided ? std::fabs(center) : center) + reach;
      all_below = all_below && bounds[s] < limit[s];
    }
    if (all_below) return true;
  }
  return false;
}

std::size_t MantelScreen::settle(const std::int32_t* const* perms, const std::vector<std::size_t>& candidates,
                                 double* out, double stop_below, double margin, bool squared,
                                 std::vector<bool>& stopped, std::vector<std::size_t>& active) const {
  const std::size_t np = pairs_.size();
  // r² < stop_below once |r| + margin < √stop_below
  const double limit = squared ? (stop_below > 0 ? std::sqrt(stop_below) : -1.0) - margin : stop_below - margin;
  std::vector<std::uint8_t> scratch;
  std::vector<double> limits(np, limit), bounds(np);
  std::size_t tried = 0, proved = 0;
  for (const std::size_t p : candidates) {
    if ((squared && !(limit > 0)) || (tried >= kTrial && proved * 4 < tried)) {
      active.push_back(p);
      continue;
    }
    ++tried;
    double* r0 = out + p * np;
    if (prove_below(perms[p], r0, limits.data(), squared, bounds.data(), scratch)) {
      for (std::size_t s = 0; s < np; ++s) r0[s] = squared ? (bounds[s] + margin) * (bounds[s] + margin) : bounds[s] + margin;
      stopped[p] = true;
      ++proved;
    } else {
      active.push_back(p);
    }
  }
  return proved;
}

std::unique_ptr<MantelScreen> make_mantel_screen(const std::vector<std::function<const float*(std::size_t)>>& fixed,
                                                 const std::vector<const float*>& permuted, std::size_t stride,
                                                 std::size_t n,
                                                 const std::vector<std::pair<std::size_t, std::size_t>>& pairs,
                                                 int threads) {
  // about n²/2 bytes per fixed side and n² per permuted side
  const double nn = static_cast<double>(n) * static_cast<double>(n);
  if ((0.5 * static_cast<double>(fixed.size()) + static_cast<double>(permuted.size())) * nn > kMaxBytes) return nullptr;
  std::vector<std::unique_ptr<ScreenFixedSide>> a(fixed.size());
  std::vector<std::unique_ptr<ScreenPermutedSide>> b(permuted.size());
  parallel_for(a.size() + b.size(), threads, [&](std::size_t t, int) {
    if (t < a.size()) a[t] = std::make_unique<ScreenFixedSide>(fixed[t], n);
    else b[t - a.size()] = std::make_unique<ScreenPermutedSide>(permuted[t - a.size()], stride, n);
  });
  std::vector<ScreenFixedSide> fixed_sides;
  std::vector<ScreenPermutedSide> permuted_sides;
  for (auto& side : a) {
    if (!side->usable) return nullptr;
    fixed_sides.push_back(std::move(*side));
  }
  for (auto& side : b) {
    if (!side->usable) return nullptr;
    permuted_sides.push_back(std::move(*side));
  }
  return std::make_unique<MantelScreen>(std::move(fixed_sides), std::move(permuted_sides), pairs, n);
}

}  // namespace seedscope
