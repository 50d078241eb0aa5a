// The one-pair Mantel kernel: a few cache-resident rows of the permuted RDM
// (square storage) against the fixed rows of many permutations at once. Each
// item is one permutation's share of one row: Σ_t a[t] · row[idx[t]] and the
// gathered squares Σ_t row[idx[t]]², added into that permutation's running
// lane sums. The lanes are reduced only when a sum is needed (early-stop
// checks and the end); consecutive items of one permutation keep them in
// registers, and the next item's fixed row is fetched while one is gathered.
//
// Padded layout (float rows, AVX-512): the vector kernel reads whole steps of
// 16 entries, past `len`. There a[t] must be 0 (rows padded with zeros to a
// multiple of 16) and idx[t] must name a 0 of the row (the permuted rows carry
// a zero column, the index lists end in 16 copies of its index), so that the
// extra lanes add exactly nothing; no masked gathers.
//
// Every ISA gives a result that depends only on the permutation (its rows'
// lengths and order), never on which other items share a call or on threads.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "pair_statistic.h"

namespace seedscope {

// Running sums of one permutation: lanes [0, kDotLanes) for the dot product,
// then as many for the gathered squares.
constexpr std::size_t kDotLanes = 16;
constexpr std::size_t kRowLanes = 2 * kDotLanes;

template <typename T>
struct GatherDotItem {
  const T* row;              // row of the permuted RDM
  const T* a;                // fixed row, len entries (padded, see above)
  const std::int32_t* idx;   // where each entry sits in `row` (padded, see above)
  std::size_t len;           // >= 1
  double* lanes;             // kRowLanes running sums of this permutation
};

// For each item in order: lanes[0..16) += products, lanes[16..32) += gathered
// squares (squares only when `squares`; their lanes are then left untouched).
void gather_dot_rows(const GatherDotItem<float>* items, std::size_t count, bool squares);
void gather_dot_rows(const GatherDotItem<double>* items, std::size_t count, bool squares);

// Σ of kDotLanes lane sums in one fixed order.
double lane_sum(const double* lanes);

// The fixed rows in the padded layout: a condensed triangle (rows i < j) with
// each row starting on a 64-byte boundary (vector loads of it never straddle
// two cache lines) and padded with zeros to a multiple of 64 bytes.
template <typename T>
class AlignedRows {
 public:
  void fill(const std::vector<T>& condensed, std::size_t n) {
    constexpr std::size_t kLine = 64 / sizeof(T);
    start_.assign(n, 0);
    std::size_t total = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
      start_[i] = total;
      total += (n - 1 - i + kLine - 1) / kLine * kLine;
    }
    store_.assign(total + kLine, T(0));
    const std::size_t misalign = reinterpret_cast<std::uintptr_t>(store_.data()) % 64;
    base_ = misalign == 0 ? 0 : (64 - misalign) / sizeof(T);
    for (std::size_t i = 0; i + 1 < n; ++i) {
      const std::size_t off = condensed_row_offset(n, i);
      std::copy(condensed.data() + off, condensed.data() + off + (n - 1 - i), store_.data() + base_ + start_[i]);
    }
  }
  const T* row(std::size_t i) const { return store_.data() + base_ + start_[i]; }

 private:
  std::vector<T> store_;
  std::size_t base_ = 0;
  std::vector<std::size_t> start_;
};

}  // namespace seedscope
