// computeRdm(acts, n, d, options) and peakFlops(seconds, threads): the glue
// between JS and native/core/rdm.h, peak.h. Every argument is checked here
// again, whatever the TypeScript wrapper did.
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "args.h"
#include "rdm_args.h"
#include "gram.h"
#include "peak.h"
#include "promise_worker.h"
#include "rdm.h"
#include "registry.h"

namespace seedscope_binding {

namespace {


class RdmWorker : public PromiseWorker {
 public:
  RdmWorker(Napi::Env env, FloatArrayArg acts, std::size_t n, std::size_t d,
            seedscope::RdmOptions opt, Napi::TypedArray out, void* out_data, bool out_f64)
      : PromiseWorker(env, "seedscope.computeRdm"),
        acts_(acts), n_(n), d_(d), opt_(opt), out_(Napi::Persistent(out)), out_data_(out_data),
        out_f64_(out_f64) {
    // Handles die with the caller's scope: the input is kept alive by a
    // reference, the output through out_ (read back in Result).
    Keep(acts.array);
  }

 protected:
  void Run(const seedscope::Progress& progress) override {
    if (acts_.dtype == Dtype::F32) {
      if (out_f64_) nan_ = seedscope::compute_rdm(acts_.f32(), n_, d_, opt_, static_cast<double*>(out_data_), progress);
      else nan_ = seedscope::compute_rdm(acts_.f32(), n_, d_, opt_, static_cast<float*>(out_data_), progress);
    } else {
      if (out_f64_) nan_ = seedscope::compute_rdm(acts_.f64(), n_, d_, opt_, static_cast<double*>(out_data_), progress);
      else nan_ = seedscope::compute_rdm(acts_.f64(), n_, d_, opt_, static_cast<float*>(out_data_), progress);
    }
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Object o = RdmWithNanList(env, nan_, out_.Value());
    o.Set("kernel", seedscope::gram_kernel_name());
    return o;
  }

 private:
  FloatArrayArg acts_;
  std::size_t n_, d_;
  seedscope::RdmOptions opt_;
  Napi::Reference<Napi::TypedArray> out_;
  void* out_data_;
  bool out_f64_;
  std::vector<seedscope::NanStimulus> nan_;
};

Napi::Value ComputeRdm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const ActivationsArg a = GetActivations(info);
  const FloatArrayArg acts = a.acts;
  const std::size_t n = a.n;
  const std::size_t d = a.d;
  Napi::Object options = GetOptions(info[3], "options");
  seedscope::RdmOptions opt;
  opt.metric = GetRdmMetric(options.Get("metric"));
  opt.per_feature = GetOptionalBool(options.Get("perFeature"), "options.perFeature", false);
  opt.condensed = GetOptionalBool(options.Get("condensed"), "options.condensed", false);
  opt.threads = static_cast<int>(GetOptionalInteger(options.Get("threads"), "options.threads", 0, 1024, 0));
  bool out_f64 = true;
  Napi::Value dtype = options.Get("outDtype");
  if (!dtype.IsUndefined()) out_f64 = GetEnum(dtype, "options.outDtype", {"float32", "float64"}) == "float64";

  const std::size_t len = seedscope::rdm_output_length(n, opt.condensed);
  Napi::TypedArray out;
  void* out_data;
  if (out_f64) {
    auto a = Napi::Float64Array::New(env, len);
    out_data = a.Data();
    out = a;
  } else {
    auto a = Napi::Float32Array::New(env, len);
    out_data = a.Data();
    out = a;
  }
  auto* worker = new RdmWorker(env, acts, n, d, opt, out, out_data, out_f64);
  try {
    worker->SetProgressCallback(options.Get("onProgress"));
  } catch (...) {
    delete worker;
    throw;
  }
  return worker->Start();
}

class PeakWorker : public PromiseWorker {
 public:
  PeakWorker(Napi::Env env, double seconds, int threads)
      : PromiseWorker(env, "seedscope.peakFlops"), seconds_(seconds), threads_(threads) {}

 protected:
  void Run(const seedscope::Progress&) override { r_ = seedscope::peak_flops(seconds_, threads_); }
  Napi::Value Result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("gflops", r_.gflops);
    o.Set("gflopsPerCpuSecond", r_.gflops_per_cpu_second);
    o.Set("threads", r_.threads);
    o.Set("isa", r_.isa);
    return o;
  }

 private:
  double seconds_;
  int threads_;
  seedscope::PeakResult r_{0.0, 0.0, 0, ""};
};

Napi::Value PeakFlops(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const double seconds = GetFiniteNumber(info[0], "seconds");
  if (seconds <= 0 || seconds > 60)
    ThrowRange(env, "Expected a number of seconds in (0, 60] for seconds but received " + DescribeValue(info[0]));
  const int threads = static_cast<int>(GetOptionalInteger(info[1], "threads", 0, 1024, 0));
  return (new PeakWorker(env, seconds, threads))->Start();
}

}  // namespace

SEEDSCOPE_EXPORT("computeRdm", ComputeRdm);
SEEDSCOPE_EXPORT("peakFlops", PeakFlops);

}  // namespace seedscope_binding
