// The three ways mantel_test evaluates permutations (internal to mantel.cc):
// - dot (mantel_dot.cc): NaN-free input and a dot method. Ranks, means and
//   norms are computed once and each RDM's row effects u(i) + u(j) split off
//   (their share of a permuted statistic costs O(n)); a permutation is a gather
//   of the permuted residual's rows and dot products, several permutations per
//   pass so the permuted rows stay in cache, stopped early once provably below
//   every statistic that matters (mantel.h); on AVX2 and AVX-512 VNNI CPUs a
//   screen on byte-quantized RDMs settles most permutations before any gather
//   (mantel_screen.h).
// - tau-a: NaN-free input. The unpermuted RDM's sort order is computed once; a
//   permutation gathers the other RDM's integer ranks in that order and counts
//   inversions (O(n log n)).
// - generic: NaN present. The NaN pattern moves with the permutation, so the
//   kept entries, and with them means, norms and ranks, are recomputed per
//   permutation by the plain definition.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "pair_statistic.h"
#include "progress.h"

namespace seedscope {

struct MantelPair {
  std::size_t a, b;  // b is permuted
};

class MantelEngine {
 public:
  virtual ~MantelEngine() = default;
  // Permutations evaluated together by one call of evaluate().
  virtual std::size_t block_size() const = 0;
  // out[p * pairs + s] = statistic of pair s under permutation perms[p] (NaN when undefined).
  // stop_below (−∞: never): an engine may stop a permutation as soon as it has
  // proved that every pair's statistic is below stop_below; it then writes an
  // upper bound of each statistic (< stop_below) instead of the statistic.
  virtual void evaluate(const std::int32_t* const* perms, std::size_t q, double* out, const Progress& progress,
                        double stop_below) const = 0;
  // Called once before the permutations are evaluated, with the stop_below
  // they will be given: a chance to prepare what early stops will need.
  virtual void prepare(double /*stop_below*/) {}
  // Whether evaluate() can stop early (the dot engine).
  virtual bool can_stop_early() const { return false; }
  // Permutations so far proved below stop_below by a screen before any exact work.
  virtual std::uint64_t screened() const { return 0; }
  // The statistics to report for the identity (default: what evaluate gave).
  virtual std::vector<double> reported(const std::vector<double>& observed) const { return observed; }
};

// threads: for preparing the RDMs (the result does not depend on it).
std::unique_ptr<MantelEngine> make_dot_engine(const std::vector<const double*>& rdms, std::size_t n,
                                              const std::vector<MantelPair>& pairs, PairMethod method, int threads);
std::unique_ptr<MantelEngine> make_tau_engine(const std::vector<const double*>& rdms, std::size_t n,
                                              const std::vector<MantelPair>& pairs);
std::unique_ptr<MantelEngine> make_generic_engine(const std::vector<const double*>& rdms, std::size_t n,
                                                  const std::vector<MantelPair>& pairs, PairMethod method);

}  // namespace seedscope
