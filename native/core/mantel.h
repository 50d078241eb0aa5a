// Mantel permutation tests of RDM pairs (docs/definitions.md, "Mantel test"):
// the stimulus labels of one RDM are permuted (rows and columns together) and
// the statistic recomputed. For a pair (a, b), a < b, RDM b is the permuted
// one; with all pairs of K RDMs each permutation is applied once to every RDM
// and reused for all its pairs.
//
// p-values: k = permutations whose statistic is ≥ observed − kTieTolerance
// (statistics are at most 1 in magnitude; the tolerance absorbs rounding so
// that permutations with mathematically equal statistics count as ties).
// Sampled: p = (k + 1) / (P + 1). Exact (N! ≤ permutations asked): every
// permutation once, the identity included, p = k / N!.
//
// Early stop: the statistics of a permutation only matter when they might
// reach an observed statistic (counts) or the null floor (null maxima). The dot
// engine stops a permutation once it has proved every pair's statistic below
// min(observed, floor) − tolerance (see mantel_engines.h); counts are exactly
// those of the full computation, and null_max holds, for such a permutation,
// an upper bound below that threshold instead of its maximum.
//
// Permutation number p is drawn from stream p of the seed (or is the p-th in
// lexicographic order when exact), so every layer of a family that uses the
// same seed sees the same permutations: max-statistic correction across layers
// combines the per-permutation maxima of each call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "pair_statistic.h"
#include "progress.h"

namespace seedscope {

constexpr double kTieTolerance = 1e-9;

struct MantelOptions {
  PairMethod method = PairMethod::Pearson;
  std::uint64_t permutations = 10000;
  std::uint64_t seed = 0;
  int threads = 0;
  bool all_pairs = false;      // false: only the pair (0, 1)
  bool keep_null_max = false;  // record max over pairs per permutation
  // With keep_null_max: null maxima below this floor need not be exact (a
  // family passes the smallest observed statistic of all its layers). −∞: all exact.
  double null_floor = -std::numeric_limits<double>::infinity();
};

struct MantelResult {
  std::size_t k = 0;
  std::vector<double> statistic;  // k×k symmetric; NaN on the diagonal and for untested pairs
  std::vector<double> count;      // k×k: permutations at least as large as observed
  std::uint64_t permutations = 0; // P, or N! when exact
  bool exact = false;
  std::vector<double> null_max;   // per permutation: max statistic over the tested pairs
  const char* path = "";          // which engine ran: "dot", "tau-a", or "generic" (NaN entries,
                                  // tau-a with NaN, or a dot engine over its memory limit)
  std::uint64_t screened = 0;     // permutations the dot engine's byte screen decided (mantel_screen.h)
};

// rdms: K condensed vectors of length n(n−1)/2 (NaN allowed: entries NaN in
// either RDM are dropped, and the NaN pattern moves with the permutation).
MantelResult mantel_test(const std::vector<const double*>& rdms, std::size_t n,
                         const MantelOptions& options, const Progress& progress);

}  // namespace seedscope
