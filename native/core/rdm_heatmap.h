// The pixels of an RDM heatmap as numbers: each pixel's mean percentile of
// the dissimilarities in its block of stimuli (report/rdmHeatmap.ts colours
// them). Ranking half a million entries is a sort; in JavaScript it held the
// main thread for ~30 ms per panel, here it takes a few on a worker thread.
#pragma once

#include <cstddef>
#include <cstdint>

namespace seedscope {

// condensed: the n(n−1)/2 upper-triangle entries (row-major, i < j); order:
// display position → stimulus (a permutation of 0..n−1); out: size × size
// block means of the percentile/100 of every cell of the displayed n × n
// matrix, pixel (r, c) covering display rows a with ⌊a·size/n⌋ = r and the
// same for columns. A cell's percentile is 100 · (mean 0-based rank of its
// value among the non-NaN entries, ties sharing it) / (m − 1), 50 when m = 1;
// the diagonal is 0 and NaN entries are left out; a block with no entry is NaN.
// Each block sums doubled ranks, integers, so the sum is exact and the mean
// is rounded once. n ≤ 65,536 (ranks and indices are 32-bit).
void percentile_blocks(const double* condensed, std::size_t n, const std::int32_t* order, std::size_t size,
                       double* out);

}  // namespace seedscope
