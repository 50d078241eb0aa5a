// Classical MDS's top eigenpairs by Lanczos on the implicit double-centred
// matrix (mds.h). At n = 1,000 this is a few milliseconds; the JavaScript
// version formed two n × n matrices and took about 0.2 s per map.
#include "mds.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "thread_pool.h"

namespace seedscope {

namespace {

// Row blocks of the condensed triangle, fixed in number so that the order of
// every sum is the same whatever the thread count.
constexpr std::size_t kBlocks = 32;

double dot(const double* x, const double* y, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += x[i] * y[i];
  return s;
}

// B = −½(S − m·1ᵀ − 1·mᵀ + a·1·1ᵀ) applied to vectors, S from the condensed distances.
class CentredSquares {
 public:
  CentredSquares(const double* condensed, std::size_t n, int threads)
      : c_(condensed), n_(n), threads_(threads), row_mean_(n, 0.0) {
    // the fill for undefined distances: the mean finite squared distance over all
    // n² entries of the square matrix, its zero diagonal included (as doubleCentre)
    const std::size_t len = n * (n - 1) / 2;
    double sum = 0;
    std::size_t finite = 0;
    for (std::size_t t = 0; t < len; ++t) {
      const double v = c_[t];
      if (std::isfinite(v)) {
        sum += v * v;
        ++finite;
      }
    }
    const double count = 2.0 * static_cast<double>(finite) + static_cast<double>(n);
    fill_ = count > 0 ? 2.0 * sum / count : 0.0;
    // block boundaries by equal shares of the triangle's entries
    starts_.push_back(0);
    std::size_t row = 0, done = 0;
    for (std::size_t b = 1; b < kBlocks && row < n; ++b) {
      const std::size_t target = len * b / kBlocks;
      while (row < n && done < target) done += n - 1 - row++;
      if (row > starts_.back() && row < n) starts_.push_back(row);
    }
    starts_.push_back(n);
    acc_.assign((starts_.size() - 1) * n, 0.0);
    // row means of S (the ones vector through the same product)
    std::vector<double> ones(n, 1.0);
    squares_times(ones.data(), row_mean_.data());
    double all = 0;
    for (std::size_t i = 0; i < n; ++i) {
      row_mean_[i] /= static_cast<double>(n);
      all += row_mean_[i];
    }
    all_ = all / static_cast<double>(n);
  }

  // y = B·x
  void apply(const double* x, double* y) {
    squares_times(x, y);
    double sx = 0;
    for (std::size_t i = 0; i < n_; ++i) sx += x[i];
    const double mx = dot(row_mean_.data(), x, n_);
    for (std::size_t i = 0; i < n_; ++i) y[i] = -0.5 * (y[i] - row_mean_[i] * sx - mx + all_ * sx);
  }

 private:
  // y = S·x, each block of rows into its own accumulator, summed in block order.
  void squares_times(const double* x, double* y) {
    const std::size_t blocks = starts_.size() - 1, n = n_;
    const double fill = fill_;
    parallel_for(blocks, threads_, [&](std::size_t b, int) {
      double* acc = acc_.data() + b * n;
      std::fill(acc, acc + n, 0.0);
      for (std::size_t i = starts_[b]; i < starts_[b + 1]; ++i) {
        const double* row = c_ + i * n - i * (i + 1) / 2;  // the pairs (i, j > i)
        const double* xr = x + i + 1;
        double* ar = acc + i + 1;
        const std::size_t len = n - 1 - i;
        const double xi = x[i];
        double s = 0;
        for (std::size_t t = 0; t < len; ++t) {
          const double v = row[t];
          const double sq = std::isfinite(v) ? v * v : fill;
          s += sq * xr[t];
          ar[t] += sq * xi;
        }
        acc[i] += s;
      }
    });
    std::fill(y, y + n, 0.0);
    for (std::size_t b = 0; b < blocks; ++b) {
      const double* acc = acc_.data() + b * n;
      for (std::size_t i = 0; i < n; ++i) y[i] += acc[i];
    }
  }

  const double* c_;
  std::size_t n_;
  int threads_;
  double fill_ = 0, all_ = 0;
  std::vector<double> row_mean_;
  std::vector<std::size_t> starts_;
  std::vector<double> acc_;
};

// w −= (w·q) q for every basis vector, twice ("twice is enough").
void orthogonalise(double* w, const std::vector<double>& q, std::size_t count, std::size_t n) {
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t s = 0; s < count; ++s) {
      const double* u = q.data() + s * n;
      const double d = dot(w, u, n);
      for (std::size_t i = 0; i < n; ++i) w[i] -= d * u[i];
    }
  }
}

double norm2(const double* x, std::size_t n) { return std::sqrt(dot(x, x, n)); }

// Eigenpairs of the m × m tridiagonal (alpha, beta), sorted by value, descending.
void tridiagonal_eigen(const std::vector<double>& alpha, const std::vector<double>& beta, std::size_t m,
                       std::vector<double>* values, std::vector<double>* vecs) {
  std::vector<double> t(m * m, 0.0), val(m), vec(m * m);
  for (std::size_t i = 0; i < m; ++i) {
    t[i * m + i] = alpha[i];
    if (i + 1 < m) t[i * m + i + 1] = t[(i + 1) * m + i] = beta[i];
  }
  symmetric_eigen_jacobi(t.data(), m, val.data(), vec.data());
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return val[a] > val[b]; });
  values->resize(m);
  vecs->resize(m * m);
  for (std::size_t c = 0; c < m; ++c) {
    (*values)[c] = val[order[c]];
    for (std::size_t r = 0; r < m; ++r) (*vecs)[r * m + c] = vec[r * m + order[c]];
  }
}

}  // namespace

void symmetric_eigen_jacobi(double* a, std::size_t m, double* values, double* vecs) {
  for (std::size_t i = 0; i < m * m; ++i) vecs[i] = 0;
  for (std::size_t i = 0; i < m; ++i) vecs[i * m + i] = 1;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0, all = 0;
    for (std::size_t p = 0; p < m; ++p) {
      for (std::size_t q = 0; q < m; ++q) {
        const double v = a[p * m + q] * a[p * m + q];
        all += v;
        if (p != q) off += v;
      }
    }
    if (off == 0 || off <= 1e-32 * all) break;
    for (std::size_t p = 0; p + 1 < m; ++p) {
      for (std::size_t q = p + 1; q < m; ++q) {
        const double apq = a[p * m + q];
        if (apq == 0) continue;
        // the rotation that zeroes a[p][q] (the smaller angle)
        const double theta = (a[q * m + q] - a[p * m + p]) / (2 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (std::size_t r = 0; r < m; ++r) {
          const double arp = a[r * m + p], arq = a[r * m + q];
          a[r * m + p] = c * arp - s * arq;
          a[r * m + q] = s * arp + c * arq;
        }
        for (std::size_t r = 0; r < m; ++r) {
          const double apr = a[p * m + r], aqr = a[q * m + r];
          a[p * m + r] = c * apr - s * aqr;
          a[q * m + r] = s * apr + c * aqr;
        }
        for (std::size_t r = 0; r < m; ++r) {
          const double vrp = vecs[r * m + p], vrq = vecs[r * m + q];
          vecs[r * m + p] = c * vrp - s * vrq;
          vecs[r * m + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  for (std::size_t i = 0; i < m; ++i) values[i] = a[i * m + i];
}

int mds_top_eigen(const double* condensed, std::size_t n, const MdsEigenOptions& opt, double* values,
                  double* vectors, const Progress& progress) {
  const std::size_t k = static_cast<std::size_t>(opt.k);
  if (n < 1 || k < 1 || k > n) throw std::invalid_argument("mds_top_eigen: expected 1 <= k <= n");
  if (n == 1) {
    values[0] = 0;
    vectors[0] = 1;
    return 0;
  }
  CentredSquares b(condensed, n, opt.threads);
  const std::size_t steps = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(opt.max_steps, opt.k)));
  std::vector<double> q(steps * n), w(n), alpha, beta, theta, y;
  // the deterministic start of src/analysis/mds.ts; restarts after a breakdown use other phases
  auto start = [&](double* v, int which) {
    for (std::size_t i = 0; i < n; ++i)
      v[i] = 1 + 0.5 * std::sin((1.3 + 0.37 * which) * static_cast<double>(i) + 0.7 + which);
  };
  double* v = q.data();
  start(v, 0);
  const double v0 = norm2(v, n);
  for (std::size_t i = 0; i < n; ++i) v[i] /= v0;
  double scale = 0;
  int restarts = 0;
  bool restarted = false;  // the current vector began a fresh chain after a breakdown
  std::size_t m = 0;
  for (std::size_t s = 0; s < steps; ++s) {
    progress.check();
    v = q.data() + s * n;
    m = s + 1;
    b.apply(v, w.data());
    const double a = dot(w.data(), v, n);
    alpha.push_back(a);
    orthogonalise(w.data(), q, m, n);
    const double norm = norm2(w.data(), n);
    scale = std::max({scale, std::fabs(a), norm});
    if (s + 1 == steps) break;
    double* next = q.data() + (s + 1) * n;
    if (norm > 1e-10 * scale) {
      beta.push_back(norm);
      for (std::size_t i = 0; i < n; ++i) next[i] = w[i] / norm;
      restarted = false;
      // converged when the top k Ritz pairs' residuals |β·y_last| are negligible
      if (m >= k + 2 && m % 4 == 0) {
        tridiagonal_eigen(alpha, beta, m, &theta, &y);
        const double big = std::max(std::fabs(theta[0]), std::fabs(theta[m - 1]));
        bool done = true;
        for (std::size_t j = 0; j < k && done; ++j) done = std::fabs(norm * y[(m - 1) * m + j]) <= 1e-10 * big;
        if (done) break;
      }
      continue;
    }
    // An invariant subspace. If the vector that began this chain was already an
    // eigenvector, the rest of the space is one eigenspace of value a (a generic
    // start vector is an eigenvector of nothing smaller): once k Ritz values are
    // at least a, the top k are known. Otherwise go on from a fresh direction
    // orthogonal to the basis, so a repeated eigenvalue is found as often as it occurs.
    beta.push_back(0.0);
    if (restarted) {
      tridiagonal_eigen(alpha, beta, m, &theta, &y);
      if (m >= k && theta[k - 1] >= a - 1e-10 * scale) break;
    }
    start(next, ++restarts);
    const double r0 = norm2(next, n);
    for (std::size_t i = 0; i < n; ++i) next[i] /= r0;
    orthogonalise(next, q, m, n);
    const double r = norm2(next, n);
    if (!(r > 1e-8)) break;
    for (std::size_t i = 0; i < n; ++i) next[i] /= r;
    restarted = true;
  }
  tridiagonal_eigen(alpha, beta, m, &theta, &y);
  for (std::size_t j = 0; j < k; ++j) {
    double* out = vectors + j * n;
    std::fill(out, out + n, 0.0);
    if (j >= m) {
      values[j] = 0;
      continue;
    }
    values[j] = theta[j];
    for (std::size_t s = 0; s < m; ++s) {
      const double c = y[s * m + j];
      const double* u = q.data() + s * n;
      for (std::size_t i = 0; i < n; ++i) out[i] += c * u[i];
    }
    const double len = norm2(out, n);
    if (len > 0)
      for (std::size_t i = 0; i < n; ++i) out[i] /= len;
  }
  return static_cast<int>(m);
}

}  // namespace seedscope
