// A cheap proof that a permutation of a one-pair Mantel test cannot count
// (the dot engine's screen, used before the exact gather; mantel_dot.cc).
//
// Both residuals are quantized to 8 bits, â = s_a·qa and b̂ = s_b·qb, and the
// permuted statistic of the quantized ones is computed exactly in integers.
// Cauchy–Schwarz bounds what quantizing changed:
//   Σ a·b' = Σ â·b̂' + Σ â·(b − b̂)' + Σ (a − â)·b'
//          ≤ Σ â·b̂' + ‖â‖·‖b − b̂‖ + ‖a − â‖·‖b‖
// (sums over the condensed entries i < j, ' the permuted RDM; a permutation
// moves entries, so it changes none of the norms). With 8 bits the two error
// terms are about 1 % of ‖a‖·‖b‖: any permutation whose statistic lies
// clearly below the observed one is proved so here, at a fraction of the
// exact cost, and only the rest go through the exact kernel.
//
// Why it is cheaper than the exact gather: per block of 64 rows of the fixed
// side, the permuted RDM's byte rows π(i) are transposed once, so that the 64
// entries one column j of the block meets are contiguous; then one AVX-512
// VNNI instruction takes all 64 products of that column. Transposing costs
// about 1/16 of a shuffle per byte, against a gather per entry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace seedscope {

class ResidualScreen {
 public:
  // Whether the CPU has AVX-512 VNNI and the active instruction set is AVX-512.
  static bool available();

  // fixed_row(i): the stored entries a(i, j) for j = i+1 … n−1 (the fixed
  // side, exactly as the exact kernel reads them). permuted: the permuted
  // side's square rows b(i, ·) with the given stride (as the exact kernel
  // reads them). Requires n ≥ 2.
  ResidualScreen(const std::function<const float*(std::size_t)>& fixed_row, const float* permuted,
                 std::size_t stride, std::size_t n);

  // False when a side is all zero (nothing to quantize): bound() must not be used.
  bool usable() const { return usable_; }

  // An upper bound of the real sum Σ_{i<j} a(i, j)·b(π(i), π(j)) of the stored
  // values. Rows are screened 64 at a time, the rest bounded by Cauchy–Schwarz;
  // it returns as soon as the bound is below `stop` (−∞: screens every row).
  // scratch: any vector, reused between calls (one per thread).
  double bound(const std::int32_t* perm, std::vector<std::uint8_t>& scratch, double stop) const;

 private:
  std::size_t n_ = 0;
  std::size_t cols_ = 0;  // byte rows of the permuted side: n rounded up to 64
  bool usable_ = false;
  double scale_ = 0;      // s_a · s_b
  double slack_ = 0;      // both error terms, plus a margin for float64 rounding
  // qb is stored as q + 128 (unsigned bytes): the sum is corrected by 128 · Σ qa
  std::vector<std::int64_t> qa_before_;  // Σ qa over the blocks before g
  std::vector<std::int64_t> row_sq_;     // Σ (qb − 128)² of each byte row
  std::vector<double> a_rest_;           // ‖a‖ over the rows from block g on
  double b_sq_ = 0;                      // ‖b‖²
  double b_scale_ = 0;                   // s_b
  double b_err_ = 0;                     // ‖b − b̂‖ (rounded up)
  std::vector<std::uint8_t> qb_;  // (n + 1) rows of cols_ bytes; row n and the padding are 128 (zero)
  std::vector<std::int8_t> qa_;   // per block of 64 fixed rows: 64 bytes for each column j after the block start
  std::vector<std::size_t> block_start_;  // offset of each block in qa_
};

}  // namespace seedscope
