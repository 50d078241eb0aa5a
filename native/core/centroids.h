// Class centroids of N × D float32 activations, for the centroid/exemplar
// analysis: each centroid row is the mean of its stimuli (float64 sums in
// stimulus order, times the given reciprocal count, rounded to float32: the
// same arithmetic as src/analysis/classStructure.ts, so results are identical);
// optionally each stimulus's centroid is then subtracted from it in place.
// Threads split the features, so the order of every sum is fixed.
#pragma once

#include <cstddef>
#include <cstdint>

#include "progress.h"

namespace seedscope {

// row_of[i] < rows: the centroid of stimulus i; inv_count[r] = 1 / (stimuli of row r).
// out: rows × d.
void class_centroids(float* data, std::size_t n, std::size_t d, const std::int32_t* row_of,
                     const double* inv_count, std::size_t rows, bool subtract, int threads, float* out,
                     const Progress& progress);

}  // namespace seedscope
