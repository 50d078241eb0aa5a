// Pearson over all entries and a subset and its complement (pearson_split.h).
#include "pearson_split.h"

#include <algorithm>
#include <cmath>

#include <memory>
#include <vector>

#include "gram.h"
#include "pearson_sums.h"
#include "thread_pool.h"

namespace seedscope {

namespace {


// What the passes over an RDM learn: NaN present, whether it varies over each subset, sums.
struct Scan {
  bool nan = false;
  bool varies[3] = {false, false, false};  // between (0), within (1), all (2)
  double sum[3] = {0, 0, 0};               // of the centred entries
};

// Many RDMs: a centred copy, then the tiled Gram kernel (faster than
// pearson_sums's pair-by-pair products beyond a few vectors).
bool gram_route(const double* const* v, std::size_t k, std::size_t n, const std::uint32_t* within,
                std::size_t mw, double* full, double* within_out, double* between_out, int threads,
                const Progress& progress) {
  std::vector<unsigned char> in_within(n, 0);
  for (std::size_t t = 0; t < mw; ++t) in_within[within[t]] = 1;
  // every entry is written below: no need to zero K·n doubles first
  std::unique_ptr<double[]> z(new double[k * n]);
  std::unique_ptr<double[]> zw(new double[k * std::max<std::size_t>(mw, 1)]);
  std::vector<Scan> scan(k);
  parallel_for(k, threads, [&](std::size_t p, int) {
    progress.check();
    const double* a = v[p];
    Scan& s = scan[p];
    double total = 0;
    bool nan = false;
    for (std::size_t i = 0; i < n; ++i) {
      nan |= std::isnan(a[i]);
      total += a[i];
    }
    s.nan = nan;
    if (nan) return;
    const double mean = total / static_cast<double>(n);
    double* zp = z.get() + p * n;
    double all = 0;
    for (std::size_t i = 0; i < n; ++i) {
      zp[i] = a[i] - mean;
      all += zp[i];
    }
    double* wp = zw.get() + p * mw;
    double win = 0;
    for (std::size_t t = 0; t < mw; ++t) {
      wp[t] = zp[within[t]];
      win += wp[t];
    }
    s.sum[2] = all;
    s.sum[1] = win;
    s.sum[0] = all - win;
  });
  for (const Scan& s : scan)
    if (s.nan) return false;
  progress.check();
  std::vector<double> g_all(k * k, 0.0), g_within(k * k, 0.0), g_between(k * k, 0.0);
  gram_upper(z.get(), k, n, g_all.data(), threads, Progress());
  if (mw > 0) gram_upper(zw.get(), k, mw, g_within.data(), threads, Progress());
  for (std::size_t p = 0; p < k; ++p)
    for (std::size_t q = p; q < k; ++q) g_between[p * k + q] = g_all[p * k + q] - g_within[p * k + q];
  // Whether each vector varies over each subset, exactly as compare_matrix tests it. A
  // subset's variance from the Gram is far above rounding unless the vector is (nearly)
  // constant there; only then are its entries compared one by one.
  parallel_for(k, threads, [&](std::size_t p, int) {
    const double* a = v[p];
    const double scale = g_all[p * k + p];
    const std::vector<double>* grams[3] = {&g_between, &g_within, &g_all};
    const std::size_t counts[3] = {n - mw, mw, n};
    for (int part = 0; part < 3; ++part) {
      const double m = static_cast<double>(counts[part]);
      const double var = counts[part] ? (*grams[part])[p * k + p] - scan[p].sum[part] * scan[p].sum[part] / m : 0.0;
      if (var > 1e-9 * scale) {
        scan[p].varies[part] = true;
        continue;
      }
      bool seen = false, varies = false;
      double first = 0;
      for (std::size_t i = 0; i < n && !varies; ++i) {
        if (part != 2 && in_within[i] != part) continue;
        if (!seen) {
          seen = true;
          first = a[i];
        } else {
          varies = a[i] != first;
        }
      }
      scan[p].varies[part] = varies;
    }
  });
  // the same sums pearson_sums gives (its parts: 0 all, 1 within, 2 the rest), then the same correlations
  PearsonSums sums;
  sums.gram[0] = std::move(g_all);
  sums.gram[1] = std::move(g_within);
  for (int t = 0; t < 3; ++t) sums.varies[t].resize(k);
  sums.sum[0].resize(k);
  sums.sum[1].resize(k);
  for (std::size_t p = 0; p < k; ++p) {
    sums.sum[0][p] = scan[p].sum[2];
    sums.sum[1][p] = scan[p].sum[1];
    sums.varies[0][p] = scan[p].varies[2];
    sums.varies[1][p] = scan[p].varies[1];
    sums.varies[2][p] = scan[p].varies[0];
  }
  sums.count[0] = n;
  sums.count[1] = mw;
  sums.count[2] = n - mw;
  pearson_from_sums(sums, k, 0, false, full);
  pearson_from_sums(sums, k, 1, false, within_out);
  pearson_from_sums(sums, k, 2, false, between_out);
  return true;
}

}  // namespace

bool pearson_within_between(const double* const* v, std::size_t k, std::size_t n, const std::uint32_t* within,
                            std::size_t mw, double* full, double* within_out, double* between_out, int threads,
                            const Progress& progress) {
  if (k > kPearsonSumsMaxK) return gram_route(v, k, n, within, mw, full, within_out, between_out, threads, progress);
  std::vector<std::uint8_t> in_within(n, 0);
  for (std::size_t t = 0; t < mw; ++t) in_within[within[t]] = 1;
  PearsonSums sums;
  if (!pearson_sums(v, k, n, in_within.data(), threads, progress, &sums)) return false;
  pearson_from_sums(sums, k, 0, false, full);
  pearson_from_sums(sums, k, 1, false, within_out);
  pearson_from_sums(sums, k, 2, false, between_out);
  return true;
}

}  // namespace seedscope
