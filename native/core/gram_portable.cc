// Portable Gram micro-kernels: plain C++ the compiler may vectorise with the
// baseline instruction set. Used when SEEDSCOPE_ISA=portable or the CPU has no
// AVX2. Same blocking and accumulation rules as the SIMD paths: products of
// float input are summed in float over one K sub-block, then added in double.
#include "gram_internal.h"

namespace seedscope {
namespace gram {

namespace {

template <typename T, std::size_t MR, std::size_t NR>
void micro_portable(const T* a, const T* b, std::size_t /*sliver_stride*/, std::size_t kc,
                    double* c, std::size_t ldc, std::size_t rows, std::size_t cols,
                    std::ptrdiff_t diag) {
  constexpr std::size_t W = sliver_width<T>();
  static_assert(NR == W, "the portable kernel reads one sliver of columns");
  T acc[MR][NR] = {};
  for (std::size_t k = 0; k < kc; ++k) {
    const T* ak = a + k * W;
    const T* bk = b + k * W;
    for (std::size_t r = 0; r < MR; ++r) {
      const T ar = ak[r];
      for (std::size_t q = 0; q < NR; ++q) acc[r][q] += ar * bk[q];
    }
  }
  add_clipped(&acc[0][0], MR, NR, rows, cols, diag, c, ldc);
}

}  // namespace

Kernels<float> portable_kernels_f32() {
  return {4, 16, {&micro_portable<float, 4, 16>}, &pack_portable, "portable"};
}
Kernels<double> portable_kernels_f64() {
  return {4, 8, {&micro_portable<double, 4, 8>}, &pack_portable, "portable"};
}

}  // namespace gram
}  // namespace seedscope
