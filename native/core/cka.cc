// Both estimators are computed from the double-centred kernels Kc = H·K·H,
// formed on the fly from the upper triangle the Gram kernel writes. HSIC_u is
// invariant to double centring (U-centring removes row and column effects),
// and working with Kc avoids the cancellation that uncentred features with a
// large mean would cause. Row sums of Kc vanish, so with zeroed diagonals
// 1ᵀK̃ = −diag(Kc) and the unbiased terms need only the diagonals.
#include "cka.h"

#include <cmath>
#include <limits>
#include <vector>

#include "gram.h"
#include "thread_pool.h"

namespace seedscope {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void gram_of(const CkaActivations& a, std::size_t n, double* c, int threads) {
  if (a.f32) gram_upper(a.f32, n, a.d, c, threads, Progress());
  else gram_upper(a.f64, n, a.d, c, threads, Progress());
}

// Row means of a symmetric matrix stored as its upper triangle, and the grand mean.
void row_means(const double* c, std::size_t n, std::vector<double>* r, double* grand) {
  r->assign(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double* row = c + i * n;
    double s = row[i];
    for (std::size_t j = i + 1; j < n; ++j) {
      s += row[j];
      (*r)[j] += row[j];
    }
    (*r)[i] += s;
  }
  double g = 0;
  for (double& v : *r) {
    v /= static_cast<double>(n);
    g += v;
  }
  *grand = g / static_cast<double>(n);
}

struct Sums {
  double kl = 0, kk = 0, ll = 0;  // over i ≠ j of Kc·Lc, Kc², Lc²
};

}  // namespace

double linear_cka(const CkaActivations& x, const CkaActivations& y, std::size_t n, bool unbiased,
                  int threads, const Progress& progress) {
  if (n < (unbiased ? 4u : 2u)) return kNaN;
  std::vector<double> k(n * n), l(n * n);
  progress.check();
  gram_of(x, n, k.data(), threads);
  progress.report(1, 4);
  progress.check();
  gram_of(y, n, l.data(), threads);
  progress.report(2, 4);
  progress.check();
  std::vector<double> rk, rl;
  double gk = 0, gl = 0;
  row_means(k.data(), n, &rk, &gk);
  row_means(l.data(), n, &rl, &gl);
  std::vector<double> kd(n), ld(n);  // diagonals of Kc and Lc
  for (std::size_t i = 0; i < n; ++i) {
    kd[i] = k[i * n + i] - 2 * rk[i] + gk;
    ld[i] = l[i * n + i] - 2 * rl[i] + gl;
  }
  // One partial sum per row, added in row order: the same result for any thread count.
  std::vector<Sums> rows(n);
  parallel_for(n, threads, [&](std::size_t i, int) {
    if ((i & 63) == 0) progress.check();
    const double* ki = k.data() + i * n;
    const double* li = l.data() + i * n;
    const double ak = gk - rk[i], al = gl - rl[i];
    Sums s;
    for (std::size_t j = i + 1; j < n; ++j) {
      const double kc = ki[j] - rk[j] + ak;
      const double lc = li[j] - rl[j] + al;
      s.kl += kc * lc;
      s.kk += kc * kc;
      s.ll += lc * lc;
    }
    rows[i] = s;
  });
  Sums off;
  for (const Sums& s : rows) {
    off.kl += 2 * s.kl;
    off.kk += 2 * s.kk;
    off.ll += 2 * s.ll;
  }
  progress.report(3, 4);
  // A representation with no variance across stimuli has Kc = 0, but rounding
  // leaves entries of order eps·K; ‖Kc‖ below 1e-10·tr(K) is taken as zero.
  double ck = off.kk, cl = off.ll, trk = 0, trl = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ck += kd[i] * kd[i];
    cl += ld[i] * ld[i];
    trk += k[i * n + i];
    trl += l[i * n + i];
  }
  if (!(std::sqrt(ck) > 1e-10 * trk) || !(std::sqrt(cl) > 1e-10 * trl)) return kNaN;
  double hkl, hkk, hll;
  if (!unbiased) {
    hkl = off.kl;
    hkk = off.kk;
    hll = off.ll;
    for (std::size_t i = 0; i < n; ++i) {
      hkl += kd[i] * ld[i];
      hkk += kd[i] * kd[i];
      hll += ld[i] * ld[i];
    }
  } else {
    const double nd = static_cast<double>(n);
    double sk = 0, sl = 0, skl = 0, skk = 0, sll = 0;
    for (std::size_t i = 0; i < n; ++i) {
      sk += kd[i];
      sl += ld[i];
      skl += kd[i] * ld[i];
      skk += kd[i] * kd[i];
      sll += ld[i] * ld[i];
    }
    // 1ᵀK̃1 = −Σ kd and 1ᵀK̃L̃1 = Σ kd·ld (see the top of this file); the
    // common factor 1/(n(n−3)) cancels in the ratio.
    auto hsic_u = [&](double tr, double s1, double s2, double cross) {
      return tr + s1 * s2 / ((nd - 1) * (nd - 2)) - 2.0 / (nd - 2) * cross;
    };
    hkl = hsic_u(off.kl, sk, sl, skl);
    hkk = hsic_u(off.kk, sk, sk, skk);
    hll = hsic_u(off.ll, sl, sl, sll);
  }
  progress.report(4, 4);
  if (!(hkk > 0) || !(hll > 0)) return kNaN;
  return hkl / std::sqrt(hkk * hll);
}

}  // namespace seedscope
