// The dot engine of mantel_test (see mantel_engines.h): NaN-free input and a
// dot method. Each RDM is prepared once (ranks, centring, norms), its row
// effects are split off, and a permutation costs a gather of the permuted
// residual rows and dot products with the fixed ones, several permutations
// per pass so the permuted rows stay in cache. With a threshold, most
// permutations are settled first, from the norms alone or by the byte screen
// (mantel_screen.h), and only the rest are gathered, stopped early as well.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "gather_dot.h"
#include "gather_dot_rows.h"
#include "mantel_engines.h"
#include "mantel_screen.h"
#include "row_effects.h"
#include "thread_pool.h"

namespace seedscope {

namespace {
// Square storage of the permuted RDMs: float above this N (half the memory
// traffic of the gather; products are still exact in float64), double below.
constexpr std::size_t kFloatSquareFromN = 64;

// Early stop (stop_below > −∞). After each row, a permutation's sum so far S
// and the squared norms still to come of both sides (totals minus what was
// processed) bound the final statistic: by Cauchy–Schwarz the rest of the sum
// is at most ‖a_rest‖·‖b_rest‖. A permutation whose bounds of every pair are
// below stop_below cannot count and cannot raise a null maximum that matters,
// so its remaining rows are skipped. The bound carries margins far above the
// float64 rounding of these sums.
constexpr double kNormSlack = 1e-9;   // added to each remaining squared norm
constexpr double kBoundSlack = 1e-7;  // added to each bound
constexpr std::size_t kCheckEvery = 4;  // rows between checks
// One pair: the kernel reads up to this many index entries past a row's end.
constexpr std::size_t kPad = 16;
constexpr double kNever = -std::numeric_limits<double>::infinity();  // stop_below that never stops
// The byte screen (mantel_screen.h) from this N (below, the exact kernels are
// cheap anyway), for permutations whose bound must drop by at least this
// fraction (less: the exact kernels settle them within a few rows).
constexpr std::size_t kScreenFromN = 128;
constexpr double kScreenFromDrop = 0.1;

template <typename T>
class DotEngine final : public MantelEngine {
 public:
  DotEngine(const std::vector<const double*>& rdms, std::size_t n, const std::vector<MantelPair>& pairs,
            PairMethod method, int threads)
      : n_(n), m_(n * (n - 1) / 2), k_(rdms.size()), stride_(pairs.size() == 1 ? n + 1 : n), pairs_(pairs),
        method_(method) {
    z_.resize(k_);
    effects_.resize(k_);
    row_sum_res_.resize(k_);
    zt_.resize(k_);
    fixed_rows_.resize(k_);
    zf_.resize(k_);
    sq_.resize(k_);
    row_sq_.resize(k_);
    total_sq_.assign(k_, 0.0);
    std::vector<bool> permuted(k_, false), fixed(k_, false);
    for (const auto& p : pairs_) {
      permuted[p.b] = true;
      fixed[p.a] = true;
    }
    const bool one = pairs_.size() == 1;
    // Each RDM is prepared on its own (any thread, same result).
    std::vector<char> constant(k_, 0);
    std::vector<double> perm_sq(k_, 0.0);
    parallel_for(k_, threads, [&](std::size_t r, int) {
      if (!permuted[r] && !fixed[r]) return;
      z_[r].resize(m_);
      if (!prepare_vector(method_, rdms[r], m_, z_[r].data())) {
        constant[r] = 1;
        return;
      }
      // Row effects split off (row_effects.h): only the residual is gathered.
      std::vector<double> res = split_row_effects(z_[r], n_, effects_[r]);
      if (fixed[r] && one) zt_[r].assign(res.begin(), res.end());
      if (fixed[r] && !one) zf_[r].assign(res.begin(), res.end());
      // full row sums of the stored residual; squared norms of its rows, for the early-stop bound
      if (fixed[r] && one) row_sums_and_squares(zt_[r], n_, row_sum_res_[r], row_sq_[r]);
      if (fixed[r] && !one) row_sums_and_squares(zf_[r], n_, row_sum_res_[r], row_sq_[r]);
      if (fixed[r] && one) {
        fixed_rows_[r].fill(zt_[r], n_);
        std::vector<T>().swap(zt_[r]);
      }
      if (!permuted[r]) return;
      sq_[r].assign(n_ * stride_, T(0));
      std::size_t idx = 0;
      double q = 0;
      for (std::size_t i = 0; i < n_; ++i)
        for (std::size_t j = i + 1; j < n_; ++j, ++idx) {
          T v = static_cast<T>(res[idx]);
          sq_[r][i * stride_ + j] = sq_[r][j * stride_ + i] = v;
          q += static_cast<double>(v) * static_cast<double>(v);
        }
      perm_sq[r] = q;
    });
    for (std::size_t r = 0; r < k_; ++r) {
      if (constant[r])
        throw std::invalid_argument("RDM " + std::to_string(r) +
                                    " is constant: its correlation with any RDM is undefined");
      if (permuted[r]) total_sq_perm_.push_back(perm_sq[r]);
    }
    for (std::size_t r = 0; r < k_; ++r) {
      double q = 0;
      for (double v : row_sq_[r]) q += v;
      total_sq_[r] = q;
    }
    // The fixed and the permuted RDMs (ascending), and where each pair's
    // statistic lands in their product.
    for (std::size_t r = 0; r < k_; ++r) {
      if (fixed[r]) a_ids_.push_back(r);
      if (permuted[r]) b_ids_.push_back(r);
    }
    for (const auto& p : pairs_) {
      std::size_t ai = static_cast<std::size_t>(std::find(a_ids_.begin(), a_ids_.end(), p.a) - a_ids_.begin());
      std::size_t bi = static_cast<std::size_t>(std::find(b_ids_.begin(), b_ids_.end(), p.b) - b_ids_.begin());
      pair_slot_.push_back(ai * b_ids_.size() + bi);
      pair_a_.push_back(ai);
      pair_b_.push_back(bi);
    }
    threads_ = threads;
  }

  // Permutations share each row of the permuted RDMs while it is in L1.
  std::size_t block_size() const override { return 32; }

  bool can_stop_early() const override { return true; }

  std::uint64_t screened() const override { return screened_.load(); }

  // Builds the screen now (on every thread) when a typical null permutation,
  // whose row-effect part is about 0, will need it; otherwise it is built
  // the first time it is needed, if ever.
  void prepare(double stop_below) override {
    if (!(stop_below > kNever)) return;
    const std::vector<double> typical(pairs_.size(), 0.0);
    if (drop_needed(typical.data(), stop_below) >= kScreenFromDrop) std::call_once(screen_once_, [this] { build_screen(); });
  }

  // Rows of the permuted RDM are visited in storage order r = 0..n−1 (a stream
  // the prefetcher follows, each row reused by every permutation of the block);
  // row r of the permuted RDM meets row i = π⁻¹(r) of the fixed one:
  //   Σ_{j>i} a(i, j) · b(r, π(j)).
  void evaluate(const std::int32_t* const* perms, std::size_t q, double* out, const Progress& progress,
                double stop_below) const override {
    const std::size_t np = pairs_.size(), na = a_ids_.size(), nb = b_ids_.size();
    const bool may_stop = stop_below > kNever;
    std::vector<std::int32_t> inverse(q * n_);
    for (std::size_t p = 0; p < q; ++p)
      for (std::size_t i = 0; i < n_; ++i) inverse[p * n_ + static_cast<std::size_t>(perms[p][i])] = static_cast<std::int32_t>(i);
    row_effect_terms(perms, q, out);
    if (np == 1) {
      evaluate_one(perms, q, inverse, out, progress, may_stop ? stop_below : kNever);
      return;
    }
    // squared norms processed so far, per permutation and fixed / permuted RDM
    std::vector<double> a_done(may_stop ? q * na : 0, 0.0), b_done(may_stop ? q * nb : 0, 0.0);
    std::vector<bool> stopped(q, false);
    std::vector<std::size_t> active = first_active(perms, q, out, may_stop ? stop_below : kNever, stopped);
    std::vector<double> gathered(nb * n_);
    std::vector<const float*> aptr(na);
    std::vector<double> rect(na * nb);
    for (std::size_t r = 0; r < n_ && !active.empty(); ++r) {
      if ((r & 15) == 0) progress.check();
      const std::size_t row = r * stride_;
      for (std::size_t ai = 0; ai < active.size(); ++ai) {
        const std::size_t p = active[ai];
        const std::size_t i = static_cast<std::size_t>(inverse[p * n_ + r]);
        if (i + 1 >= n_) continue;
        const std::size_t len = n_ - 1 - i;
        const std::size_t off = condensed_row_offset(n_, i);
        const std::int32_t* idx = perms[p] + i + 1;
        double* acc = out + p * np;
        // All pairs: gather each permuted row once (as float64), then one small
        // matrix product of the fixed rows against the gathered ones.
        for (std::size_t g = 0; g < nb; ++g) {
          double gg = gather_into(sq_[b_ids_[g]].data() + row, idx, len, gathered.data() + g * n_);
          if (may_stop) b_done[p * nb + g] += gg;
        }
        for (std::size_t x = 0; x < na; ++x) {
          aptr[x] = zf_[a_ids_[x]].data() + off;
          if (may_stop) a_done[p * na + x] += row_sq_[a_ids_[x]][i];
        }
        // The fixed rows of the next step start at a random place: fetch them now.
        {
          const bool same_row = ai + 1 < active.size();
          if (same_row || r + 1 < n_) {
            const std::size_t pn = same_row ? active[ai + 1] : active[0];
            const std::size_t r2 = same_row ? r : r + 1;
            const std::size_t i2 = static_cast<std::size_t>(inverse[pn * n_ + r2]);
            if (i2 + 1 < n_) {
              const std::size_t off2 = condensed_row_offset(n_, i2), len2 = n_ - 1 - i2;
              for (std::size_t x = 0; x < na; ++x) {
                const char* base = reinterpret_cast<const char*>(zf_[a_ids_[x]].data() + off2);
                for (std::size_t c = 0; c < len2 * sizeof(float); c += 64) __builtin_prefetch(base + c, 0, 1);
              }
            }
          }
        }
        strip_dots(aptr.data(), a_ids_.data(), na, gathered.data(), n_, b_ids_.data(), nb, len, rect.data());
        for (std::size_t s = 0; s < np; ++s) acc[s] += rect[pair_slot_[s]];
      }
      if (may_stop && (r % kCheckEvery == kCheckEvery - 1)) {
        std::size_t kept = 0;
        for (std::size_t ai = 0; ai < active.size(); ++ai) {
          const std::size_t p = active[ai];
          if (below(p, out + p * np, a_done.data() + p * na, b_done.data() + p * nb, stop_below)) stopped[p] = true;
          else active[kept++] = p;
        }
        active.resize(kept);
      }
    }
    for (std::size_t p = 0; p < q; ++p)
      if (!stopped[p])
        for (std::size_t s = 0; s < np; ++s) out[p * np + s] = finish(method_, out[p * np + s]);
  }

  // One pair, kCheckEvery rows of the permuted RDM at a time (they stay in L1):
  // one kernel call takes every active permutation through them, its sums in
  // registers from one row to the next; then the early-stop check. Each
  // permutation keeps its sums in lanes, reduced only there and at the end.
  void evaluate_one(const std::int32_t* const* perms, std::size_t q, const std::vector<std::int32_t>& inverse,
                    double* out, const Progress& progress, double stop_below) const {
    const std::size_t a = pairs_[0].a, b = pairs_[0].b;
    const bool may_stop = stop_below > kNever;
    // the permutations, each followed by kPad copies of n (the zero column)
    const std::size_t width = n_ + kPad;
    std::vector<std::int32_t> padded(q * width, static_cast<std::int32_t>(n_));
    for (std::size_t p = 0; p < q; ++p) std::copy(perms[p], perms[p] + n_, padded.data() + p * width);
    std::vector<double> lanes(q * kRowLanes, 0.0);
    std::vector<double> a_done(q, 0.0);
    std::vector<bool> stopped(q, false);
    std::vector<std::size_t> active = first_active(perms, q, out, may_stop ? stop_below : kNever, stopped);
    std::vector<GatherDotItem<T>> items(q * kCheckEvery);
    for (std::size_t r0 = 0; r0 < n_ && !active.empty(); r0 += kCheckEvery) {
      if (r0 % 16 == 0) progress.check();
      const std::size_t r1 = std::min(n_, r0 + kCheckEvery);
      std::size_t count = 0;
      for (const std::size_t p : active) {
        for (std::size_t r = r0; r < r1; ++r) {
          const std::size_t i = static_cast<std::size_t>(inverse[p * n_ + r]);
          if (i + 1 >= n_) continue;
          items[count++] = {sq_[b].data() + r * stride_, fixed_rows_[a].row(i), padded.data() + p * width + i + 1,
                            n_ - 1 - i, lanes.data() + p * kRowLanes};
          if (may_stop) a_done[p] += row_sq_[a][i];
        }
      }
      gather_dot_rows(items.data(), count, may_stop);
      if (may_stop && r1 == r0 + kCheckEvery) {
        std::size_t kept = 0;
        for (const std::size_t p : active) {
          double sum = out[p] + lane_sum(lanes.data() + p * kRowLanes);
          const double b_done = lane_sum(lanes.data() + p * kRowLanes + kDotLanes);
          if (below(p, &sum, &a_done[p], &b_done, stop_below)) {
            stopped[p] = true;
            out[p] = sum;
          } else {
            active[kept++] = p;
          }
        }
        active.resize(kept);
      }
    }
    for (std::size_t p = 0; p < q; ++p)
      if (!stopped[p]) out[p] = finish(method_, out[p] + lane_sum(lanes.data() + p * kRowLanes));
  }

  // The permutations left for the exact kernels: all, or those the screen
  // (mantel_screen.h) could not settle below stop_below.
  std::vector<std::size_t> first_active(const std::int32_t* const* perms, std::size_t q, double* out,
                                        double stop_below, std::vector<bool>& stopped) const {
    std::vector<std::size_t> active;
    if (!(stop_below > kNever)) {
      active.resize(q);
      std::iota(active.begin(), active.end(), std::size_t{0});
      return active;
    }
    // With nothing gathered yet, the row effects and the residual norms alone
    // often settle a permutation (real RDMs, whose row effects dominate).
    // Where they almost do, the exact kernels settle it within a few rows,
    // cheaper than a block of the screen: only the others are screened.
    const std::vector<double> none(std::max(a_ids_.size(), b_ids_.size()), 0.0);
    std::vector<std::size_t> open;
    for (std::size_t p = 0; p < q; ++p) {
      if (below(p, out + p * pairs_.size(), none.data(), none.data(), stop_below)) stopped[p] = true;
      else if (drop_needed(out + p * pairs_.size(), stop_below) < kScreenFromDrop) active.push_back(p);
      else open.push_back(p);
    }
    // The screen is built the first time it is needed.
    if (!open.empty()) std::call_once(screen_once_, [this] { build_screen(); });
    if (!screen_) {
      active.insert(active.end(), open.begin(), open.end());
      std::sort(active.begin(), active.end());
      return active;
    }
    screened_ += screen_->settle(perms, open, out, stop_below, kBoundSlack, method_ == PairMethod::R2, stopped, active);
    std::sort(active.begin(), active.end());
    return active;
  }

  // How far, as a fraction of the Cauchy–Schwarz reach of the whole residual,
  // the bound of the pair that needs it most must fall before the
  // permutation is settled (the exact kernels get there after about that
  // fraction of the entries).
  double drop_needed(const double* sums, double stop_below) const {
    const bool squared = method_ == PairMethod::R2;
    const double limit = squared ? std::sqrt(std::max(0.0, stop_below)) : stop_below;
    double drop = 0;
    for (std::size_t s = 0; s < pairs_.size(); ++s) {
      const double reach = std::sqrt(total_sq_[a_ids_[pair_a_[s]]] * total_sq_perm_[pair_b_[s]]);
      if (!(reach > 0)) continue;
      const double start = (squared ? std::fabs(sums[s]) : sums[s]) + reach;
      drop = std::max(drop, (start - limit) / reach);
    }
    return drop;
  }

  // The screen, where it runs: float storage from kScreenFromN, its kernels
  // (AVX2 and up), within its memory budget, and no RDM whose residual is all zero.
  void build_screen() const {
    if constexpr (std::is_same_v<T, float>) {
      if (n_ < kScreenFromN || !MantelScreen::available()) return;
      std::vector<std::function<const float*(std::size_t)>> fixed;
      for (const std::size_t r : a_ids_) {
        if (pairs_.size() == 1) fixed.emplace_back([this, r](std::size_t i) { return fixed_rows_[r].row(i); });
        else fixed.emplace_back([this, r](std::size_t i) { return zf_[r].data() + condensed_row_offset(n_, i); });
      }
      std::vector<const float*> permuted;
      for (const std::size_t r : b_ids_) permuted.push_back(sq_[r].data());
      std::vector<std::pair<std::size_t, std::size_t>> pairs;
      for (std::size_t s = 0; s < pairs_.size(); ++s) pairs.emplace_back(pair_a_[s], pair_b_[s]);
      screen_ = make_mantel_screen(fixed, permuted, stride_, n_, pairs, threads_);
    }
  }

  std::vector<double> reported(const std::vector<double>&) const override {
    std::vector<double> r(pairs_.size());
    for (std::size_t s = 0; s < pairs_.size(); ++s)
      r[s] = finish(method_, dot_mixed(z_[pairs_[s].a].data(), z_[pairs_[s].b].data(), m_));
    return r;
  }

 private:
  std::size_t n_, m_, k_;
  std::size_t stride_;  // of the square rows; one pair: n + 1, column n is 0 (the kernel's padding)
  std::vector<MantelPair> pairs_;
  PairMethod method_;
  std::vector<std::vector<double>> z_;  // prepared, float64 (for the reported statistic)
  std::vector<std::vector<T>> zt_;      // residual, storage type, for the fixed side (one pair; while preparing)
  std::vector<AlignedRows<T>> fixed_rows_;  // the same, as the kernel reads it
  std::vector<std::vector<float>> zf_;  // residual, float, for the fixed side (all pairs)
  std::vector<std::vector<T>> sq_;      // residual, square, for the permuted side
  std::vector<RowEffects> effects_;               // of each prepared RDM
  std::vector<std::vector<double>> row_sum_res_;  // fixed side: full row sums of the stored residual
  std::vector<std::vector<double>> row_sq_;  // fixed side: squared norm of each stored row
  std::vector<double> total_sq_;             // fixed side: squared norm of the stored RDM
  std::vector<double> total_sq_perm_;        // permuted side (in b_ids_ order): squared norm
  std::vector<std::size_t> a_ids_, b_ids_, pair_slot_, pair_a_, pair_b_;
  int threads_ = 0;  // for preparing
  mutable std::once_flag screen_once_;
  mutable std::unique_ptr<MantelScreen> screen_;  // see build_screen()
  mutable std::atomic<std::uint64_t> screened_{0};

  // out[p·pairs + s] = the row-effect part of pair s under permutation p:
  //   Σ_{i<j} (u_a(i) + u_a(j)) · z_b(π i, π j) = Σ_i u_a(i) · rowsum z_b(π i)
  //   Σ_{i<j} e_a(i, j) · (u_b(π i) + u_b(π j)) = Σ_i u_b(π i) · rowsum e_a(i)
  void row_effect_terms(const std::int32_t* const* perms, std::size_t q, double* out) const {
    const std::size_t np = pairs_.size(), nb = b_ids_.size();
    std::vector<double> moved(2 * nb * n_);  // per permuted RDM: rowsum z_b(π i), u_b(π i)
    for (std::size_t p = 0; p < q; ++p) {
      for (std::size_t g = 0; g < nb; ++g) {
        const std::vector<double>& rs = effects_[b_ids_[g]].row_sum;
        const std::vector<double>& u = effects_[b_ids_[g]].u;
        double* m0 = moved.data() + 2 * g * n_;
        for (std::size_t i = 0; i < n_; ++i) {
          const std::size_t pi = static_cast<std::size_t>(perms[p][i]);
          m0[i] = rs[pi];
          m0[n_ + i] = u[pi];
        }
      }
      for (std::size_t s = 0; s < np; ++s) {
        const std::size_t a = pairs_[s].a;
        const double* m0 = moved.data() + 2 * pair_b_[s] * n_;
        out[p * np + s] = dot_mixed(effects_[a].u.data(), m0, n_) + dot_mixed(row_sum_res_[a].data(), m0 + n_, n_);
      }
    }
  }

  // True when every pair's statistic under this permutation is proved below
  // `stop`; then sums[s] is replaced by its upper bound. The sum S so far and
  // the reach R of the rest (Cauchy–Schwarz) bound r in [S − R, S + R]; for
  // r2 the statistic r² is then at most (|S| + R)².
  bool below(std::size_t, double* sums, const double* a_done, const double* b_done, double stop) const {
    const std::size_t np = pairs_.size();
    const bool squared = method_ == PairMethod::R2;
    if (squared && !(stop > 0)) return false;
    const double limit = squared ? std::sqrt(stop) : stop;
    const auto bound = [&](std::size_t s) {
      const std::size_t x = pair_a_[s], g = pair_b_[s];
      double ra = std::max(0.0, total_sq_[a_ids_[x]] - a_done[x]) + kNormSlack;
      double rb = std::max(0.0, total_sq_perm_[g] - b_done[g]) + kNormSlack;
      return (squared ? std::fabs(sums[s]) : sums[s]) + std::sqrt(ra * rb) + kBoundSlack;
    };
    for (std::size_t s = 0; s < np; ++s)
      if (!(bound(s) < limit)) return false;
    for (std::size_t s = 0; s < np; ++s) {
      const double v = bound(s);
      sums[s] = squared ? v * v : v;
    }
    return true;
  }

  static double gather_into(const float* row, const std::int32_t* idx, std::size_t len, double* out) {
    return gather_row_to_double(row, idx, len, out);
  }
  static double gather_into(const double* row, const std::int32_t* idx, std::size_t len, double* out) {
    return gather_row_to_double(row, idx, len, out);
  }
};

}  // namespace

std::unique_ptr<MantelEngine> make_dot_engine(const std::vector<const double*>& rdms, std::size_t n,
                                              const std::vector<MantelPair>& pairs, PairMethod method, int threads) {
  if (n >= kFloatSquareFromN) return std::make_unique<DotEngine<float>>(rdms, n, pairs, method, threads);
  return std::make_unique<DotEngine<double>>(rdms, n, pairs, method, threads);
}

}  // namespace seedscope
