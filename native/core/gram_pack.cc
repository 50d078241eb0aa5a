// Packing rows of A into slivers (see gram_internal.h), with the shifts that
// centre the data for correlation and Euclidean RDMs applied on the way, so
// the Gram kernel never needs a centred copy of the whole matrix.
#include <algorithm>
#include <cstring>

#include "gram_internal.h"

namespace seedscope {
namespace gram {

namespace {

// Columns handled per pass over a sliver's rows: W rows × kBlockK columns of
// destination (64 lines of 64 B) stay in L1 while the W source rows stream.
constexpr std::size_t kBlockK = 64;

template <typename T>
void pack_sliver(const PackJob<T>& job, std::size_t s0) {
  constexpr std::size_t W = sliver_width<T>();
  T* dst = job.panel + (s0 / W) * job.sliver_stride;
  for (std::size_t kb = 0; kb < job.k_len; kb += kBlockK) {
    const std::size_t kn = std::min(kBlockK, job.k_len - kb);
    for (std::size_t r = 0; r < W; ++r) {
      const std::size_t row = s0 + r;
      T* out = dst + kb * W + r;
      if (row >= job.n) {
        for (std::size_t k = 0; k < kn; ++k) out[k * W] = T(0);
        continue;
      }
      const T* src = job.x + row * job.d + job.k0 + kb;
      const T shift = job.row_shift ? static_cast<T>(job.row_shift[row]) : T(0);
      if (job.row_offsets && job.row_offsets[row]) {
        const T* off = job.row_offsets[row] + job.k0 + kb;
        for (std::size_t k = 0; k < kn; ++k) out[k * W] = (src[k] - off[k]) - shift;
      } else if (job.col_offset) {
        const T* off = job.col_offset + job.k0 + kb;
        for (std::size_t k = 0; k < kn; ++k) out[k * W] = (src[k] - shift) - off[k];
      } else {
        for (std::size_t k = 0; k < kn; ++k) out[k * W] = src[k] - shift;
      }
    }
  }
  if (job.row_sums) {
    // Lane-wise sums of the packed lines: W rows at once, in T over short runs
    // (bounded rounding), in double across runs.
    T lane[W];
    double total[W] = {};
    for (std::size_t kb = 0; kb < job.k_len; kb += kKc) {
      const std::size_t kn = std::min(kKc, job.k_len - kb);
      for (std::size_t r = 0; r < W; ++r) lane[r] = T(0);
      const T* p = dst + kb * W;
      for (std::size_t k = 0; k < kn; ++k)
        for (std::size_t r = 0; r < W; ++r) lane[r] += p[k * W + r];
      for (std::size_t r = 0; r < W; ++r) total[r] += static_cast<double>(lane[r]);
    }
    for (std::size_t r = 0; r < W && s0 + r < job.n; ++r) job.row_sums[s0 + r] += total[r];
  }
}

template <typename T>
void pack_all(const PackJob<T>& job) {
  constexpr std::size_t W = sliver_width<T>();
  for (std::size_t s0 = job.row_begin; s0 < job.row_end; s0 += W) pack_sliver(job, s0);
}

}  // namespace

void pack_portable(const PackJob<float>& job) { pack_all(job); }
void pack_portable(const PackJob<double>& job) { pack_all(job); }


}  // namespace gram
}  // namespace seedscope
