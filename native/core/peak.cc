#include "peak.h"

#include <chrono>
#include <ctime>
#include <thread>
#include <vector>

#include "cpu_features.h"

namespace seedscope {

namespace {

// Each block is 24 independent FMA chains (more than latency × ports), written
// in assembly so the compiler can neither fold nor spill them. Returns the
// flops of one call.
#define SEEDSCOPE_FMA512(i) "vfmadd231ps %%zmm30, %%zmm31, %%zmm" #i "\n\t"
__attribute__((target("avx512f"))) double fma_block_avx512(long reps) {
  __asm__ volatile("vxorps %%xmm30, %%xmm30, %%xmm30\n\tvxorps %%xmm31, %%xmm31, %%xmm31" ::: "xmm30", "xmm31");
  for (long r = 0; r < reps; ++r) {
    __asm__ volatile(SEEDSCOPE_FMA512(0) SEEDSCOPE_FMA512(1) SEEDSCOPE_FMA512(2) SEEDSCOPE_FMA512(3)
                     SEEDSCOPE_FMA512(4) SEEDSCOPE_FMA512(5) SEEDSCOPE_FMA512(6) SEEDSCOPE_FMA512(7)
                     SEEDSCOPE_FMA512(8) SEEDSCOPE_FMA512(9) SEEDSCOPE_FMA512(10) SEEDSCOPE_FMA512(11)
                     SEEDSCOPE_FMA512(12) SEEDSCOPE_FMA512(13) SEEDSCOPE_FMA512(14) SEEDSCOPE_FMA512(15)
                     SEEDSCOPE_FMA512(16) SEEDSCOPE_FMA512(17) SEEDSCOPE_FMA512(18) SEEDSCOPE_FMA512(19)
                     SEEDSCOPE_FMA512(20) SEEDSCOPE_FMA512(21) SEEDSCOPE_FMA512(22) SEEDSCOPE_FMA512(23)
                     ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
                         "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17",
                         "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23");
  }
  __asm__ volatile("vzeroupper" ::: "memory");
  return double(reps) * 24 * 16 * 2;
}
#undef SEEDSCOPE_FMA512

#define SEEDSCOPE_FMA256(i) "vfmadd231ps %%ymm14, %%ymm15, %%ymm" #i "\n\t"
__attribute__((target("avx2,fma"))) double fma_block_avx2(long reps) {
  __asm__ volatile("vxorps %%xmm14, %%xmm14, %%xmm14\n\tvxorps %%xmm15, %%xmm15, %%xmm15" ::: "xmm14", "xmm15");
  for (long r = 0; r < reps; ++r) {
    __asm__ volatile(SEEDSCOPE_FMA256(0) SEEDSCOPE_FMA256(1) SEEDSCOPE_FMA256(2) SEEDSCOPE_FMA256(3)
                     SEEDSCOPE_FMA256(4) SEEDSCOPE_FMA256(5) SEEDSCOPE_FMA256(6) SEEDSCOPE_FMA256(7)
                     SEEDSCOPE_FMA256(8) SEEDSCOPE_FMA256(9) SEEDSCOPE_FMA256(10) SEEDSCOPE_FMA256(11)
                     ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
                         "xmm10", "xmm11");
  }
  __asm__ volatile("vzeroupper" ::: "memory");
  return double(reps) * 12 * 8 * 2;
}
#undef SEEDSCOPE_FMA256

// Portable: 8 independent multiply-add chains the compiler keeps in registers.
double fma_block_portable(long reps) {
  float a[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  const float m = 0.999999f, b = 1e-7f;
  for (long r = 0; r < reps; ++r) {
    for (int i = 0; i < 8; ++i) {
      a[i] = a[i] * m + b;
      __asm__ volatile("" : "+x"(a[i]));
    }
  }
  return double(reps) * 8 * 2;
}

}  // namespace

PeakResult peak_flops(double seconds, int threads) {
  const Isa isa = active_isa();
  const int t = threads > 0 ? threads : default_threads();
  double (*block)(long) = isa == Isa::Avx512 ? fma_block_avx512
                          : isa == Isa::Avx2 ? fma_block_avx2
                                             : fma_block_portable;
  const long reps = 200000;  // ~1 ms per call
  std::vector<double> rate(static_cast<std::size_t>(t), 0.0);
  std::vector<double> cpu_rate(static_cast<std::size_t>(t), 0.0);
  auto thread_cpu = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
  };
  auto work = [&](int w) {
    using clock = std::chrono::steady_clock;
    block(reps / 10);  // wake the vector units up before timing
    const auto start = clock::now();
    const double cpu0 = thread_cpu();
    double flops = 0.0, elapsed = 0.0;
    do {
      flops += block(reps);
      elapsed = std::chrono::duration<double>(clock::now() - start).count();
    } while (elapsed < seconds);
    const double cpu = thread_cpu() - cpu0;
    rate[static_cast<std::size_t>(w)] = flops / elapsed;
    cpu_rate[static_cast<std::size_t>(w)] = cpu > 0 ? flops / cpu : 0.0;
  };
  std::vector<std::thread> pool;
  for (int w = 1; w < t; ++w) pool.emplace_back(work, w);
  work(0);
  for (auto& th : pool) th.join();
  double total = 0.0, per_cpu = 0.0;
  for (double r : rate) total += r;
  for (double r : cpu_rate) per_cpu = r > per_cpu ? r : per_cpu;
  return {total / 1e9, per_cpu / 1e9, t, isa_name(isa)};
}

}  // namespace seedscope
