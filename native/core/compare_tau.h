// The pieces of Kendall's tau-a shared by the single-pair and the K×K paths
// (Knight's algorithm): after sorting by a (ties broken by b), discordant pairs
// are exactly the strict inversions of the b sequence, counted by merge sort.
//   concordant − discordant = n0 − ties_a − ties_b + ties_ab − 2·inversions
// with n0 = m(m−1)/2 and ties_* the numbers of tied pairs.
#pragma once

#include <cstddef>
#include <cstdint>

namespace seedscope {
namespace tau_detail {

// The number of pairs i < j with seq[i] > seq[j] (equal values are not
// inversions). tmp: n elements of scratch.
// Leaves seq sorted ascending:
std::uint64_t sort_count_inversions(double* seq, double* tmp, std::size_t n);
// Faster, for n < 2^32; leaves seq and tmp in no useful order:
std::uint64_t count_inversions(std::uint32_t* seq, std::uint32_t* tmp, std::size_t n);

// Σ t(t−1)/2 over runs of equal values of an ascending sequence.
template <typename T>
std::uint64_t tied_pairs_sorted(const T* v, std::size_t n) {
  std::uint64_t ties = 0;
  for (std::size_t s = 0; s < n;) {
    std::size_t e = s + 1;
    while (e < n && v[e] == v[s]) ++e;
    std::uint64_t t = e - s;
    ties += t * (t - 1) / 2;
    s = e;
  }
  return ties;
}

// tau-a from the counts; NaN when m < 2 or either vector is constant.
double tau_a_from_counts(std::uint64_t m, std::uint64_t ties_a, std::uint64_t ties_b,
                         std::uint64_t ties_ab, std::uint64_t inversions);

}  // namespace tau_detail
}  // namespace seedscope
