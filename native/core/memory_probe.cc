#include "memory_probe.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <numeric>
#include <thread>
#include <vector>

#include "cpu_features.h"

namespace seedscope {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Runs work(w) on t threads (w = 0 on the calling thread) and waits for all.
template <class F>
void on_threads(int t, F work) {
  std::vector<std::thread> pool;
  for (int w = 1; w < t; ++w) pool.emplace_back(work, w);
  work(0);
  for (auto& th : pool) th.join();
}

// Each thread owns one contiguous slice and touches it first, so on a NUMA
// machine its pages lie near it (as STREAM does with OpenMP's static schedule).
double triad(double seconds, int t, std::size_t len, double* checksum) {
  std::unique_ptr<double[]> a(new double[len]), b(new double[len]), c(new double[len]);
  std::vector<double> rate(static_cast<std::size_t>(t), 0.0), sink(static_cast<std::size_t>(t), 0.0);
  on_threads(t, [&](int w) {
    const std::size_t lo = len * static_cast<std::size_t>(w) / static_cast<std::size_t>(t);
    const std::size_t hi = len * static_cast<std::size_t>(w + 1) / static_cast<std::size_t>(t);
    double* pa = a.get();
    const double* pb = b.get();
    const double* pc = c.get();
    for (std::size_t i = lo; i < hi; ++i) {
      a[i] = 0.0;
      b[i] = 1.0 + 1e-9 * static_cast<double>(i);
      c[i] = 2.0;
    }
    double s = 0.5;
    auto pass = [&] {
      for (std::size_t i = lo; i < hi; ++i) pa[i] = pb[i] + s * pc[i];
      s = pa[lo] * 1e-12;  // a dependency between passes: none can be skipped
    };
    pass();  // warm: caches, TLB
    const auto t0 = Clock::now();
    double elapsed = 0.0;
    std::size_t passes = 0;
    do {
      pass();
      ++passes;
      elapsed = since(t0);
    } while (elapsed < seconds);
    rate[static_cast<std::size_t>(w)] = double(passes) * double(hi - lo) * 24.0 / elapsed;
    sink[static_cast<std::size_t>(w)] = s;
  });
  *checksum += std::accumulate(sink.begin(), sink.end(), 0.0);
  return std::accumulate(rate.begin(), rate.end(), 0.0) / 1e9;
}

// Rows are dealt to threads round-robin; every thread reads the whole matrix
// through the shared permutation, as Mantel workers share one permuted RDM.
double gather(double seconds, int t, std::size_t n, double* checksum) {
  std::vector<float> a(n * n), m(n * n);
  std::vector<std::int32_t> perm(n);
  std::uint64_t x = 0x9e3779b97f4a7c15ull;
  auto next = [&x] {  // xorshift64: a fixed permutation, the same on every run
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (std::size_t i = 0; i < n * n; ++i) {
    a[i] = static_cast<float>(next() % 1000) * 1e-3f;
    m[i] = static_cast<float>(next() % 1000) * 1e-3f;
  }
  std::iota(perm.begin(), perm.end(), 0);
  for (std::size_t i = n - 1; i > 0; --i) std::swap(perm[i], perm[next() % (i + 1)]);
  std::vector<double> rate(static_cast<std::size_t>(t), 0.0), sink(static_cast<std::size_t>(t), 0.0);
  on_threads(t, [&](int w) {
    double acc = 0.0;
    auto pass = [&]() -> std::size_t {
      std::size_t done = 0;
      for (std::size_t i = static_cast<std::size_t>(w); i < n; i += static_cast<std::size_t>(t)) {
        const float* ar = a.data() + i * n;
        const float* mr = m.data() + static_cast<std::size_t>(perm[i]) * n;
        double d = 0.0;
        for (std::size_t k = 0; k < n; ++k) d += double(ar[k]) * double(mr[perm[k]]);
        acc += d;
        done += n;
      }
      return done;
    };
    pass();
    const auto t0 = Clock::now();
    double elapsed = 0.0, elements = 0.0;
    do {
      elements += double(pass());
      elapsed = since(t0);
    } while (elapsed < seconds);
    rate[static_cast<std::size_t>(w)] = elements / elapsed;
    sink[static_cast<std::size_t>(w)] = acc;
  });
  *checksum += std::accumulate(sink.begin(), sink.end(), 0.0);
  return std::accumulate(rate.begin(), rate.end(), 0.0) / 1e9;
}

}  // namespace

MemoryProbeResult memory_probe(double seconds, int threads, std::size_t triad_array_bytes, std::size_t gather_n) {
  const int t = threads > 0 ? threads : default_threads();
  // at least one element per thread in the triad, and no more gather threads than rows
  const std::size_t len = std::max<std::size_t>(triad_array_bytes / sizeof(double), static_cast<std::size_t>(t));
  const int tg = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(t), gather_n));
  MemoryProbeResult r{0.0, 0.0, len * sizeof(double), gather_n, t, 0.0};
  r.triad_gb_per_s = triad(seconds / 2, t, len, &r.checksum);
  r.gather_g_per_s = gather(seconds / 2, tg, gather_n, &r.checksum);
  return r;
}

}  // namespace seedscope
