// The machine's memory speed, measured beside its FMA peak (peak.h) so that
// benchmarks of memory-bound kernels can be read relative to the machine that
// ran them. Two probes, written plainly so that no change to seedscope's own
// kernels can change what they measure:
//  - triad: a[i] = b[i] + s·c[i] over three float64 arrays far larger than the
//    caches (STREAM's triad; 24 bytes moved per element, write-allocate not
//    counted), the limit of kernels that stream long vectors (comparisons of
//    condensed RDMs);
//  - gather: Σ_t a[i][t] · m[π(i)][π(t)] over two n × n float32 matrices with
//    a random permutation π, the access pattern of a Mantel permutation (one
//    cache-resident row read through an index table), the limit of the
//    permutation and bootstrap engines.
#pragma once

#include <cstddef>

namespace seedscope {

struct MemoryProbeResult {
  double triad_gb_per_s;       // bytes moved by the triad / s / 1e9, summed over threads
  double gather_g_per_s;       // gathered elements / s / 1e9, summed over threads
  std::size_t triad_array_bytes;
  std::size_t gather_n;
  int threads;
  double checksum;             // keeps the loops from being optimised away; no meaning
};

// Runs the triad for about seconds / 2, then the gather for about seconds / 2,
// on `threads` threads (0 = all cores). triad_array_bytes: size of each of the
// three arrays; gather_n: side of the gathered matrices (n ≥ 2).
MemoryProbeResult memory_probe(double seconds, int threads, std::size_t triad_array_bytes,
                               std::size_t gather_n);

}  // namespace seedscope
