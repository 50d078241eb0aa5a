#include "centroids.h"

#include <algorithm>
#include <vector>

#include "thread_pool.h"

namespace seedscope {

namespace {
// Features per task: the float64 sums of every row for this many features stay in L1/L2.
constexpr std::size_t kChunk = 512;
}  // namespace

void class_centroids(float* data, std::size_t n, std::size_t d, const std::int32_t* row_of,
                     const double* inv_count, std::size_t rows, bool subtract, int threads, float* out,
                     const Progress& progress) {
  const std::size_t tasks = (d + kChunk - 1) / kChunk;
  parallel_for(tasks, threads, [&](std::size_t task, int) {
    progress.check();
    const std::size_t j0 = task * kChunk, w = std::min(kChunk, d - j0);
    std::vector<double> acc(rows * w, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      double* a = acc.data() + static_cast<std::size_t>(row_of[i]) * w;
      const float* x = data + i * d + j0;
      for (std::size_t j = 0; j < w; ++j) a[j] += static_cast<double>(x[j]);
    }
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t j = 0; j < w; ++j)
        out[r * d + j0 + j] = static_cast<float>(acc[r * w + j] * inv_count[r]);
    if (!subtract) return;
    for (std::size_t i = 0; i < n; ++i) {
      const float* c = out + static_cast<std::size_t>(row_of[i]) * d + j0;
      float* x = data + i * d + j0;
      for (std::size_t j = 0; j < w; ++j) x[j] -= c[j];
    }
  });
}

}  // namespace seedscope
