// Pearson correlations of a few long vectors (K condensed RDMs of one layer,
// K ≤ kPearsonSumsMaxK) from one pass over their entries, without a centred
// copy. The general route (compare_matrix's prepared vectors, then gram_upper)
// writes a K × n centred copy and packs it into panels padded to 48 rows: for
// K = 10 RDMs of 499,500 entries that is ~35 ms of page faults and memory
// traffic for ~28 M multiply-adds. Here each block of entries is shifted into
// a small buffer that stays in cache, and its sums and cross products are
// added up at once.
//
// Each vector a is shifted by s_a, an estimate of its mean from a sample of
// entries (so the sums of products stay well conditioned), and for a set X of
// m entries
//   Σ_X (a − ā_X)(b − b̄_X) = Σ_X ãb̃ − (Σ_X ã)(Σ_X b̃)/m      (ã = a − s_a)
// is exact algebra. With a subset mask, the same sums over the subset come
// from the same pass; the complement's are the differences.
//
// The entries are cut into a fixed number of chunks whatever the thread
// count, each summed in order and the chunks added in order, so results do
// not depend on the number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "progress.h"

namespace seedscope {

// Above this many vectors the tiled Gram kernel (register-blocked, per-ISA)
// is faster than this kernel's pair-by-pair dot products.
constexpr std::size_t kPearsonSumsMaxK = 16;

struct PearsonSums {
  // [0]: all entries, [1]: the subset (zeros without a mask). gram: K × K, upper
  // triangle (q ≥ p) of Σ ãb̃; sum: Σ ã per vector.
  std::vector<double> gram[2], sum[2];
  // Whether each vector takes more than one value over all entries [0], the
  // subset [1] and its complement [2], tested exactly.
  std::vector<char> varies[3];
  std::size_t count[3] = {0, 0, 0};  // entries in each of the three sets
};

// v: K pointers to n doubles; in_subset: n flags (0/1) or null. Returns false
// (and *out is unspecified) when any entry is NaN.
bool pearson_sums(const double* const* v, std::size_t k, std::size_t n, const std::uint8_t* in_subset,
                  int threads, const Progress& progress, PearsonSums* out);

// The K × K correlation matrix of set `part` (0 all, 1 subset, 2 complement)
// from the sums, row-major and symmetric: 1 on the diagonal, clamped to
// [−1, 1], NaN for a vector that does not vary there or a set of < 2 entries.
// squared: r² instead of r.
void pearson_from_sums(const PearsonSums& s, std::size_t k, int part, bool squared, double* out);

}  // namespace seedscope
