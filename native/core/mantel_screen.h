// A cheap proof that a permutation of a Mantel test cannot count (the dot
// engine's screen, run before the exact gather; mantel_dot.cc).
//
// Every residual is quantized to bytes, â = s_a·qa and b̂ = s_b·qb (the
// permuted side to 8 bits with AVX-512 VNNI, 7 with AVX2), and the
// permuted statistic of the quantized ones is computed exactly in integers.
// Cauchy–Schwarz bounds what quantizing changed:
//   Σ a·b' = Σ â·b̂' + Σ â·(b − b̂)' + Σ (a − â)·b'
//          ≤ Σ â·b̂' + ‖â‖·‖b − b̂‖ + ‖a − â‖·‖b‖
// (sums over the condensed entries i < j, ' the permuted RDM; a permutation
// moves entries, so it changes none of the norms). With 8 bits the two error
// terms are about 1 % of ‖a‖·‖b‖ (2 % with 7). Rows of the fixed side are screened 64 at a
// time; the rows not screened yet are bounded by ‖a over them‖ times the norm
// of the permuted entries they can still meet, so a permutation whose
// statistics lie clearly below the thresholds is usually settled after a
// third of the rows, and only the rest go through the exact kernel.
//
// Why it is cheaper than the exact gather: per block of 64 fixed rows, each
// permuted RDM's byte rows π(i) are transposed once, so that the 64 entries
// one column j of the block meets are contiguous; then one AVX-512 VNNI
// instruction (four with AVX2) takes all 64 products of that column, for
// every pair that shares the permuted RDM. Transposing costs about 1/16 of a shuffle per byte,
// against a gather per entry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace seedscope {

// One quantized fixed RDM: per block of 64 rows, for each column j after the
// block start, the 64 bytes qa(i0 + l, j) (0 where i0 + l ≥ j).
struct ScreenFixedSide {
  // fixed_row(i): the stored entries a(i, j) for j = i+1 … n−1, exactly as the
  // exact kernel reads them.
  ScreenFixedSide(const std::function<const float*(std::size_t)>& fixed_row, std::size_t n);
  bool usable = false;   // false when every entry is 0
  double scale = 0;      // s_a
  double hat_norm = 0;   // ‖â‖
  double err_norm = 0;   // ‖a − â‖ (rounded up)
  std::vector<std::int8_t> q;
  std::vector<std::size_t> block_start;  // offset of each block in q
  std::vector<std::int64_t> q_before;    // Σ qa over the blocks before g
  std::vector<double> rest_norm;         // ‖a‖ over the rows from block g on
};

// One quantized permuted RDM: square byte rows qb + zero (unsigned), so that
// any permuted row can be read whole (8 bits with VNNI, 7 with AVX2).
struct ScreenPermutedSide {
  // square: its rows b(i, ·) with this stride, as the exact kernel reads them.
  ScreenPermutedSide(const float* square, std::size_t stride, std::size_t n);
  bool usable = false;
  double scale = 0;      // s_b
  double norm_sq = 0;    // ‖b‖²
  double hat_norm = 0;   // ‖b̂‖
  double err_norm = 0;   // ‖b − b̂‖ (rounded up)
  std::int64_t zero = 0;  // the byte of 0 (128 or 64)
  std::size_t cols = 0;  // bytes per row: n rounded up to 64; row n and the padding are zero
  std::vector<std::uint8_t> q;
  std::vector<std::int64_t> row_sq;  // Σ (qb − zero)² of each row
};

class MantelScreen {
 public:
  // Whether a kernel runs here: AVX-512 VNNI (CPU support and the active
  // instruction set AVX-512), else AVX2 (active instruction set at least AVX2).
  static bool available();
  // "avx512-vnni", "avx2" or "none".
  static const char* kernel_name();
  // pairs[s] = (index into fixed, index into permuted). Every side must be usable.
  MantelScreen(std::vector<ScreenFixedSide> fixed, std::vector<ScreenPermutedSide> permuted,
               std::vector<std::pair<std::size_t, std::size_t>> pairs, std::size_t n);

  // Working memory of prove_below, reused between calls (one per thread).
  struct Scratch {
    std::vector<std::uint8_t> pt;      // the transposed block of each permuted side
    std::vector<std::int64_t> dot;     // per pair: the integer sum so far
    std::vector<std::int64_t> squares; // per permuted side: the counted squares so far
    std::vector<double> b_rest;        // per permuted side: norm still to meet
  };

  // With T_s = Σ_{i<j} a(i, j)·b(π(i), π(j)), the real sum of the stored
  // values of pair s: bounds[s] is an upper bound of offset[s] + T_s, or with
  // two_sided of |offset[s] + T_s|. Returns true, as soon as it can, once
  // every pair's bound is below `limit` (−∞: screens every row).
  bool prove_below(const std::int32_t* perm, const double* offset, double limit, bool two_sided, double* bounds,
                   Scratch& scratch) const;

  // For the candidates p among an engine's block of permutations:
  // out[p · pairs + s] holds the exact part r0 of each statistic computed so
  // far (the row effects), the statistic being r = r0 + T_s, or r² with
  // `squared`. A permutation proved to have every statistic below
  // `stop_below` gets out = its bound with `margin` added (still
  // < stop_below) and stopped[p]; the others are appended to `active`.
  // Statistics close to the threshold defeat the screen, so within a block it
  // is given up once it has proved fewer than a quarter of the permutations
  // it tried (from the fourth on). Returns how many it proved.
  std::size_t settle(const std::int32_t* const* perms, const std::vector<std::size_t>& candidates, double* out,
                     double stop_below, double margin, bool squared, std::vector<bool>& stopped,
                     std::vector<std::size_t>& active) const;

 private:
  std::size_t n_;
  std::vector<ScreenFixedSide> fixed_;
  std::vector<ScreenPermutedSide> permuted_;
  std::vector<std::pair<std::size_t, std::size_t>> pairs_;
  std::vector<double> pair_scale_;  // s_a · s_b
  std::vector<double> pair_slack_;  // both quantization error terms, plus a margin for float64 rounding
};

// The screen for these sides (built in parallel), or nullptr when it would
// exceed its memory budget (1 GiB) or a side is all zero. fixed[x](i): the
// stored entries of fixed RDM x in row i (j > i); permuted[y]: square rows of
// permuted RDM y with this stride. Requires MantelScreen::available().
std::unique_ptr<MantelScreen> make_mantel_screen(const std::vector<std::function<const float*(std::size_t)>>& fixed,
                                                 const std::vector<const float*>& permuted, std::size_t stride,
                                                 std::size_t n,
                                                 const std::vector<std::pair<std::size_t, std::size_t>>& pairs,
                                                 int threads);

}  // namespace seedscope
