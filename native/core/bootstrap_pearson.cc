#include "bootstrap_pearson.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <immintrin.h>

#include "cpu_features.h"
#include "rng.h"
#include "thread_pool.h"

namespace seedscope {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Samples per task: their counts (n × kBlock floats) and partial sums stay in cache.
constexpr std::size_t kBlock = 32;

struct Features {
  std::size_t k;
  // 1, a_r (k), a_r² (k), a_a·a_b for a < b
  std::size_t count() const { return 1 + 2 * k + k * (k - 1) / 2; }
};

// Features padded to a multiple of 8 so register blocks never straddle the end.
inline std::size_t padded(std::size_t p) { return (p + 7) / 8 * 8; }

// acc[u][s] = Σ_jj frow[jj][t0 + u] · c[jj][s] over one row's entries.
template <std::size_t U>
struct LoopBlock {
  __attribute__((always_inline)) static inline void run(const float* frow, std::size_t pp, std::size_t t0,
                                                        const float* cfirst, std::size_t len, float (*acc)[kBlock]) {
    for (std::size_t u = 0; u < U; ++u)
      for (std::size_t s = 0; s < kBlock; ++s) acc[u][s] = 0.0f;
    for (std::size_t jj = 0; jj < len; ++jj) {
      const float* cj = cfirst + jj * kBlock;
      const float* fr = frow + jj * pp + t0;
      for (std::size_t u = 0; u < U; ++u) {
        const float v = fr[u];
        for (std::size_t s = 0; s < kBlock; ++s) acc[u][s] += v * cj[s];
      }
    }
  }
};

// The same with the 8 × 32 accumulators pinned in 16 zmm registers.
struct Avx512Block {
  __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma"))) static void run(
      const float* frow, std::size_t pp, std::size_t t0, const float* cfirst, std::size_t len, float (*acc)[kBlock]) {
    static_assert(kBlock == 32, "two zmm registers per accumulator row");
    __m512 a0[8], a1[8];
    for (int u = 0; u < 8; ++u) a0[u] = a1[u] = _mm512_setzero_ps();
    for (std::size_t jj = 0; jj < len; ++jj) {
      const float* cj = cfirst + jj * kBlock;
      const __m512 c0 = _mm512_loadu_ps(cj);
      const __m512 c1 = _mm512_loadu_ps(cj + 16);
      const float* fr = frow + jj * pp + t0;
      for (int u = 0; u < 8; ++u) {
        const __m512 v = _mm512_set1_ps(fr[u]);
        a0[u] = _mm512_fmadd_ps(v, c0, a0[u]);
        a1[u] = _mm512_fmadd_ps(v, c1, a1[u]);
      }
    }
    for (int u = 0; u < 8; ++u) {
      _mm512_storeu_ps(acc[u], a0[u]);
      _mm512_storeu_ps(acc[u] + 16, a1[u]);
    }
  }
};

// Accumulates, for every block of samples b, g[b][t][s] += c_i[s] Σ_{j>i} c_j[s] f_t(i, j)
// over the rows i of one task. A row's features are laid out once (frow) and
// used by every block; U features at a time are summed over the row with
// their U × kBlock accumulators in registers. ct is block-major:
// ct[(b·n + j)·kBlock + s].
template <std::size_t U, typename Block>
__attribute__((always_inline)) inline void accumulate(const float* const* a, std::size_t k, std::size_t n,
                                                      std::size_t blocks, const float* ct, std::size_t first_row,
                                                      std::size_t row_step, double* g, float* frow,
                                                      const Progress& progress) {
  const std::size_t p = Features{k}.count();
  const std::size_t pp = padded(p);
  for (std::size_t i = first_row; i + 1 < n; i += row_step) {
    progress.check();
    const std::size_t len = n - i - 1;
    std::size_t e = i * n - i * (i + 1) / 2;  // condensed index of (i, i + 1)
    for (std::size_t jj = 0; jj < len; ++jj, ++e) {
      float* f = frow + jj * pp;
      f[0] = 1.0f;
      for (std::size_t r = 0; r < k; ++r) f[1 + r] = a[r][e];
      for (std::size_t r = 0; r < k; ++r) f[1 + k + r] = f[1 + r] * f[1 + r];
      std::size_t q = 1 + 2 * k;
      for (std::size_t x = 0; x < k; ++x)
        for (std::size_t y = x + 1; y < k; ++y) f[q++] = f[1 + x] * f[1 + y];
      for (; q < pp; ++q) f[q] = 0.0f;
    }
    for (std::size_t b = 0; b < blocks; ++b) {
      const float* ci = ct + (b * n + i) * kBlock;
      bool any = false;
      for (std::size_t s = 0; s < kBlock; ++s) any |= ci[s] != 0.0f;
      if (!any) continue;
      const float* cfirst = ci + kBlock;
      double* gb = g + b * p * kBlock;
      for (std::size_t t0 = 0; t0 < pp; t0 += U) {
        float acc[U][kBlock];
        Block::run(frow, pp, t0, cfirst, len, acc);
        for (std::size_t u = 0; u < U && t0 + u < p; ++u)
          for (std::size_t s = 0; s < kBlock; ++s) gb[(t0 + u) * kBlock + s] += static_cast<double>(ci[s]) * acc[u][s];
      }
    }
  }
}

#define SEEDSCOPE_ACCUMULATE_ARGS                                                                        \
  const float *const *a, std::size_t k, std::size_t n, std::size_t blocks, const float *ct, std::size_t first_row, \
      std::size_t row_step, double *g, float *frow, const Progress &progress

__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma"))) void accumulate_avx512(SEEDSCOPE_ACCUMULATE_ARGS) {
  accumulate<8, Avx512Block>(a, k, n, blocks, ct, first_row, row_step, g, frow, progress);
}

__attribute__((target("avx2,fma"))) void accumulate_avx2(SEEDSCOPE_ACCUMULATE_ARGS) {
  accumulate<4, LoopBlock<4>>(a, k, n, blocks, ct, first_row, row_step, g, frow, progress);
}

void accumulate_portable(SEEDSCOPE_ACCUMULATE_ARGS) {
  accumulate<2, LoopBlock<2>>(a, k, n, blocks, ct, first_row, row_step, g, frow, progress);
}

#undef SEEDSCOPE_ACCUMULATE_ARGS

// Resample counts exactly as bootstrap.cc draws them.
void draw_counts(std::uint64_t seed, RngDomain domain, std::uint64_t stream, std::size_t size, std::uint32_t* out) {
  CounterRng rng(seed, domain, stream);
  std::fill(out, out + size, 0u);
  for (std::size_t t = 0; t < size; ++t) ++out[static_cast<std::size_t>(rng.below(t, size))];
}

}  // namespace

std::vector<double> bootstrap_pearson(const std::vector<const double*>& rdms, std::size_t n,
                                      const PearsonBootstrapOptions& opt, const Progress& progress) {
  const std::size_t k = rdms.size();
  if (k < 2) throw std::invalid_argument("a mean pairwise consistency needs at least 2 RDMs");
  if (n < 3) throw std::invalid_argument("RDMs need at least 3 stimuli");
  if (opt.resample_instances && k < 3) throw std::invalid_argument("resampling instances needs at least 3 RDMs");
  const std::size_t m = n * (n - 1) / 2;
  // r is invariant to shifting and scaling each RDM, so standardise them:
  // float sums then lose nothing to cancellation around a large mean.
  std::vector<std::vector<float>> std_rdms(k, std::vector<float>(m));
  std::vector<const float*> a(k);
  for (std::size_t r = 0; r < k; ++r) {
    const double* x = rdms[r];
    double mean = 0.0;
    for (std::size_t e = 0; e < m; ++e) {
      if (!std::isfinite(x[e])) throw std::invalid_argument("bootstrap_pearson needs finite RDM entries");
      mean += x[e];
    }
    mean /= static_cast<double>(m);
    double ss = 0.0;
    for (std::size_t e = 0; e < m; ++e) ss += (x[e] - mean) * (x[e] - mean);
    const double scale = ss > 0.0 ? 1.0 / std::sqrt(ss / static_cast<double>(m)) : 1.0;
    for (std::size_t e = 0; e < m; ++e) std_rdms[r][e] = static_cast<float>((x[e] - mean) * scale);
    a[r] = std_rdms[r].data();
  }
  const std::size_t p = Features{k}.count();
  const std::size_t blocks = (opt.samples + kBlock - 1) / kBlock;
  // Stimulus counts of every sample, block-major (see accumulate).
  std::vector<float> ct(blocks * n * kBlock, 0.0f);
  parallel_for(static_cast<std::size_t>(opt.samples), opt.threads, [&](std::size_t s, int) {
    std::vector<std::uint32_t> c(n);
    draw_counts(opt.seed, RngDomain::StimulusResample, s, n, c.data());
    const std::size_t b = s / kBlock, lane = s % kBlock;
    for (std::size_t i = 0; i < n; ++i) ct[(b * n + i) * kBlock + lane] = static_cast<float>(c[i]);
  });
  // A fixed number of tasks (rows i ≡ t mod tasks), each with its own sums,
  // added in task order: the result does not depend on the thread count.
  const std::size_t tasks = std::min<std::size_t>(16, n - 1);
  std::vector<std::vector<double>> partial(tasks, std::vector<double>(blocks * p * kBlock, 0.0));
  std::atomic<std::size_t> done{0};
  const Isa isa = active_isa();
  parallel_for(tasks, opt.threads, [&](std::size_t t, int) {
    std::vector<float> frow(n * padded(p));
    double* g = partial[t].data();
    if (isa == Isa::Avx512) accumulate_avx512(a.data(), k, n, blocks, ct.data(), t, tasks, g, frow.data(), progress);
    else if (isa == Isa::Avx2) accumulate_avx2(a.data(), k, n, blocks, ct.data(), t, tasks, g, frow.data(), progress);
    else accumulate_portable(a.data(), k, n, blocks, ct.data(), t, tasks, g, frow.data(), progress);
    progress.report(static_cast<double>(++done), static_cast<double>(tasks));
  });
  std::vector<double> g(blocks * p * kBlock, 0.0);
  for (std::size_t t = 0; t < tasks; ++t)
    for (std::size_t x = 0; x < g.size(); ++x) g[x] += partial[t][x];

  std::vector<double> out(opt.samples, kNaN);
  std::vector<std::uint32_t> w(k, 1);
  std::vector<double> sum(k), var(k);
  for (std::size_t smp = 0; smp < opt.samples; ++smp) {
    const std::size_t b = smp / kBlock, s = smp % kBlock;
    const double* gb = g.data() + b * p * kBlock;
    if (opt.resample_instances) draw_counts(opt.seed, RngDomain::InstanceResample, smp, k, w.data());
    const double weight = gb[s];
    if (weight < 3.0) continue;  // fewer than 3 resampled entries: undefined
    for (std::size_t r = 0; r < k; ++r) {
      sum[r] = gb[(1 + r) * kBlock + s];
      var[r] = gb[(1 + k + r) * kBlock + s] - sum[r] * sum[r] / weight;
    }
    double num = 0.0, den = 0.0;
    std::size_t q = 1 + 2 * k;
    for (std::size_t x = 0; x < k; ++x) {
      for (std::size_t y = x + 1; y < k; ++y, ++q) {
        if (w[x] == 0 || w[y] == 0 || !(var[x] > 0.0) || !(var[y] > 0.0)) continue;
        const double cov = gb[q * kBlock + s] - sum[x] * sum[y] / weight;
        double rv = cov / std::sqrt(var[x] * var[y]);
        rv = std::max(-1.0, std::min(1.0, rv));
        const double ww = static_cast<double>(w[x]) * static_cast<double>(w[y]);
        num += ww * (opt.squared ? rv * rv : rv);
        den += ww;
      }
    }
    out[smp] = den > 0.0 ? num / den : kNaN;
  }
  return out;
}

}  // namespace seedscope
