// mdsTopEigen(condensed: Float64Array, n, {k, maxSteps, threads}) →
//   Promise<{values: Float64Array (k), vectors: Float64Array (k × n), steps}>:
// the top eigenpairs of classical MDS's double-centred matrix (native/core/mds.h).
#include <napi.h>

#include <string>
#include <vector>

#include "args.h"
#include "mds.h"
#include "promise_worker.h"
#include "registry.h"

namespace seedscope_binding {

namespace {

class MdsWorker final : public PromiseWorker {
 public:
  MdsWorker(Napi::Env env, const double* condensed, std::size_t n, const seedscope::MdsEigenOptions& opt)
      : PromiseWorker(env, "seedscope.mdsTopEigen"), condensed_(condensed), n_(n), opt_(opt),
        values_(static_cast<std::size_t>(opt.k)), vectors_(static_cast<std::size_t>(opt.k) * n) {}

 protected:
  void Run(const seedscope::Progress& progress) override {
    steps_ = seedscope::mds_top_eigen(condensed_, n_, opt_, values_.data(), vectors_.data(), progress);
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    auto values = Napi::Float64Array::New(env, values_.size());
    std::copy(values_.begin(), values_.end(), values.Data());
    auto vectors = Napi::Float64Array::New(env, vectors_.size());
    std::copy(vectors_.begin(), vectors_.end(), vectors.Data());
    o.Set("values", values);
    o.Set("vectors", vectors);
    o.Set("steps", Napi::Number::New(env, steps_));
    return o;
  }

 private:
  const double* condensed_;
  std::size_t n_;
  seedscope::MdsEigenOptions opt_;
  std::vector<double> values_, vectors_;
  int steps_ = 0;
};

Napi::Value MdsTopEigen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::size_t n = static_cast<std::size_t>(GetInteger(info[1], "n", 1, 1LL << 31));
  FloatArrayArg c = GetFloat64Array(info[0], "condensed");
  const std::size_t len = n * (n - 1) / 2;
  if (c.length != len)
    ThrowRange(env, "Expected n(n-1)/2 = " + std::to_string(len) + " entries for condensed but received " +
                        std::to_string(c.length));
  Napi::Object o = GetOptions(info[2], "options");
  seedscope::MdsEigenOptions opt;
  opt.k = static_cast<int>(GetOptionalInteger(o.Get("k"), "options.k", 1, static_cast<std::int64_t>(n), 2 <= n ? 2 : 1));
  opt.max_steps = static_cast<int>(GetOptionalInteger(o.Get("maxSteps"), "options.maxSteps", 1, 1 << 20, 64));
  opt.threads = GetThreads(o.Get("threads"));
  auto* w = new MdsWorker(env, c.f64(), n, opt);
  w->Keep(c.array);
  return w->Start();
}

}  // namespace

SEEDSCOPE_EXPORT("mdsTopEigen", MdsTopEigen);

}  // namespace seedscope_binding
