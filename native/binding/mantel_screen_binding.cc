// mantelScreenCheck(a, b, n, perms, stop): the one-pair Mantel screen
// (native/core/mantel_screen.h) on its own, for tests: a and b are condensed
// Float32Arrays (the fixed and the permuted residual, as the dot engine stores
// them), perms P permutations of 0 … n−1 back to back, stop a number or
// −Infinity. Resolves {available, bounds}: bounds[p] is what the screen
// returns for permutation p (empty when the CPU or SEEDSCOPE_ISA rules the
// screen out).
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "args.h"
#include "mantel_screen.h"
#include "pair_statistic.h"
#include "promise_worker.h"
#include "registry.h"
#include "stats_args.h"

namespace seedscope_binding {

namespace {

class ScreenCheckWorker : public PromiseWorker {
 public:
  ScreenCheckWorker(Napi::Env env, const float* a, const float* b, std::size_t n, std::vector<std::int32_t> perms,
                    double stop)
      : PromiseWorker(env, "seedscope.mantelScreenCheck"), a_(a), b_(b), n_(n), perms_(std::move(perms)), stop_(stop) {}

 protected:
  void Run(const seedscope::Progress&) override {
    available_ = seedscope::MantelScreen::available();
    if (!available_) return;
    // the permuted side as the one-pair engine stores it: square rows, one zero column
    const std::size_t stride = n_ + 1;
    std::vector<float> square(n_ * stride, 0.f);
    for (std::size_t i = 0, t = 0; i < n_; ++i)
      for (std::size_t j = i + 1; j < n_; ++j, ++t) square[i * stride + j] = square[j * stride + i] = b_[t];
    const float* a = a_;
    const std::size_t n = n_;
    std::vector<seedscope::ScreenFixedSide> fixed;
    fixed.emplace_back([a, n](std::size_t i) { return a + seedscope::condensed_row_offset(n, i); }, n_);
    std::vector<seedscope::ScreenPermutedSide> permuted;
    permuted.emplace_back(square.data(), stride, n_);
    if (!fixed[0].usable || !permuted[0].usable) return;
    const seedscope::MantelScreen screen(std::move(fixed), std::move(permuted), {{0, 0}}, n_);
    seedscope::MantelScreen::Scratch scratch;
    double bound = 0;
    const double offset = 0;
    for (std::size_t p = 0; p * n_ < perms_.size(); ++p) {
      screen.prove_below(perms_.data() + p * n_, &offset, stop_, false, &bound, scratch);
      bounds_.push_back(bound);
    }
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("available", available_);
    o.Set("bounds", ToFloat64Array(env, bounds_));
    return o;
  }

 private:
  const float* a_;
  const float* b_;
  std::size_t n_;
  std::vector<std::int32_t> perms_;
  double stop_;
  bool available_ = false;
  std::vector<double> bounds_;
};

Napi::Value MantelScreenCheck(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto n = static_cast<std::size_t>(GetInteger(info[2], "n", 2, 1 << 15));
  const std::size_t m = n * (n - 1) / 2;
  FloatArrayArg a = GetFloatArrayOfLength(info[0], "a", m);
  FloatArrayArg b = GetFloatArrayOfLength(info[1], "b", m);
  if (a.dtype != Dtype::F32 || b.dtype != Dtype::F32) ThrowType(env, "Float32Arrays", "a, b", info[0]);
  Napi::TypedArray perms = GetIntArray(info[3], "perms");
  if (perms.ElementLength() % n != 0) ThrowRange(env, "perms: expected a multiple of n entries");
  const auto* raw = reinterpret_cast<const std::int32_t*>(static_cast<const std::uint8_t*>(perms.ArrayBuffer().Data()) +
                                                          perms.ByteOffset());
  std::vector<std::int32_t> copy(raw, raw + perms.ElementLength());
  for (std::size_t p = 0; p * n < copy.size(); ++p) {
    std::vector<bool> seen(n, false);
    for (std::size_t i = 0; i < n; ++i) {
      const std::int32_t v = copy[p * n + i];
      if (v < 0 || static_cast<std::size_t>(v) >= n || seen[static_cast<std::size_t>(v)])
        ThrowRange(env, "perms: permutation " + std::to_string(p) + " is not a permutation of 0 … n−1");
      seen[static_cast<std::size_t>(v)] = true;
    }
  }
  if (!info[4].IsNumber()) ThrowType(env, "a number or -Infinity", "stop", info[4]);
  const double stop = info[4].As<Napi::Number>().DoubleValue();
  if (std::isnan(stop) || stop == std::numeric_limits<double>::infinity())
    ThrowType(env, "a number or -Infinity", "stop", info[4]);
  auto* worker = new ScreenCheckWorker(env, a.f32(), b.f32(), n, std::move(copy), stop);
  worker->Keep(a.array);
  worker->Keep(b.array);
  return worker->Start();
}

}  // namespace

SEEDSCOPE_EXPORT("mantelScreenCheck", MantelScreenCheck);

}  // namespace seedscope_binding
