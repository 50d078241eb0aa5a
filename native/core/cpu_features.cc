#include "cpu_features.h"

#include <cstdlib>
#include <cstring>
#include <thread>

namespace seedscope {

Isa detect_cpu_isa() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("fma"))
    return Isa::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
#endif
  return Isa::Portable;
}

static Isa compute_active_isa() {
  Isa best = detect_cpu_isa();
  const char* forced = std::getenv("SEEDSCOPE_ISA");
  if (forced == nullptr || *forced == '\0') return best;
  Isa want = best;
  if (std::strcmp(forced, "portable") == 0) want = Isa::Portable;
  else if (std::strcmp(forced, "avx2") == 0) want = Isa::Avx2;
  else if (std::strcmp(forced, "avx512") == 0) want = Isa::Avx512;
  // Never raise above what the CPU supports.
  return static_cast<int>(want) < static_cast<int>(best) ? want : best;
}

Isa active_isa() {
  static const Isa isa = compute_active_isa();
  return isa;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    default: return "portable";
  }
}

int default_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace seedscope
