// Sorting doubles with their positions, fast enough that ranking a 1000-stimulus
// RDM (half a million entries) costs milliseconds: a radix sort (MSD) on
// order-preserving 64-bit keys, about twice as fast as std::sort here, and
// stable, so ties stay in index order. Shared by average_ranks (ranks.h) and
// the comparisons.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace seedscope {

struct KeyIndex {
  std::uint64_t key;    // orders like the value; equal keys <=> equal values
  std::uint64_t index;  // position in the input
};

struct SortedEntries {
  std::unique_ptr<KeyIndex[]> entries;
  std::size_t size = 0;
  const KeyIndex& operator[](std::size_t i) const { return entries[i]; }
};

// The non-NaN entries of x, ascending by value, equal values in index order.
// -0.0 and 0.0 are equal.
SortedEntries sort_with_index(const double* x, std::size_t n);

}  // namespace seedscope
