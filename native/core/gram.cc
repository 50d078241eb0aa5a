// PLACEHOLDER reference implementation (straightforward, threaded over rows).
// The packed, register-blocked AVX-512/AVX2 kernel replaces this file.
#include "gram.h"

#include "thread_pool.h"

namespace seedscope {

template <typename T>
static void gram_upper_ref(const T* a, std::size_t n, std::size_t d, double* c, int threads,
                           const Progress& progress) {
  parallel_for(n, threads, [&](std::size_t i, int) {
    progress.check();
    const T* ai = a + i * d;
    for (std::size_t j = i; j < n; ++j) {
      const T* aj = a + j * d;
      double s = 0.0;
      for (std::size_t k = 0; k < d; ++k) s += static_cast<double>(ai[k]) * static_cast<double>(aj[k]);
      c[i * n + j] = s;
    }
  });
}

void gram_upper(const float* a, std::size_t n, std::size_t d, double* c, int threads,
                const Progress& progress) {
  gram_upper_ref(a, n, d, c, threads, progress);
}
void gram_upper(const double* a, std::size_t n, std::size_t d, double* c, int threads,
                const Progress& progress) {
  gram_upper_ref(a, n, d, c, threads, progress);
}

}  // namespace seedscope
