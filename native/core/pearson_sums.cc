// One pass of shifted sums and cross products for Pearson (pearson_sums.h).
#include "pearson_sums.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>

#include "thread_pool.h"

namespace seedscope {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Entries per block: K ≤ 16 shifted rows of 1,024 doubles (and the subset's)
// stay in L2 while every pair's products are summed.
constexpr std::size_t kBlock = 1024;
// A fixed partition of the entries (see the header): enough chunks to share
// among threads, few enough that the per-chunk sums are small.
constexpr std::size_t kChunks = 64;
// Entries sampled for each vector's shift.
constexpr std::size_t kShiftSample = 4096;

// Σ a[i]·b[i] with eight independent partial sums (which the compiler turns
// into vector lanes; a single running sum would serialise on its latency).
double dot(const double* a, const double* b, std::size_t n) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; ++l) acc[l] += a[i + l] * b[i + l];
  double tail = 0;
  for (; i < n; ++i) tail += a[i] * b[i];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
}

double sum_of(const double* a, std::size_t n) {
  double acc[4] = {0, 0, 0, 0};
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4)
    for (int l = 0; l < 4; ++l) acc[l] += a[i + l];
  double tail = 0;
  for (; i < n; ++i) tail += a[i];
  return (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail;
}

// Mean of a strided sample of the non-NaN entries (0 when all sampled are NaN).
double shift_estimate(const double* a, std::size_t n) {
  const std::size_t step = std::max<std::size_t>(1, n / kShiftSample);
  double s = 0;
  std::size_t m = 0;
  for (std::size_t i = 0; i < n; i += step) {
    if (std::isnan(a[i])) continue;
    s += a[i];
    ++m;
  }
  return m ? s / static_cast<double>(m) : 0.0;
}

struct ChunkSums {
  std::vector<double> gram[2], sum[2];
  std::vector<char> varies[3];
  std::size_t in_subset = 0;
};

}  // namespace

bool pearson_sums(const double* const* v, std::size_t k, std::size_t n, const std::uint8_t* in_subset,
                  int threads, const Progress& progress, PearsonSums* out) {
  const int parts = in_subset ? 2 : 1;
  // The first entry of each set: a vector varies over a set when some entry
  // there differs from it.
  std::size_t first[3] = {0, n, n};
  if (in_subset) {
    for (std::size_t i = 0; i < n && (first[1] == n || first[2] == n); ++i) {
      if (in_subset[i] && first[1] == n) first[1] = i;
      if (!in_subset[i] && first[2] == n) first[2] = i;
    }
  }
  std::vector<double> shift(k);
  for (std::size_t p = 0; p < k; ++p) shift[p] = shift_estimate(v[p], n);

  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  const std::size_t chunks = std::max<std::size_t>(1, std::min(kChunks, blocks));
  std::vector<ChunkSums> partial(chunks);
  // a NaN anywhere sends the caller to its NaN-aware route: every chunk stops at its next block
  std::atomic<bool> nan_seen{false};
  parallel_for(chunks, threads, [&](std::size_t c, int) {
    ChunkSums& cs = partial[c];
    for (int t = 0; t < 2; ++t) {
      cs.gram[t].assign(k * k, 0.0);
      cs.sum[t].assign(k, 0.0);
    }
    for (auto& f : cs.varies) f.assign(k, 0);
    std::unique_ptr<double[]> buf(new double[k * kBlock]);
    std::unique_ptr<double[]> sub(new double[in_subset ? k * kBlock : 1]);
    std::vector<std::uint32_t> at;  // the block's subset positions
    at.reserve(kBlock);
    const std::size_t b_begin = blocks * c / chunks, b_end = blocks * (c + 1) / chunks;
    for (std::size_t b = b_begin; b < b_end && !nan_seen.load(std::memory_order_relaxed); ++b) {
      progress.check();
      const std::size_t i0 = b * kBlock, len = std::min(kBlock, n - i0);
      at.clear();
      if (in_subset)
        for (std::size_t i = 0; i < len; ++i)
          if (in_subset[i0 + i]) at.push_back(static_cast<std::uint32_t>(i));
      const std::size_t ms = at.size();
      cs.in_subset += ms;
      bool nan = false;
      for (std::size_t p = 0; p < k; ++p) {
        const double* a = v[p] + i0;
        double* x = buf.get() + p * kBlock;
        const double s = shift[p];
        // exact: whether the entries differ from the first of all entries, and
        // (with a subset) from the first of the subset and of its complement
        const double ref = v[p][first[0]];
        const double rw = first[1] < n ? v[p][first[1]] : 0.0, rb = first[2] < n ? v[p][first[2]] : 0.0;
        bool diff = false, dw = false, db = false;
        for (std::size_t i = 0; i < len; ++i) {
          x[i] = a[i] - s;
          nan |= a[i] != a[i];
          diff |= a[i] != ref;
          if (in_subset) {
            if (in_subset[i0 + i]) dw |= a[i] != rw;
            else db |= a[i] != rb;
          }
        }
        cs.varies[0][p] |= diff;
        cs.varies[1][p] |= dw;
        cs.varies[2][p] |= db;
        cs.sum[0][p] += sum_of(x, len);
        if (in_subset) {
          double* y = sub.get() + p * kBlock;
          for (std::size_t j = 0; j < ms; ++j) y[j] = x[at[j]];
          cs.sum[1][p] += sum_of(y, ms);
        }
      }
      if (nan) {
        nan_seen.store(true, std::memory_order_relaxed);
        return;
      }
      for (std::size_t p = 0; p < k; ++p) {
        const double* xp = buf.get() + p * kBlock;
        for (std::size_t q = p; q < k; ++q) cs.gram[0][p * k + q] += dot(xp, buf.get() + q * kBlock, len);
        if (in_subset && ms > 0) {
          const double* yp = sub.get() + p * kBlock;
          for (std::size_t q = p; q < k; ++q) cs.gram[1][p * k + q] += dot(yp, sub.get() + q * kBlock, ms);
        }
      }
    }
  });
  if (nan_seen.load()) return false;
  for (int t = 0; t < 2; ++t) {
    out->gram[t].assign(k * k, 0.0);
    out->sum[t].assign(k, 0.0);
  }
  for (auto& f : out->varies) f.assign(k, 0);
  for (const ChunkSums& cs : partial) {  // in chunk order: the same sums for any thread count
    for (int t = 0; t < parts; ++t) {
      for (std::size_t i = 0; i < k * k; ++i) out->gram[t][i] += cs.gram[t][i];
      for (std::size_t p = 0; p < k; ++p) out->sum[t][p] += cs.sum[t][p];
    }
    for (int f = 0; f < 3; ++f)
      for (std::size_t p = 0; p < k; ++p) out->varies[f][p] |= cs.varies[f][p];
  }
  std::size_t in = 0;
  for (const ChunkSums& cs : partial) in += cs.in_subset;
  out->count[0] = n;
  out->count[1] = in;
  out->count[2] = n - in;
  return true;
}

void pearson_from_sums(const PearsonSums& s, std::size_t k, int part, bool squared, double* out) {
  // the complement's sums are all's minus the subset's
  auto g = [&](std::size_t p, std::size_t q) {
    return part == 2 ? s.gram[0][p * k + q] - s.gram[1][p * k + q] : s.gram[part][p * k + q];
  };
  auto sum = [&](std::size_t p) { return part == 2 ? s.sum[0][p] - s.sum[1][p] : s.sum[part][p]; };
  const std::size_t m = s.count[part];
  const double md = static_cast<double>(m);
  std::vector<double> var(k, 0.0);
  for (std::size_t p = 0; p < k; ++p) var[p] = m ? g(p, p) - sum(p) * sum(p) / md : 0.0;
  for (std::size_t p = 0; p < k; ++p) {
    for (std::size_t q = p; q < k; ++q) {
      double r = kNaN;
      if (m >= 2 && s.varies[part][p] && s.varies[part][q] && var[p] > 0 && var[q] > 0) {
        const double c = g(p, q) - sum(p) * sum(q) / md;
        r = p == q ? 1.0 : std::max(-1.0, std::min(1.0, c / std::sqrt(var[p] * var[q])));
        if (squared) r *= r;
      }
      out[p * k + q] = out[q * k + p] = r;
    }
  }
}

}  // namespace seedscope
