// Sorting doubles with their positions, fast enough that ranking a 1000-stimulus
// RDM (half a million entries) costs milliseconds: a radix sort (MSD) on
// order-preserving 64-bit keys, which beats comparison sorts by several times
// at these sizes and is stable, so ties stay in index order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace seedscope {

struct KeyIndex {
  std::uint64_t key;    // orders like the value; equal keys <=> equal values
  std::uint64_t index;  // position in the input
};

// The non-NaN entries of x, ascending by value, equal values in index order.
// -0.0 and 0.0 are equal.
std::vector<KeyIndex> sort_with_index(const double* x, std::size_t n);

}  // namespace seedscope
