#include "mantel_screen.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cpu_features.h"
#include "mantel_screen_kernels.h"
#include "thread_pool.h"

namespace seedscope {

using screen_kernels::kBlock;

namespace {

constexpr double kMaxBytes = 1024.0 * 1024 * 1024;
// settle(): tries before the screen may be given up within a block
constexpr std::size_t kTrial = 4;

enum class Kernel { None, Avx2, Vnni };

// AVX-512 VNNI where the CPU has it and the active instruction set is
// AVX-512, else AVX2 where that is active (SEEDSCOPE_ISA), else none.
Kernel kernel() {
  static const Kernel k = [] {
    const Isa isa = active_isa();
    if (isa == Isa::Avx512 && __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw"))
      return Kernel::Vnni;
    return isa == Isa::Portable ? Kernel::None : Kernel::Avx2;
  }();
  return k;
}

std::size_t blocks_of(std::size_t n) { return (n + kBlock - 1) / kBlock; }

struct Kernels {
  void (*transpose)(const std::uint8_t* const*, std::size_t, std::uint8_t*);
  std::int64_t (*columns_sq)(const std::uint8_t*, const std::int32_t*, std::size_t, std::size_t);
  std::int64_t (*block_dot)(const std::int8_t*, const std::uint8_t*, const std::int32_t*, std::size_t, std::size_t);
};

const Kernels& kernels() {
  static const Kernels vnni{screen_kernels::transpose_vnni, screen_kernels::columns_sq_vnni,
                            screen_kernels::block_dot_vnni};
  static const Kernels avx2{screen_kernels::transpose_avx2, screen_kernels::columns_sq_avx2,
                            screen_kernels::block_dot_avx2};
  return kernel() == Kernel::Vnni ? vnni : avx2;
}

// Transposes block g's byte rows π(i0 + l) of one permuted side into pt (row
// n, all zero, where i0 + l ≥ n) and returns Σ (q − zero)² over the entries of
// those rows in columns π(j), j ≥ i0 + 64 (where every row of the block has
// its entry): the rows' totals minus the columns before, which are few in the
// early blocks.
std::int64_t transpose_block(const Kernels& k, const ScreenPermutedSide& side, std::size_t g,
                             const std::int32_t* perm, std::size_t n, std::uint8_t* pt) {
  const std::uint8_t* rows[kBlock];
  const std::size_t i0 = g * kBlock;
  std::int64_t squares = 0;
  for (std::size_t l = 0; l < kBlock; ++l) {
    const std::size_t r = i0 + l < n ? static_cast<std::size_t>(perm[i0 + l]) : n;
    rows[l] = side.q.data() + r * side.cols;
    squares += side.row_sq[r];
  }
  k.transpose(rows, side.cols, pt);
  return squares - k.columns_sq(pt, perm, 0, std::min(n, i0 + kBlock));
}

// Symmetric quantizer: x ≈ scale · q, q in [−levels, levels].
struct Quantizer {
  double scale;
  double levels;
  int operator()(double x) const {
    return static_cast<int>(std::clamp(std::nearbyint(x / scale), -levels, levels));
  }
};

}  // namespace

bool MantelScreen::available() { return kernel() != Kernel::None; }

const char* MantelScreen::kernel_name() {
  switch (kernel()) {
    case Kernel::Vnni: return "avx512-vnni";
    case Kernel::Avx2: return "avx2";
    default: return "none";
  }
}

ScreenFixedSide::ScreenFixedSide(const std::function<const float*(std::size_t)>& fixed_row, std::size_t n) {
  double max_a = 0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const float* row = fixed_row(i);
    for (std::size_t t = 0; t < n - 1 - i; ++t) max_a = std::max(max_a, std::fabs(static_cast<double>(row[t])));
  }
  if (!(max_a > 0)) return;
  const Quantizer quantize{max_a / 127, 127};
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
  const bool vnni = kernel() == Kernel::Vnni;
  const int levels = vnni ? screen_kernels::kVnniLevels : screen_kernels::kAvx2Levels;
  zero = vnni ? screen_kernels::kVnniZero : screen_kernels::kAvx2Zero;
  const Quantizer quantize{max_b / levels, static_cast<double>(levels)};
  double hat_sq = 0, err_sq = 0;
  q.assign((n + 1) * cols, static_cast<std::uint8_t>(zero));
  row_sq.assign(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      const double b = square[i * stride + j];
      const int v = quantize(b);
      q[i * cols + j] = q[j * cols + i] = static_cast<std::uint8_t>(v + zero);
      row_sq[i] += static_cast<std::int64_t>(v) * v;
      row_sq[j] += static_cast<std::int64_t>(v) * v;
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

bool MantelScreen::prove_below(const std::int32_t* perm, const double* offset, double limit, bool two_sided,
                               double* bounds, Scratch& scratch) const {
  const std::size_t np = pairs_.size(), nb = permuted_.size();
  const std::size_t pt_size = permuted_.front().cols * kBlock;
  scratch.pt.resize(nb * pt_size);
  scratch.dot.assign(np, 0);
  scratch.squares.assign(nb, 0);
  scratch.b_rest.resize(nb);
  const Kernels& k = kernels();
  for (std::size_t g = 0; g < blocks_of(n_); ++g) {
    for (std::size_t y = 0; y < nb; ++y) {
      const ScreenPermutedSide& b = permuted_[y];
      scratch.squares[y] += transpose_block(k, b, g, perm, n_, scratch.pt.data() + y * pt_size);
      // The rows not screened yet meet the permuted entries not counted in
      // `squares`: their norm is at most √(‖b‖² − ‖b' counted‖²), and
      // ‖b' counted‖ ≥ ‖b̂' counted‖ − ‖b − b̂‖. The 1e-12 · ‖b‖² absorbs the
      // cancellation in that difference.
      const double counted = std::max(0.0, b.scale * std::sqrt(static_cast<double>(scratch.squares[y])) - b.err_norm);
      scratch.b_rest[y] = std::sqrt(std::max(0.0, b.norm_sq - counted * counted) + 1e-12 * b.norm_sq);
    }
    bool all_below = true;
    for (std::size_t s = 0; s < np; ++s) {
      const auto [x, y] = pairs_[s];
      const ScreenFixedSide& a = fixed_[x];
      scratch.dot[s] += k.block_dot(a.q.data() + a.block_start[g], scratch.pt.data() + y * pt_size, perm,
                                    g * kBlock + 1, n_);
      // T_s lies within `reach` of the quantized sum of the rows screened so far
      const double center =
          offset[s] + pair_scale_[s] * static_cast<double>(scratch.dot[s] - permuted_[y].zero * a.q_before[g + 1]);
      const double reach = pair_slack_[s] + a.rest_norm[g + 1] * scratch.b_rest[y] * (1 + 1e-9);
      bounds[s] = (two_sided ? std::fabs(center) : center) + reach;
      all_below = all_below && bounds[s] < limit;
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
  Scratch scratch;
  std::vector<double> bounds(np);
  std::size_t tried = 0, proved = 0;
  for (const std::size_t p : candidates) {
    if ((squared && !(limit > 0)) || (tried >= kTrial && proved * 4 < tried)) {
      active.push_back(p);
      continue;
    }
    ++tried;
    double* r0 = out + p * np;
    if (prove_below(perms[p], r0, limit, squared, bounds.data(), scratch)) {
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
