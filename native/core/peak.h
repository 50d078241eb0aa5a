// The machine's own fp32 FMA peak: a register-only loop of independent FMAs on
// every thread, with the best instruction set the process uses. Benchmarks
// divide by it, so their figures read as a fraction of the limit.
#pragma once

namespace seedscope {

struct PeakResult {
  double gflops;  // fp32 GFLOP/s over all threads (an FMA counts 2 flops)
  // fp32 GFLOP per second of CPU time one thread actually got: the per-core
  // limit, unaffected by other processes taking turns on the cores.
  double gflops_per_cpu_second;
  int threads;
  const char* isa;
};

// Runs for about `seconds` on `threads` threads (0 = all cores).
PeakResult peak_flops(double seconds, int threads);

}  // namespace seedscope
