// bootstrapPearson(rdms, n, {samples, seed, over: 'both'|'stimuli', squared, threads, onProgress})
//   → Promise<Float64Array> (one replicate of the mean pairwise r or r² per sample)
#include <napi.h>

#include <string>
#include <vector>

#include "args.h"
#include "bootstrap_pearson.h"
#include "promise_worker.h"
#include "registry.h"
#include "stats_args.h"

namespace seedscope_binding {

namespace {

class PearsonBootstrapWorker final : public PromiseWorker {
 public:
  PearsonBootstrapWorker(Napi::Env env, std::vector<const double*> rdms, std::size_t n,
                         seedscope::PearsonBootstrapOptions opt)
      : PromiseWorker(env, "seedscope.bootstrapPearson"), rdms_(std::move(rdms)), n_(n), opt_(opt) {}

 protected:
  void Run(const seedscope::Progress& progress) override {
    result_ = seedscope::bootstrap_pearson(rdms_, n_, opt_, progress);
  }
  Napi::Value Result(Napi::Env env) override { return ToFloat64Array(env, result_); }

 private:
  std::vector<const double*> rdms_;
  std::size_t n_;
  seedscope::PearsonBootstrapOptions opt_;
  std::vector<double> result_;
};

Napi::Value BootstrapPearson(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::size_t n = static_cast<std::size_t>(GetInteger(info[1], "n", 3, 1 << 20));
  std::vector<FloatArrayArg> arrays = GetCondensedList(info[0], "rdms", n * (n - 1) / 2, 2);
  Napi::Object o = GetOptions(info[2], "options");
  seedscope::PearsonBootstrapOptions opt;
  opt.samples = static_cast<std::uint64_t>(GetInteger(o.Get("samples"), "options.samples", 1, 100000000LL));
  opt.seed = GetSeed(o.Get("seed"));
  opt.threads = GetThreads(o.Get("threads"));
  opt.squared = GetOptionalBool(o.Get("squared"), "options.squared", true);
  opt.resample_instances = GetEnum(o.Get("over"), "options.over", {"both", "stimuli"}) == "both";
  if (opt.resample_instances && arrays.size() < 3)
    ThrowRange(env, "Expected at least 3 RDMs for rdms when resampling instances but received " +
                        std::to_string(arrays.size()));
  auto* w = new PearsonBootstrapWorker(env, DataPointers(arrays), n, opt);
  KeepAll(*w, arrays);
  w->SetProgressCallback(o.Get("onProgress"));
  return w->Start();
}

}  // namespace

SEEDSCOPE_EXPORT("bootstrapPearson", BootstrapPearson);

}  // namespace seedscope_binding
