// Internals of the Gram kernel shared by its driver (gram.cc), the packing
// routine (gram_pack.cc) and the per-ISA micro-kernels (gram_avx512.cc,
// gram_avx2.cc, gram_portable.cc). Not for use outside the Gram code.
//
// Layout. The rows of A are packed, one chunk of K columns at a time, into
// "slivers" of W = 64 / sizeof(T) rows (16 floats or 8 doubles): sliver s
// holds rows sW..sW+W-1 as [k][W], so one 64-byte line carries the W rows at
// one k. Because C = A·Aᵀ, one packed panel serves both operands: a
// micro-kernel loads whole lines as vectors for its NR columns (rows j) and
// broadcasts MR (≤ W) consecutive values of a line for its rows i.
#pragma once

#include <cstddef>

namespace seedscope {
namespace gram {

template <typename T>
constexpr std::size_t sliver_width() {
  return 64 / sizeof(T);
}

// Rows of the packed panel are padded (with zeros) to a multiple of this, so
// every micro-tile (NR ≤ 48 columns, aligned) reads inside the panel.
constexpr std::size_t kRowPad = 48;
// Side of a triangle tile (the unit of work handed to threads): a multiple of
// every MR and NR, at most kMaxTile. Larger tiles re-read fewer packed panels
// from L3 (traffic ∝ 1/side); at 288 a tile's two row panels for one K
// sub-block (2 × 288 × kKc floats = 1.1 MiB) and its float64 C tile (648 KiB)
// still fit in a 2 MiB L2. Smaller tiles are used when there would be too few
// tiles to keep every thread busy (see choose_tile in gram.cc).
constexpr std::size_t kMaxTile = 288;
constexpr std::size_t kTileStep = 96;
// Products are accumulated in registers over kKc columns (fp32 for float
// input), then added into the float64 C. kKc bounds the fp32 rounding error
// (√kKc·ε ≈ 1.3e-6 relative in the typical case). 512 rather than 256 halves
// the C updates and measured 2–4 % faster per core (N = 1000, Sapphire Rapids)
// with the micro-kernel's operands streaming from L2.
constexpr std::size_t kKc = 512;

// One triangle tile for one K sub-block: C[i][j] += Σ_k P[i][k]·P[j][k] for
// i in [i0, i1), j in [j0, j1), j ≥ i, i, j < n.
template <typename T>
struct TileJob {
  const T* panel;             // packed chunk (all slivers)
  std::size_t sliver_stride;  // elements from one sliver to the next
  std::size_t k_begin;        // first column of the sub-block inside the chunk
  std::size_t k_len;          // columns in the sub-block (≥ 1)
  std::size_t i0, i1, j0, j1;
  std::size_t n;
  double* c;
  std::size_t ldc;
};

// Packs rows [row_begin, row_end) (multiples of W; rows ≥ n become zeros) of
// columns [k0, k0 + k_len) into their slivers:
//   P[i][k] = x[i][k0+k] − row_shift[i] − col_offset[k0+k]
// (either shift may be null). With row_offsets (then col_offset is null), each
// row has its own offset vector (or none where row_offsets[i] is null), and it
// is subtracted first:
//   P[i][k] = (x[i][k0+k] − row_offsets[i][k0+k]) − row_shift[i]
// so a row offset by a value close to it keeps the one correctly rounded
// difference a caller would have computed itself. With row_sums, adds
// Σ_k P[i][k] to row_sums[i].
template <typename T>
struct PackJob {
  const T* x;
  std::size_t n, d;
  std::size_t row_begin, row_end;
  std::size_t k0, k_len;
  const double* row_shift;
  const T* col_offset;
  T* panel;
  std::size_t sliver_stride;
  double* row_sums;
  const T* const* row_offsets;
};

// Micro-kernel: an MR × NR block of C (rows from `a`, columns from the NR/W
// slivers starting at `b`) over kc columns, added into c (row stride ldc).
// rows/cols clip at n; only entries with col − row ≥ diag are written (the
// upper triangle: diag = first row index − first column index).
template <typename T>
using MicroKernel = void (*)(const T* a, const T* b, std::size_t sliver_stride, std::size_t kc,
                             double* c, std::size_t ldc, std::size_t rows, std::size_t cols,
                             std::ptrdiff_t diag);

// micro[v − 1] covers v slivers of columns (v·W ≤ NR); micro[NR / W − 1] is
// the main kernel, the narrower ones (where present) finish a row of
// micro-tiles that starts at the diagonal on a sliver boundary, so the
// triangle wastes less than a whole NR block per row group.
constexpr std::size_t kMaxSliversPerKernel = 3;
template <typename T>
struct Kernels {
  std::size_t mr, nr;
  MicroKernel<T> micro[kMaxSliversPerKernel];
  void (*pack)(const PackJob<T>&);
  const char* name;
};

// Per-ISA kernel tables (each defined in its own file).
Kernels<float> portable_kernels_f32();
Kernels<double> portable_kernels_f64();
Kernels<float> avx2_kernels_f32();
Kernels<double> avx2_kernels_f64();
Kernels<float> avx512_kernels_f32();
Kernels<double> avx512_kernels_f64();

// The portable packing routine (any ISA may use it).
void pack_portable(const PackJob<float>& job);
void pack_portable(const PackJob<double>& job);


}  // namespace gram
}  // namespace seedscope

namespace seedscope {
namespace gram {

// Adds an MR × NR block held in memory (row stride nr) into C, keeping rows <
// rows, columns < cols and col − row ≥ diag. Used for the few micro-tiles on
// the diagonal or at the edge of the matrix.
template <typename A>
inline void add_clipped(const A* block, std::size_t mr, std::size_t nr, std::size_t rows,
                        std::size_t cols, std::ptrdiff_t diag, double* c, std::size_t ldc) {
  for (std::size_t r = 0; r < mr && r < rows; ++r) {
    for (std::size_t q = 0; q < nr && q < cols; ++q) {
      if (static_cast<std::ptrdiff_t>(q) - static_cast<std::ptrdiff_t>(r) < diag) continue;
      c[r * ldc + q] += static_cast<double>(block[r * nr + q]);
    }
  }
}

// True when the whole MR × NR block lies inside the matrix and on or above the
// diagonal, so the micro-kernel may add it without per-entry checks.
inline bool block_is_full(std::size_t mr, std::size_t nr, std::size_t rows, std::size_t cols,
                          std::ptrdiff_t diag) {
  return rows == mr && cols == nr && diag <= -static_cast<std::ptrdiff_t>(mr - 1);
}

}  // namespace gram
}  // namespace seedscope
