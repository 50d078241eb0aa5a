// compareRdms / compareTwo / linearCka: argument checks on the main thread,
// the work in native/core (compare.h, cka.h) on a worker thread.
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "args.h"
#include "cka.h"
#include "compare.h"
#include "promise_worker.h"
#include "registry.h"

namespace seedscope_binding {

namespace {

constexpr std::int64_t kMaxLength = (std::int64_t{1} << 53) - 1;

const std::vector<std::string>& MethodNames() {
  static const std::vector<std::string> names = {"pearson", "r2",    "spearman",
                                                 "rho-a",   "tau-a", "cosine"};
  return names;
}

seedscope::CompareMethod GetMethod(const Napi::Object& options) {
  std::string name = GetEnum(options.Get("method"), "options.method", MethodNames());
  seedscope::CompareMethod m;
  seedscope::parse_compare_method(name, &m);
  return m;
}

// A bad onProgress must not leak the worker that was never queued.
Napi::Value StartWithProgress(PromiseWorker* w, const Napi::Object& options) {
  try {
    w->SetProgressCallback(options.Get("onProgress"));
  } catch (...) {
    delete w;
    throw;
  }
  return w->Start();
}

class CompareWorker : public PromiseWorker {
 public:
  // scalar: resolve with out[0][1] (compareTwo) instead of the K×K matrix.
  CompareWorker(Napi::Env env, std::vector<const double*> vectors, std::size_t n,
                seedscope::CompareMethod method, int threads, bool scalar)
      : PromiseWorker(env, "seedscope.compare"),
        vectors_(std::move(vectors)),
        n_(n),
        method_(method),
        threads_(threads),
        scalar_(scalar) {
    const std::size_t k = vectors_.size();
    if (!scalar_) {
      // A handle dies with this call's scope; the reference keeps the array
      // (and the memory the worker writes) alive until Result returns it.
      Napi::Float64Array out = Napi::Float64Array::New(env, k * k);
      out_ = Napi::Persistent(out);
      dst_ = out.Data();
    } else {
      scratch_.resize(k * k);
      dst_ = scratch_.data();
    }
  }

 protected:
  void Run(const seedscope::Progress& progress) override {
    seedscope::compare_matrix(vectors_.data(), vectors_.size(), n_, method_, dst_, threads_,
                              progress);
  }
  Napi::Value Result(Napi::Env env) override {
    if (scalar_) return Napi::Number::New(env, scratch_[1]);
    return out_.Value();
  }

 private:
  std::vector<const double*> vectors_;
  std::size_t n_;
  seedscope::CompareMethod method_;
  int threads_;
  bool scalar_;
  Napi::Reference<Napi::Float64Array> out_;
  std::vector<double> scratch_;
  double* dst_ = nullptr;
};

// compareRdms(vectors: Float64Array[] | Float64Array (K×length packed), length, options)
Napi::Value CompareRdms(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::size_t n = static_cast<std::size_t>(GetInteger(info[1], "length", 1, kMaxLength));
  Napi::Object options = GetOptions(info[2], "options");
  const seedscope::CompareMethod method = GetMethod(options);
  const int threads = GetThreads(options.Get("threads"));
  std::vector<const double*> vectors;
  std::vector<Napi::Value> keep;
  Napi::Value v = info[0];
  if (v.IsArray()) {
    Napi::Array arr = v.As<Napi::Array>();
    if (arr.Length() == 0)
      ThrowRange(env, "Expected at least one Float64Array for vectors but received an empty Array");
    for (std::uint32_t i = 0; i < arr.Length(); ++i) {
      const std::string name = "vectors[" + std::to_string(i) + "]";
      FloatArrayArg a = GetFloat64Array(arr.Get(i), name.c_str());
      if (a.length != n)
        ThrowRange(env, "Expected " + std::to_string(n) + " elements (length) for " + name +
                            " but received " + std::to_string(a.length));
      vectors.push_back(a.f64());
      keep.push_back(a.array);
    }
  } else if (v.IsTypedArray()) {
    FloatArrayArg a = GetFloat64Array(v, "vectors");
    if (a.length == 0 || a.length % n != 0)
      ThrowRange(env, "Expected a packed Float64Array of K × " + std::to_string(n) +
                          " elements (K ≥ 1) for vectors but received " + std::to_string(a.length));
    for (std::size_t p = 0; p < a.length / n; ++p) vectors.push_back(a.f64() + p * n);
    keep.push_back(a.array);
  } else {
    ThrowType(env, "an Array of Float64Array or a packed Float64Array", "vectors", v);
  }
  auto* w = new CompareWorker(env, std::move(vectors), n, method, threads, false);
  for (const auto& k : keep) w->Keep(k);
  return StartWithProgress(w, options);
}

// compareTwo(a: Float64Array, b: Float64Array, options) → number
Napi::Value CompareTwo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FloatArrayArg a = GetFloat64Array(info[0], "a");
  FloatArrayArg b = GetFloat64Array(info[1], "b");
  if (a.length == 0) ThrowRange(env, "Expected at least one element for a but received 0");
  if (b.length != a.length)
    ThrowRange(env, "Expected " + std::to_string(a.length) + " elements (the length of a) for b but received " +
                        std::to_string(b.length));
  Napi::Object options = GetOptions(info[2], "options");
  const seedscope::CompareMethod method = GetMethod(options);
  const int threads = GetThreads(options.Get("threads"));
  auto* w = new CompareWorker(env, {a.f64(), b.f64()}, a.length, method, threads, true);
  w->Keep(a.array);
  w->Keep(b.array);
  return w->Start();
}

class CkaWorker : public PromiseWorker {
 public:
  CkaWorker(Napi::Env env, seedscope::CkaActivations x, seedscope::CkaActivations y, std::size_t n,
            bool unbiased, int threads)
      : PromiseWorker(env, "seedscope.linearCka"), x_(x), y_(y), n_(n), unbiased_(unbiased), threads_(threads) {}

 protected:
  void Run(const seedscope::Progress& progress) override {
    value_ = seedscope::linear_cka(x_, y_, n_, unbiased_, threads_, progress);
  }
  Napi::Value Result(Napi::Env env) override { return Napi::Number::New(env, value_); }

 private:
  seedscope::CkaActivations x_, y_;
  std::size_t n_;
  bool unbiased_;
  int threads_;
  double value_ = 0;
};

seedscope::CkaActivations Activations(const FloatArrayArg& a, std::size_t d) {
  seedscope::CkaActivations out;
  if (a.dtype == Dtype::F32) out.f32 = a.f32();
  else out.f64 = a.f64();
  out.d = d;
  return out;
}

// linearCka(x, n, dx, y, dy, options {unbiased, threads, onProgress}) → number
Napi::Value LinearCka(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  // n×n float64 kernels must fit in memory: 2^31 stimuli is far beyond that anyway.
  const std::size_t n = static_cast<std::size_t>(GetInteger(info[1], "n", 1, std::int64_t{1} << 31));
  const std::size_t dx = static_cast<std::size_t>(GetInteger(info[2], "dx", 1, kMaxLength));
  const std::size_t dy = static_cast<std::size_t>(GetInteger(info[4], "dy", 1, kMaxLength));
  FloatArrayArg x = GetFloatArrayOfLength(info[0], "x", CheckedProduct(env, n, dx, "x"));
  FloatArrayArg y = GetFloatArrayOfLength(info[3], "y", CheckedProduct(env, n, dy, "y"));
  Napi::Object options = GetOptions(info[5], "options");
  const bool unbiased = GetOptionalBool(options.Get("unbiased"), "options.unbiased", false);
  const int threads = GetThreads(options.Get("threads"));
  auto* w = new CkaWorker(env, Activations(x, dx), Activations(y, dy), n, unbiased, threads);
  w->Keep(x.array);
  w->Keep(y.array);
  return StartWithProgress(w, options);
}

}  // namespace

SEEDSCOPE_EXPORT("compareRdms", CompareRdms);
SEEDSCOPE_EXPORT("compareTwo", CompareTwo);
SEEDSCOPE_EXPORT("linearCka", LinearCka);

}  // namespace seedscope_binding
