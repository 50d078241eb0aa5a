// Counter-based random numbers (Philox4x32-10, Salmon et al. 2011). Every draw
// is a pure function of (seed, domain, stream, index), so a permutation or a
// bootstrap sample is the same whichever thread makes it and in whatever
// order: results never depend on the thread count.
#pragma once

#include <cstddef>
#include <cstdint>

namespace seedscope {

// What a stream is used for, so that e.g. permutation 5 and bootstrap sample 5
// of one seed never share draws.
enum class RngDomain : std::uint32_t {
  MantelPermutation = 1,
  StimulusResample = 2,
  InstanceResample = 3,
  ZooPermutation = 4,
};

class CounterRng {
 public:
  CounterRng(std::uint64_t seed, RngDomain domain, std::uint64_t stream)
      : seed_(seed), domain_(static_cast<std::uint32_t>(domain)), stream_(stream) {}
  // 64 random bits for draw number `index` of this stream.
  std::uint64_t bits(std::uint64_t index) const;
  // Uniform integer in [0, bound), bound >= 1 (multiply-shift; bias < bound / 2^64).
  std::uint64_t below(std::uint64_t index, std::uint64_t bound) const { return scale(bits(index), bound); }
  // out[t] = bits(first + t) for t < count (AVX-512 computes eight at once; same numbers).
  void fill_bits(std::uint64_t first, std::size_t count, std::uint64_t* out) const;
  // What below() makes of 64 random bits.
  static std::uint64_t scale(std::uint64_t bits, std::uint64_t bound) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(bits) * bound) >> 64);
  }

 private:
  std::uint64_t seed_;
  std::uint32_t domain_;
  std::uint64_t stream_;
};

// out[0..n) = a uniformly random permutation of 0..n-1 (Fisher–Yates, draw t of
// the stream picks the partner of position n-1-t).
void random_permutation(const CounterRng& rng, std::size_t n, std::int32_t* out);

// The permutation of 0..n-1 numbered `index` in lexicographic order (Lehmer
// code); index 0 is the identity. Requires index < n!.
void nth_permutation(std::uint64_t index, std::size_t n, std::int32_t* out);

// n! when it is at most `limit`, otherwise 0.
std::uint64_t factorial_up_to(std::size_t n, std::uint64_t limit);

}  // namespace seedscope
