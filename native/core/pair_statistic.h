// The RDM comparison statistics (docs/definitions.md, "RDM comparisons") on two
// condensed vectors, as the statistics engine needs them: a generic form that
// drops entries NaN in either vector, and a "prepared" form in which the
// statistic is one dot product
// (centred/normalised values or ranks), so a permutation costs a gather and a
// dot product. Kept in the stats engine's own files so its definitions can be
// checked against the plain comparisons without depending on them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace seedscope {

enum class PairMethod { Pearson, R2, Spearman, RhoA, TauA, Cosine };

// Parses "pearson" | "r2" | "spearman" | "rho-a" | "tau-a" | "cosine"; throws std::invalid_argument.
PairMethod parse_pair_method(const std::string& name);

struct TooFewEntries : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The statistic over entries finite in both vectors. Throws TooFewEntries when
// fewer than 3 remain. A constant vector gives NaN (undefined correlation).
double compare_vectors(PairMethod method, const double* a, const double* b, std::size_t len);

// True when the method is a dot product of prepared vectors (all but tau-a).
inline bool is_dot_method(PairMethod m) { return m != PairMethod::TauA; }

// For dot methods on NaN-free input: z such that dot(z_a, z_b) is the "core"
// statistic (r for pearson/r2/spearman, rho-a, cosine); finish() maps it to the
// reported one (r² for r2). Returns false when the vector is constant (or zero).
bool prepare_vector(PairMethod method, const double* x, std::size_t len, double* z);
inline double finish(PairMethod m, double core) { return m == PairMethod::R2 ? core * core : core; }

// Kendall's tau-a in O(len log len): (concordant − discordant) / (len(len−1)/2);
// pairs tied in either vector count as neither. No NaN allowed.
double tau_a(const double* a, const double* b, std::size_t len);

// Condensed index of (i, j), i < j, in an n-stimulus RDM.
inline std::size_t condensed_index(std::size_t n, std::size_t i, std::size_t j) {
  return i * n - i * (i + 1) / 2 + (j - i - 1);
}
// Offset of row i's first entry (j = i + 1).
inline std::size_t condensed_row_offset(std::size_t n, std::size_t i) { return i * n - i * (i + 1) / 2; }

}  // namespace seedscope
