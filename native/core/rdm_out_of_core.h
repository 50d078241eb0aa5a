// RDMs of activations too large to hold: the N × D float32 matrix lies in a
// raw file (row-major, native byte order, no header: N·D·4 bytes) and is read
// in segments of S rows. The Gram product is computed by pairs of segments:
// for segments a < b, gram_upper_shifted on the rows [a; b] gives the cross
// block and both diagonal blocks; a Gram entry depends only on its two rows
// and D (rdm_internal.h), so every distance is bit for bit what compute_rdm
// gives for the matrix in memory, whatever S. The cost: 2(m−1)/m times the
// in-core flops for m = ⌈N/S⌉ segments (each of the m(m−1)/2 pairs computes
// its (2S)²/2 triangle, diagonal blocks again included; 1× for m = 2, → 2×
// for many), the file read about m/2 times, and memory for two segments and
// their (2S)² Gram instead of N × D values and an N × N Gram.
//
// With class labels, the centroid variants take the direct route: class
// centroids from one pass over the rows (float64 sums in stimulus order, times
// 1/count, rounded to float32: centroids.h's arithmetic), the centroid RDM in
// memory (C × D), and the centroid-removed RDM as a second out-of-core Gram of
// the rows minus their centroid (float32 subtraction, as class_centroids with
// subtract does). Equal bit for bit to class_centroids + compute_rdm; the
// in-core default (rdm_split.h, one product) is within 1e-6 of this route.
//
// Errors (file missing, of another size, unreadable, shorter than expected
// while reading) are std::runtime_error with one line naming the file.
// Cancellation: Progress::check() between pairs and inside the Gram.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "progress.h"
#include "rdm.h"
#include "rdm_split.h"

namespace seedscope {

// Rows per segment so that the buffers of one pair (rows and Gram, `copies`
// row buffers: 1 for the RDM, 2 with the centroid-removed variant) fit
// memory_bytes; at least 1, at most n.
std::size_t out_of_core_segment_rows(std::size_t n, std::size_t d, std::size_t memory_bytes, int copies);

// The condensed float64 RDM (n(n−1)/2 values into out) of the n × d float32
// rows in `path`, read `segment_rows` at a time (≥ 1). opt.condensed is
// ignored (always condensed). Stimuli with NaN distances, ascending.
std::vector<NanStimulus> rdm_from_file(const std::string& path, std::size_t n, std::size_t d,
                                       const RdmOptions& opt, std::size_t segment_rows, double* out,
                                       const Progress& progress);

// The three RDMs of rdm_split.h by the direct route (above). row_of[i] <
// classes: the centroid row of stimulus i (classes ≥ 2 rows, in the order
// the caller wants them: present_classes order for rdm_split's layout);
// inv_count[r] = 1 / (stimuli of row r). centroids_out: classes × d float32
// (the centroids themselves), may be null.
RdmSplitNan rdm_from_file_with_centroids(const std::string& path, std::size_t n, std::size_t d,
                                         const std::int32_t* row_of, const double* inv_count,
                                         std::size_t classes, const RdmOptions& opt,
                                         std::size_t segment_rows, const RdmSplitOutput& out,
                                         float* centroids_out, const Progress& progress);

}  // namespace seedscope
