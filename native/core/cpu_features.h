// Run-time choice of the instruction set. Kernels are compiled for several
// targets with function attributes (never -march=native), and the best one the
// CPU supports is chosen once. SEEDSCOPE_ISA=portable|avx2|avx512 forces a
// lower one, so tests can exercise every path on one machine.
#pragma once

namespace seedscope {

enum class Isa { Portable = 0, Avx2 = 1, Avx512 = 2 };

// The best instruction set this CPU supports (ignores SEEDSCOPE_ISA).
Isa detect_cpu_isa();
// The instruction set kernels use: detect_cpu_isa(), lowered by SEEDSCOPE_ISA.
Isa active_isa();
const char* isa_name(Isa isa);
// Threads used when the caller passes 0: the hardware's concurrency.
int default_threads();

}  // namespace seedscope
