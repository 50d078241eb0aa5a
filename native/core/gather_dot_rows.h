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

#include <cstddef>
#include <cstdint>

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

}  // namespace seedscope
