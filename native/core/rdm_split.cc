// The full, class-centroid and centroid-removed RDMs from one Gram product
// (rdm_split.h).
//
// Accuracy. The Gram kernel's error in G_ij is about ε·|P_i|·|P_j| (ε ≈ 1e-6:
// fp32 sums over blocks of 512 features), where P_i is the row as packed, so
// a distance built from G is as accurate as compute_rdm's only if the packed
// row is no longer than the row the distance is of (centred for correlation).
// Deriving the centroid-removed RDM from the product of X alone breaks this
// whenever the class centroids make up most of the activations: with
// |x_i| = 10·|x_i − μ_a| the error of that RDM grows a hundredfold. So each
// row is packed as the shorter of its two versions: x_i as it is, or
// x_i − μ_{class(i)} (the packing subtracts the centroid first, giving the same
// correctly rounded difference a caller would compute; gram.h,
// gram_upper_row_offsets). The other version is then derived, and it is the
// longer one: its distances have error ε·|P_i||P_j| ≤ ε·|t_i||t_j|, relative
// to its own norms, like compute_rdm's. The derivation adds
//   T_ij = G_ij + α_j A_{i,b} + α_i A_{j,a} + α_i α_j B_ab   (a, b the classes)
// with α_i = +1 (full row of a row packed minus its centroid), −1 (removed row
// of a row packed as it is) or 0 (the row as packed), A_ic = P_i·w_c and
// B = w·wᵀ, all in float64 from the exact float64 products X·μᵀ and μ·μᵀ
// (cross_dots.h). Each term is bounded by the norms of the rows involved: a
// row is derived with α ≠ 0 only when its packed version is the shorter, so
// |w_a| ≤ |P_i| + |t_i| ≤ 2|t_i|, and float64 rounding in A and B (including
// the cancellation of their raw products) stays ~1e-16·|x|² — far below
// ε·|t|² unless the centroids are more than ~1e4 times the rest, where
// float32 activations could not hold X − μ either. The packing rounds x − μ
// to float, as the direct computation does (ε/2 of each element), and then
// subtracts the row's mean; that rounding only matters when x − μ has a mean
// far above its spread, and for correlation the choice of how to pack a row
// charges it (see below). Measured against the direct computation (two
// products, float32 X − μ) and the float64 reference: rdmSplit.test.ts.
//
// Row statistics. Centring (correlation) and the undefined-distance rules use
// per-row sums computed exactly as the definitions read: a row is constant
// (zero-variance) or all zeros (zero-norm) when its values, as the input type
// holds them (for the removed row: x − μ rounded like the direct subtraction),
// are; non-finite when its float64 sum of squares is. As in rdm.cc, a row
// whose centred squared norm comes out ≤ 0 is zero-variance too.
#include "rdm_split.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "cpu_features.h"
#include "cross_dots.h"
#include "gram.h"
#include "thread_pool.h"

namespace seedscope {

namespace {

// Features per task of the centroid sums (float64 sums of every class for
// this many features stay in L1/L2); rows per task of the row pass.
constexpr std::size_t kFeatureChunk = 512;
constexpr std::size_t kRowsPerTask = 16;

std::size_t condensed_index(std::size_t i, std::size_t j, std::size_t n) {
  return i * n - i * (i + 1) / 2 + (j - i - 1);
}

// Sums, squared norms and the exact constant / all-zero tests of a row and of
// the row minus its centroid, values rounded to T as the kernel packs them.
// The tests are sums too (so the loop vectorises): a row is all zeros when
// Σ v² = 0 and constant when Σ (v − v₀)² = 0. For float input both are exact
// in float64 (differences and squares of floats neither round to 0 nor
// overflow); for double input a row varying by less than ~1e-154 counts as
// constant.
struct RowStats {
  double sum = 0, sq = 0;            // of x − base (base: the Euclidean offset, or none)
  double sum_r = 0, sq_r = 0;        // of x − μ_class
  bool constant = false, zero = false;
  bool constant_r = false, zero_r = false;
  double first = 0, first_r = 0;     // the first values (the shift of a constant row)
};

template <typename T, bool kBase>
__attribute__((always_inline)) inline RowStats row_stats_body(const T* x, const T* base, const T* centroid,
                                                               std::size_t d) {
  constexpr std::size_t L = 8;  // independent partial sums (vectorisable, fixed order)
  double s[L] = {}, q[L] = {}, sr[L] = {}, qr[L] = {}, dv[L] = {}, dr[L] = {};
  const double f0 = static_cast<double>(kBase ? T(x[0] - base[0]) : x[0]);
  const double r0 = static_cast<double>(T(x[0] - centroid[0]));
  auto add = [&](std::size_t l, std::size_t k) {
    const double v = static_cast<double>(kBase ? T(x[k] - base[k]) : x[k]);
    const double r = static_cast<double>(T(x[k] - centroid[k]));
    s[l] += v;
    q[l] += v * v;
    sr[l] += r;
    qr[l] += r * r;
    dv[l] += (v - f0) * (v - f0);
    dr[l] += (r - r0) * (r - r0);
  };
  std::size_t k = 0;
  for (; k + L <= d; k += L)
    for (std::size_t l = 0; l < L; ++l) add(l, k + l);
  for (; k < d; ++k) add(0, k);
  RowStats st;
  double dev = 0, dev_r = 0;
  for (std::size_t l = 0; l < L; ++l) {
    st.sum += s[l];
    st.sq += q[l];
    st.sum_r += sr[l];
    st.sq_r += qr[l];
    dev += dv[l];
    dev_r += dr[l];
  }
  st.constant = dev == 0.0;
  st.zero = st.sq == 0.0;
  st.constant_r = dev_r == 0.0;
  st.zero_r = st.sq_r == 0.0;
  st.first = f0;
  st.first_r = r0;
  return st;
}

// The same loop compiled for each instruction set (wider vectors, the same
// order of sums; where the ISA has FMA, a product may be rounded once less).
template <typename T, bool kBase>
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma"))) RowStats row_stats_avx512(
    const T* x, const T* base, const T* centroid, std::size_t d) {
  return row_stats_body<T, kBase>(x, base, centroid, d);
}
template <typename T, bool kBase>
__attribute__((target("avx2,fma"))) RowStats row_stats_avx2(const T* x, const T* base, const T* centroid,
                                                            std::size_t d) {
  return row_stats_body<T, kBase>(x, base, centroid, d);
}
template <typename T, bool kBase>
RowStats row_stats_portable(const T* x, const T* base, const T* centroid, std::size_t d) {
  return row_stats_body<T, kBase>(x, base, centroid, d);
}
template <typename T, bool kBase>
RowStats row_stats(Isa isa, const T* x, const T* base, const T* centroid, std::size_t d) {
  switch (isa) {
    case Isa::Avx512: return row_stats_avx512<T, kBase>(x, base, centroid, d);
    case Isa::Avx2: return row_stats_avx2<T, kBase>(x, base, centroid, d);
    default: return row_stats_portable<T, kBase>(x, base, centroid, d);
  }
}

// Per stimulus (or class) of one output: the squared norm after centring, the
// reciprocal norm (correlation, cosine), and whether its distances are NaN.
struct RowFinish {
  std::vector<double> sq, inv;
  std::vector<char> bad;
  std::vector<NanStimulus> nan;
  explicit RowFinish(std::size_t n) : sq(n, 0.0), inv(n, 0.0), bad(n, 0) {}
};

// Records the squared norm `sq` (after centring for correlation) of row i,
// unless the row is known to be non-finite or degenerate (constant for
// correlation, zero for cosine) or its norm says so, as rdm.cc decides.
void finish_row(RowFinish& f, std::size_t i, RdmMetric metric, bool non_finite, bool degenerate, double sq) {
  const bool corr = metric == RdmMetric::Correlation, cosine = metric == RdmMetric::Cosine;
  if (non_finite || !std::isfinite(sq)) {
    f.bad[i] = 1;
    f.nan.push_back({i, NanReason::NonFinite});
    return;
  }
  if ((corr || cosine) && (degenerate || !(sq > 0.0))) {
    f.bad[i] = 1;
    f.nan.push_back({i, corr ? NanReason::ZeroVariance : NanReason::ZeroNorm});
    return;
  }
  f.sq[i] = sq;
  if (corr || cosine) f.inv[i] = 1.0 / std::sqrt(sq);
}

// The distance from the (centred) product c_ij of two rows. For the
// Euclidean metrics, a squared distance within `tie_bound` of zero is taken
// from `exact` instead (tie_bound < 0: never): the square root would turn an
// error δ of d² = 0 into √δ. compute_rdm gets 0 for identical rows because it
// packs them identically, so the product's rounding is the same in G_ii, G_jj
// and G_ij; here identical stimuli of two classes may be packed differently.
// The caller gives identical rows distance 0 itself (identical_rows) and sets
// the bound only for pairs packed differently, so the O(D) recomputation is
// left to near-ties, not to, say, the many all-zero rows of a sparse layer.
constexpr double kTieBound = 1e-4;  // × (|P_i|² + |P_j|²): ≥ the worst case of fp32 sums over 512 terms (512 · 2⁻²⁴ ≈ 3e-5), twice
template <typename Exact>
inline double distance(RdmMetric metric, double scale, const RowFinish& f, std::size_t i, std::size_t j, double c,
                       double tie_bound, const Exact& exact) {
  if (metric == RdmMetric::Euclidean || metric == RdmMetric::SqEuclidean) {
    double v = f.sq[i] + f.sq[j] - 2.0 * c;
    if (tie_bound >= 0.0 && !(v > tie_bound)) v = exact();
    v = std::max(0.0, v) * scale;
    return metric == RdmMetric::Euclidean ? std::sqrt(v) : v;
  }
  return std::min(2.0, std::max(0.0, 1.0 - c * f.inv[i] * f.inv[j]));
}

// Σ_k (a_k − b_k)² in float64; with centroids, of a − ca and b − cb rounded to T
// (the rows of X − μ as the direct computation holds them).
template <typename T>
double exact_sq_distance(const T* a, const T* b, const T* ca, const T* cb, std::size_t d) {
  double s = 0.0;
  for (std::size_t k = 0; k < d; ++k) {
    const double u = ca ? static_cast<double>(T(a[k] - ca[k])) - static_cast<double>(T(b[k] - cb[k]))
                        : static_cast<double>(a[k]) - static_cast<double>(b[k]);
    s += u * u;
  }
  return s;
}

// For each row, the first row identical to it (itself if none), among the
// rows with a finite key. Identical rows have identical keys (float64 sums of
// their values, in one order), so only rows sharing a key are compared, each
// with the first row of every distinct content seen under that key: O(N log N)
// plus O(D) per row that shares its key, which in practice is a true twin.
template <typename Same>
std::vector<std::size_t> identical_rows(const std::vector<std::pair<double, double>>& key, const Same& same) {
  const std::size_t n = key.size();
  std::vector<std::size_t> first(n), order;
  for (std::size_t i = 0; i < n; ++i) {
    first[i] = i;
    if (std::isfinite(key[i].first) && std::isfinite(key[i].second)) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key[a] < key[b]; });
  std::vector<std::size_t> seen;  // the distinct contents under the current key
  for (std::size_t t = 0; t < order.size(); ++t) {
    const std::size_t i = order[t];
    if (t == 0 || key[order[t - 1]] != key[i]) seen.clear();
    bool found = false;
    for (std::size_t r : seen) {
      if (same(r, i)) {
        first[i] = r;
        found = true;
        break;
      }
    }
    if (!found) seen.push_back(i);
  }
  return first;
}

// T_ij = G_ij + α_j A_{i,b} + α_i A_{j,a} + α_i α_j B_ab, adding only the
// terms with α ≠ 0 (A and B of a non-finite class are NaN, and 0 · NaN would
// spread them).
inline double derived(double g, int ai, int aj, double a_ib, double a_ja, double b_ab) {
  double v = g;
  if (aj) v += aj * a_ib;
  if (ai) v += ai * a_ja;
  if (ai && aj) v += ai * aj * b_ab;
  return v;
}

template <typename T>
RdmSplitNan split_impl(const T* x, std::size_t n, std::size_t d, const std::int32_t* labels,
                       const RdmOptions& opt, const RdmSplitOutput& out, const Progress& progress) {
  const RdmMetric metric = opt.metric;
  const bool corr = metric == RdmMetric::Correlation;
  const bool cosine = metric == RdmMetric::Cosine;
  const bool eucl = !corr && !cosine;
  const double dd = static_cast<double>(d);
  const double nan = std::numeric_limits<double>::quiet_NaN();

  // Classes present, each stimulus's row among them, and the counts.
  const std::vector<std::int32_t> classes = present_classes(labels, n);
  const std::size_t nc = classes.size();
  std::vector<std::size_t> row_of(n);
  std::vector<double> count(nc, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    row_of[i] = static_cast<std::size_t>(std::lower_bound(classes.begin(), classes.end(), labels[i]) - classes.begin());
    count[row_of[i]] += 1.0;
  }

  // Centroids: float64 sums in stimulus order times 1/count (the arithmetic
  // of src/analysis/classStructure.ts), rounded to T. For the Euclidean
  // metrics a last row holds the offset o every row is packed against when
  // not against its centroid: the mean of the stimuli of finite centroids.
  const std::size_t nm = nc + (eucl ? 1 : 0);
  std::vector<T> mu(nm * d, T(0));
  {
    const std::size_t tasks = (d + kFeatureChunk - 1) / kFeatureChunk;
    parallel_for(tasks, opt.threads, [&](std::size_t task, int) {
      progress.check();
      const std::size_t k0 = task * kFeatureChunk, w = std::min(kFeatureChunk, d - k0);
      std::vector<double> acc(nc * w, 0.0);
      for (std::size_t i = 0; i < n; ++i) {
        double* a = acc.data() + row_of[i] * w;
        const T* xi = x + i * d + k0;
        for (std::size_t k = 0; k < w; ++k) a[k] += static_cast<double>(xi[k]);
      }
      for (std::size_t c = 0; c < nc; ++c) {
        const double inv = 1.0 / count[c];
        for (std::size_t k = 0; k < w; ++k) mu[c * d + k0 + k] = static_cast<T>(acc[c * w + k] * inv);
      }
    });
  }
  std::vector<char> class_finite(nc, 1), class_constant(nc, 0), class_zero(nc, 0);
  for (std::size_t c = 0; c < nc; ++c) {
    const T* m = mu.data() + c * d;
    bool finite = true, constant = true, zero = true;
    for (std::size_t k = 0; k < d; ++k) {
      finite = finite && std::isfinite(m[k]);
      constant = constant && m[k] == m[0];
      zero = zero && m[k] == T(0);
    }
    class_finite[c] = finite;
    class_constant[c] = constant;
    class_zero[c] = zero;
  }
  const T* base = nullptr;
  if (eucl) {
    T* o = mu.data() + nc * d;
    double total = 0.0;
    for (std::size_t c = 0; c < nc; ++c) total += class_finite[c] ? count[c] : 0.0;
    if (total > 0) {
      for (std::size_t k = 0; k < d; ++k) {
        double s = 0.0;
        for (std::size_t c = 0; c < nc; ++c)
          if (class_finite[c]) s += count[c] * static_cast<double>(mu[c * d + k]);
        o[k] = static_cast<T>(s / total);
      }
    }
    base = o;
  }
  progress.check();

  // B0 = μ·μᵀ over the nm rows (centroids and the offset), exact products
  // summed in float64.
  std::vector<double> mm(nm * nm);
  cross_dots(mu.data(), nm, mu.data(), nm, d, mm.data(), nm);

  // One pass over the rows: their statistics and X·μᵀ (n × nm).
  std::vector<RowStats> stats(n);
  const Isa isa = active_isa();
  std::vector<double> xm(n * nm);
  {
    const std::size_t tasks = (n + kRowsPerTask - 1) / kRowsPerTask;
    parallel_for(tasks, opt.threads, [&](std::size_t task, int) {
      progress.check();
      const std::size_t i0 = task * kRowsPerTask, i1 = std::min(n, i0 + kRowsPerTask);
      for (std::size_t i = i0; i < i1; ++i) {
        const T* xi = x + i * d;
        const T* ci = mu.data() + row_of[i] * d;
        stats[i] = eucl ? row_stats<T, true>(isa, xi, base, ci, d) : row_stats<T, false>(isa, xi, nullptr, ci, d);
      }
      cross_dots(x + i0 * d, i1 - i0, mu.data(), nm, d, xm.data() + i0 * nm, nm);
    });
  }
  progress.check();

  // How each row is packed: f = 1 minus its centroid, f = 0 as it is (minus
  // the offset o for the Euclidean metrics); the shorter version (centred for
  // correlation) is packed, so the derived one is the longer. For correlation
  // the packing rounds x − μ before the row's mean is shifted out, an error of
  // ε/2·|x − μ| against the Gram's ≈ 20·ε/2·|P| (fp32 sums of 512 terms): a
  // removed row whose mean is far above its spread is charged that too
  // (kRounding · its uncentred norm). A row whose removed version is not
  // finite (its centroid is not) is packed as it is; a row that is degenerate
  // in one version is packed in that version, so its zeros are exact.
  constexpr double kRounding = 1.0 / 16;
  std::vector<char> f(n, 0);
  std::vector<double> shift(corr ? n : 0, 0.0);
  std::vector<const T*> offsets(n, base);
  for (std::size_t i = 0; i < n; ++i) {
    const RowStats& s = stats[i];
    const bool finite_r = std::isfinite(s.sq_r);
    const bool degenerate = (corr && s.constant) || (cosine && s.zero);
    const bool degenerate_r = (corr && s.constant_r) || (cosine && s.zero_r);
    if (!finite_r || degenerate) {
      f[i] = 0;
    } else if (degenerate_r) {
      f[i] = 1;
    } else if (corr) {
      const double full_c = std::sqrt(std::max(0.0, s.sq - s.sum * s.sum / dd));
      const double removed_c = std::sqrt(std::max(0.0, s.sq_r - s.sum_r * s.sum_r / dd));
      f[i] = removed_c + kRounding * std::sqrt(s.sq_r) < full_c;
    } else {
      f[i] = s.sq_r < s.sq;
    }
    if (f[i]) offsets[i] = mu.data() + row_of[i] * d;
    if (corr) {
      // the exact mean of what the packing's first subtraction gives (the
      // value itself for a constant row), rounded to T as the packing will
      double m = f[i] ? (s.constant_r ? s.first_r : s.sum_r / dd) : (s.constant ? s.first : s.sum / dd);
      m = static_cast<double>(static_cast<T>(m));
      shift[i] = std::isfinite(m) ? m : 0.0;
    }
  }

  // The one product.
  std::unique_ptr<double[]> g(new double[n * n]);
  std::vector<double> sums(corr ? n : 0, 0.0);
  gram_upper_row_offsets(x, n, d, corr ? shift.data() : nullptr, offsets.data(), g.get(),
                         corr ? sums.data() : nullptr, opt.threads, progress);
  progress.check();

  // w_c: the centroids centred (correlation), as they are (cosine), or minus
  // the offset o (Euclidean). B = w·wᵀ (nc × nc); A_ic = P_i·w_c, from
  // x_i·w_c − (base + f_i w_a)·w_c (the row shift drops out: Σ_k w_ck = 0 for
  // correlation, and there is no shift otherwise).
  std::vector<double> msum(nc, 0.0);
  if (corr)
    for (std::size_t c = 0; c < nc; ++c)
      for (std::size_t k = 0; k < d; ++k) msum[c] += static_cast<double>(mu[c * d + k]);
  std::vector<double> b(nc * nc);
  std::vector<double> beta(nc, 0.0);  // base·w_c
  for (std::size_t a = 0; a < nc; ++a) {
    for (std::size_t c = 0; c < nc; ++c) {
      double v = mm[a * nm + c];
      if (corr) v -= msum[a] * msum[c] / dd;
      if (eucl) v += mm[nc * nm + nc] - mm[a * nm + nc] - mm[c * nm + nc];
      b[a * nc + c] = v;
    }
    if (eucl) beta[a] = mm[a * nm + nc] - mm[nc * nm + nc];
  }
  std::vector<double> across(n * nc);
  for (std::size_t i = 0; i < n; ++i) {
    const double* xmi = xm.data() + i * nm;
    for (std::size_t c = 0; c < nc; ++c) {
      double xw = xmi[c];
      if (corr) xw -= stats[i].sum * msum[c] / dd;
      if (eucl) xw -= xmi[nc];
      double v = xw - beta[c];
      if (f[i]) v -= b[row_of[i] * nc + c];
      across[i * nc + c] = v;
    }
  }

  // Per row of each output: α, the derived squared norm, NaN rules.
  RowFinish full(n), removed(n);
  std::vector<signed char> alpha_full(n), alpha_removed(n);
  for (std::size_t i = 0; i < n; ++i) {
    const RowStats& s = stats[i];
    const std::size_t a = row_of[i];
    const double gii = g[i * n + i];
    const double corr_term = corr ? sums[i] * sums[i] / dd : 0.0;
    alpha_full[i] = f[i] ? 1 : 0;
    alpha_removed[i] = f[i] ? 0 : -1;
    // T_ii = G_ii + 2α A_ia + α² B_aa, in the order of the off-diagonal
    // entries below (so two identical rows of one class give T_ii = T_ij).
    auto diag = [&](int alpha) { return derived(gii, alpha, alpha, across[i * nc + a], across[i * nc + a], b[a * nc + a]); };
    const bool sums_finite = !corr || std::isfinite(sums[i]);
    finish_row(full, i, metric, !std::isfinite(s.sq) || !sums_finite,
               (corr && s.constant) || (cosine && s.zero), diag(alpha_full[i]) - corr_term);
    finish_row(removed, i, metric, !std::isfinite(s.sq_r) || !sums_finite,
               (corr && s.constant_r) || (cosine && s.zero_r), diag(alpha_removed[i]) - corr_term);
  }

  // Euclidean metrics: stimuli identical as an RDM holds them are at distance
  // exactly 0, as in compute_rdm (see distance). Rows packed alike get there
  // by themselves; the rest would each need an O(D) recomputation.
  std::vector<std::size_t> twin_full, twin_removed;
  if (eucl) {
    std::vector<std::pair<double, double>> key(n);
    for (std::size_t i = 0; i < n; ++i) key[i] = {stats[i].sum, stats[i].sq};
    twin_full = identical_rows(key, [&](std::size_t i, std::size_t j) {
      return std::equal(x + i * d, x + (i + 1) * d, x + j * d);
    });
    for (std::size_t i = 0; i < n; ++i) key[i] = {stats[i].sum_r, stats[i].sq_r};
    twin_removed = identical_rows(key, [&](std::size_t i, std::size_t j) {
      const T* xi = x + i * d;
      const T* xj = x + j * d;
      const T* ci = mu.data() + row_of[i] * d;
      const T* cj = mu.data() + row_of[j] * d;
      for (std::size_t k = 0; k < d; ++k)
        if (T(xi[k] - ci[k]) != T(xj[k] - cj[k])) return false;
      return true;
    });
  }
  progress.check();

  // Both condensed outputs, rows in blocks over threads (each value written once).
  const double scale = opt.per_feature && eucl ? 1.0 / dd : 1.0;
  constexpr std::size_t kOutRows = 16;
  parallel_for((n + kOutRows - 1) / kOutRows, opt.threads, [&](std::size_t t, int) {
    const std::size_t i_end = std::min(n, (t + 1) * kOutRows);
    for (std::size_t i = t * kOutRows; i < i_end; ++i) {
      if (i + 1 >= n) break;
      const std::size_t a = row_of[i];
      const std::size_t base_index = condensed_index(i, i + 1, n);
      for (std::size_t j = i + 1; j < n; ++j) {
        const std::size_t bcls = row_of[j];
        const double gij = g[i * n + j];
        const double cc = corr ? sums[i] * sums[j] / dd : 0.0;
        auto product = [&](int ai, int aj) {
          return derived(gij, ai, aj, across[i * nc + bcls], across[j * nc + a], b[a * nc + bcls]) - cc;
        };
        // the tie rule (see distance) for output rows that are not the packed
        // rows plus one same vector
        auto tie_bound = [&](int ai, int aj) {
          const bool alike = offsets[i] == offsets[j] && ai == aj && (ai == 0 || a == bcls);
          return eucl && !alike ? kTieBound * (g[i * n + i] + g[j * n + j]) : -1.0;
        };
        const T* xi = x + i * d;
        const T* xj = x + j * d;
        const std::size_t o = base_index + (j - i - 1);
        const int fi = alpha_full[i], fj = alpha_full[j], ri = alpha_removed[i], rj = alpha_removed[j];
        out.full[o] = full.bad[i] || full.bad[j] ? nan
                      : eucl && twin_full[i] == twin_full[j]
                          ? 0.0
                          : distance(metric, scale, full, i, j, product(fi, fj), tie_bound(fi, fj),
                                     [&] { return exact_sq_distance<T>(xi, xj, nullptr, nullptr, d); });
        out.removed[o] =
            removed.bad[i] || removed.bad[j] ? nan
            : eucl && twin_removed[i] == twin_removed[j]
                ? 0.0
                : distance(metric, scale, removed, i, j, product(ri, rj), tie_bound(ri, rj), [&] {
                    return exact_sq_distance<T>(xi, xj, mu.data() + a * d, mu.data() + bcls * d, d);
                  });
      }
    }
  });

  // The centroid RDM, from B alone.
  RowFinish cent(nc);
  for (std::size_t c = 0; c < nc; ++c)
    finish_row(cent, c, metric, !class_finite[c],
               (corr && class_constant[c]) || (cosine && class_zero[c]), b[c * nc + c]);
  for (std::size_t c = 0; c < nc; ++c)
    for (std::size_t e = c + 1; e < nc; ++e)
      out.centroids[condensed_index(c, e, nc)] =
          cent.bad[c] || cent.bad[e]
              ? nan
              : distance(metric, scale, cent, c, e, b[c * nc + e], -1.0,  // float64 throughout: no tie rule
                         [] { return 0.0; });

  RdmSplitNan result;
  result.full = std::move(full.nan);
  result.removed = std::move(removed.nan);
  result.centroids = std::move(cent.nan);
  return result;
}

}  // namespace

std::vector<std::int32_t> present_classes(const std::int32_t* labels, std::size_t n) {
  std::vector<std::int32_t> c(labels, labels + n);
  std::sort(c.begin(), c.end());
  c.erase(std::unique(c.begin(), c.end()), c.end());
  return c;
}

RdmSplitNan compute_rdm_split(const float* x, std::size_t n, std::size_t d, const std::int32_t* labels,
                              const RdmOptions& opt, const RdmSplitOutput& out, const Progress& progress) {
  return split_impl(x, n, d, labels, opt, out, progress);
}
RdmSplitNan compute_rdm_split(const double* x, std::size_t n, std::size_t d, const std::int32_t* labels,
                              const RdmOptions& opt, const RdmSplitOutput& out, const Progress& progress) {
  return split_impl(x, n, d, labels, opt, out, progress);
}

}  // namespace seedscope
