// pearsonWithinBetween(vectors: Float64Array[], length, within: Uint32Array, {threads}) →
//   Promise<{full, within, between} (K × K Float64Arrays) | null>: Pearson r of every pair
//   over all entries, the within subset and the rest (native/core/pearson_split.h); null
//   when an entry is NaN.
#include <napi.h>

#include <string>
#include <vector>

#include "args.h"
#include "pearson_split.h"
#include "promise_worker.h"
#include "registry.h"

namespace seedscope_binding {

namespace {

class PearsonSplitWorker final : public PromiseWorker {
 public:
  PearsonSplitWorker(Napi::Env env, std::vector<const double*> vectors, std::size_t n, std::vector<std::uint32_t> within,
                     int threads)
      : PromiseWorker(env, "seedscope.pearsonWithinBetween"), vectors_(std::move(vectors)), n_(n), within_(std::move(within)),
        threads_(threads) {
    const std::size_t k = vectors_.size();
    full_.resize(k * k);
    win_.resize(k * k);
    btw_.resize(k * k);
  }

 protected:
  void Run(const seedscope::Progress& progress) override {
    ok_ = seedscope::pearson_within_between(vectors_.data(), vectors_.size(), n_, within_.data(), within_.size(), full_.data(),
                                            win_.data(), btw_.data(), threads_, progress);
  }
  Napi::Value Result(Napi::Env env) override {
    if (!ok_) return env.Null();
    auto array = [&](const std::vector<double>& v) {
      auto a = Napi::Float64Array::New(env, v.size());
      std::copy(v.begin(), v.end(), a.Data());
      return a;
    };
    Napi::Object o = Napi::Object::New(env);
    o.Set("full", array(full_));
    o.Set("within", array(win_));
    o.Set("between", array(btw_));
    return o;
  }

 private:
  std::vector<const double*> vectors_;
  std::size_t n_;
  // copied: the positions index the kernel's writes, so a caller reusing its array must not reach them
  std::vector<std::uint32_t> within_;
  int threads_;
  bool ok_ = false;
  std::vector<double> full_, win_, btw_;
};

Napi::Value PearsonWithinBetween(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::size_t n = static_cast<std::size_t>(GetInteger(info[1], "length", 1, (std::int64_t{1} << 53) - 1));
  if (!info[0].IsArray()) ThrowType(env, "an Array of Float64Array", "vectors", info[0]);
  Napi::Array arr = info[0].As<Napi::Array>();
  if (arr.Length() == 0) ThrowRange(env, "Expected at least one Float64Array for vectors but received an empty Array");
  std::vector<const double*> vectors;
  std::vector<Napi::Value> keep;
  for (std::uint32_t i = 0; i < arr.Length(); ++i) {
    const std::string name = "vectors[" + std::to_string(i) + "]";
    FloatArrayArg a = GetFloat64Array(arr.Get(i), name.c_str());
    if (a.length != n)
      ThrowRange(env, "Expected " + std::to_string(n) + " elements (length) for " + name + " but received " +
                          std::to_string(a.length));
    vectors.push_back(a.f64());
    keep.push_back(a.array);
  }
  if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array)
    ThrowType(env, "a Uint32Array", "within", info[2]);
  Napi::Uint32Array within = info[2].As<Napi::Uint32Array>();
  const std::size_t mw = within.ElementLength();
  for (std::size_t t = 0; t < mw; ++t) {
    if (within[t] >= n || (t > 0 && within[t] <= within[t - 1]))
      ThrowRange(env, "Expected ascending positions below " + std::to_string(n) + " for within but received " +
                          std::to_string(within[t]) + " at " + std::to_string(t));
  }
  Napi::Object options = GetOptions(info[3], "options");
  const int threads = GetThreads(options.Get("threads"));
  auto* w = new PearsonSplitWorker(env, std::move(vectors), n, std::vector<std::uint32_t>(within.Data(), within.Data() + mw),
                                   threads);
  for (const auto& k : keep) w->Keep(k);
  return w->Start();
}

}  // namespace

SEEDSCOPE_EXPORT("pearsonWithinBetween", PearsonWithinBetween);

}  // namespace seedscope_binding
