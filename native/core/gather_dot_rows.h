// The one-pair Mantel kernel: one row of the permuted RDM (square storage,
// cache-resident) against the fixed rows of many permutations at once. Each
// item is one permutation's share of that row: Σ_t a[t] · row[idx[t]] and the
// gathered squares Σ_t row[idx[t]]², added into that permutation's running
// lane sums. The lanes are reduced only when a sum is needed (early-stop
// checks and the end), not once per row, and the call covers a whole row so
// the next item's fixed row can be fetched while this one is gathered.
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
  const T* a;                // fixed row, len entries
  const std::int32_t* idx;   // where each entry sits in the permuted row
  std::size_t len;           // >= 1
  double* lanes;             // kRowLanes running sums of this permutation
};

// For each item: lanes[0..16) += products, lanes[16..32) += gathered squares
// (squares only when `squares`; their lanes are then left untouched).
void gather_dot_rows(const float* row, const GatherDotItem<float>* items, std::size_t count, bool squares);
void gather_dot_rows(const double* row, const GatherDotItem<double>* items, std::size_t count, bool squares);

// Σ of kDotLanes lane sums in one fixed order.
double lane_sum(const double* lanes);

}  // namespace seedscope
