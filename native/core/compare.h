// Comparisons of condensed RDM vectors (docs/definitions.md, "RDM comparisons").
//
// Every method drops the entries that are NaN in either vector; m below is the
// number of entries kept. Results that are undefined are NaN:
//   - pearson, r2, spearman, rho-a, tau-a: m < 2, or either vector constant
//     over the kept entries (a constant vector has no variance and no order;
//     rho-a and tau-a would give 0 by their formulas, but a correlation with a
//     constant is undefined, so all correlations agree on NaN);
//   - cosine: m < 1, or either vector all zeros over the kept entries.
// With K RDMs, compare_matrix computes ranks, means and norms once per RDM and
// turns every pair into a dot product (tau-a: one merge pass); pairs whose NaN
// patterns differ are computed pair by pair instead.
#pragma once

#include <cstddef>
#include <string>

#include "progress.h"

namespace seedscope {

enum class CompareMethod { Pearson, R2, Spearman, RhoA, TauA, Cosine };

// "pearson" | "r2" | "spearman" | "rho-a" | "tau-a" | "cosine"; false if unknown.
bool parse_compare_method(const std::string& name, CompareMethod* out);
const char* compare_method_name(CompareMethod m);

// One pair, single-threaded.
double compare_pair(const double* a, const double* b, std::size_t n, CompareMethod method);

// Kendall's tau-a in O(m log m): (concordant − discordant) / (m(m−1)/2); a pair
// tied in either vector counts as neither.
double kendall_tau_a(const double* a, const double* b, std::size_t n);

// All pairs of K vectors of length n: out is K×K row-major and symmetric; the
// diagonal is the method applied to a vector and itself (1 for pearson, r2,
// spearman and cosine where defined; below 1 for rho-a and tau-a with ties).
// Threaded over RDMs (ranks, norms) and over pairs. Extra memory: about
// K·n·8 bytes, plus 32·n bytes per thread while ranking.
void compare_matrix(const double* const* vectors, std::size_t k, std::size_t n,
                    CompareMethod method, double* out, int threads, const Progress& progress);

}  // namespace seedscope
