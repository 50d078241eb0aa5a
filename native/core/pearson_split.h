// Pearson consistency of K RDMs over all their entries and over two
// complementary subsets of them (the within-category and between-category
// pairs of the centroid/exemplar analysis) from one pass: each RDM is
// shifted once (K ≤ kPearsonSumsMaxK: by a sampled estimate of its mean,
// pearson_sums.h; more RDMs: centred by its mean, then the tiled Gram), and
// for a subset X of m entries
//   Σ_X (a − ā_X)(b − b̄_X) = Σ_X ãb̃ − (Σ_X ã)(Σ_X b̃)/m      (ã = a − ā)
// so one Gram over all entries and one over the (small) within subset give
// all three K × K matrices; the between subset's Gram is their difference.
// Centred by the overall mean, the correction term is of the order of the
// subset's offset, so the result equals centring by the subset's own mean to
// rounding (compare_matrix on the gathered subset agrees within 1e-12).
// A vector constant over a subset gives NaN there, tested exactly as
// compare_matrix does.
#pragma once

#include <cstddef>
#include <cstdint>

#include "progress.h"

namespace seedscope {

// within: ascending positions (each < n) of the within subset, mw of them;
// the between subset is the rest. full, within_out, between_out: K × K
// row-major. Returns false, writing nothing, when an entry is NaN (the
// caller then compares the subsets one by one, dropping NaN pairwise).
bool pearson_within_between(const double* const* v, std::size_t k, std::size_t n, const std::uint32_t* within,
                            std::size_t mw, double* full, double* within_out, double* between_out, int threads,
                            const Progress& progress);

}  // namespace seedscope
