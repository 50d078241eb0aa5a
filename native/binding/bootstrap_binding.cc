// bootstrapConsistency(rdms, n, options) → Promise<{estimate, pairwise, replicates, jackknifeStimuli, jackknifeInstances}>
// pairwiseConsistency(rdms, n, options) → Promise<Float64Array K×K>
// zooPermutationTest(pairwise, ka, kb, options) → Promise<{difference, count, countMax, permutations, exact}>
#include <napi.h>

#include <string>
#include <vector>

#include "args.h"
#include "bootstrap.h"
#include "promise_worker.h"
#include "registry.h"
#include "stats_args.h"
#include "zoo_compare.h"

namespace seedscope_binding {

namespace {

class BootstrapWorker final : public PromiseWorker {
 public:
  BootstrapWorker(Napi::Env env, std::vector<const double*> rdms, std::size_t n, seedscope::BootstrapOptions opt)
      : PromiseWorker(env, "seedscope.bootstrapConsistency"), rdms_(std::move(rdms)), n_(n), opt_(opt) {}

 protected:
  void Run(const seedscope::Progress& progress) override {
    result_ = seedscope::bootstrap_consistency(rdms_, n_, opt_, progress);
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("estimate", result_.estimate);
    o.Set("pairwise", ToFloat64Array(env, result_.pairwise));
    o.Set("replicates", ToFloat64Array(env, result_.replicates));
    o.Set("jackknifeStimuli", ToFloat64Array(env, result_.jack_stimuli));
    o.Set("jackknifeInstances", ToFloat64Array(env, result_.jack_instances));
    return o;
  }

 private:
  std::vector<const double*> rdms_;
  std::size_t n_;
  seedscope::BootstrapOptions opt_;
  seedscope::BootstrapResult result_;
};

Napi::Value BootstrapConsistency(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::size_t n = static_cast<std::size_t>(GetInteger(info[1], "n", 3, 1 << 20));
  std::vector<FloatArrayArg> arrays = GetCondensedList(info[0], "rdms", n * (n - 1) / 2, 2);
  Napi::Object o = GetOptions(info[2], "options");
  seedscope::BootstrapOptions opt;
  opt.method = GetPairMethod(o.Get("method"), "options.method");
  std::string over = GetEnum(o.Get("over"), "options.over", {"stimuli", "instances", "both"});
  opt.over = over == "stimuli" ? seedscope::ResampleOver::Stimuli
             : over == "instances" ? seedscope::ResampleOver::Instances
                                   : seedscope::ResampleOver::Both;
  opt.samples = static_cast<std::uint64_t>(GetInteger(o.Get("samples"), "options.samples", 1, 100000000LL));
  opt.seed = GetSeed(o.Get("seed"));
  opt.threads = GetThreads(o.Get("threads"));
  opt.jackknife = GetOptionalBool(o.Get("jackknife"), "options.jackknife", false);
  opt.jackknife_groups = static_cast<std::size_t>(
      GetOptionalInteger(o.Get("jackknifeGroups"), "options.jackknifeGroups", 2, 1 << 20, 50));
  if (opt.over != seedscope::ResampleOver::Stimuli && arrays.size() < 3)
    ThrowRange(env, "Expected at least 3 RDMs for rdms when resampling instances but received " +
                        std::to_string(arrays.size()));
  auto* w = new BootstrapWorker(env, DataPointers(arrays), n, opt);
  KeepAll(*w, arrays);
  w->SetProgressCallback(o.Get("onProgress"));
  return w->Start();
}

class PairwiseWorker final : public PromiseWorker {
 public:
  PairwiseWorker(Napi::Env env, std::vector<const double*> rdms, std::size_t n, seedscope::PairMethod method,
                 int threads)
      : PromiseWorker(env, "seedscope.pairwiseConsistency"), rdms_(std::move(rdms)), n_(n), method_(method),
        threads_(threads) {}

 protected:
  void Run(const seedscope::Progress& progress) override {
    result_ = seedscope::pairwise_consistency(rdms_, n_, method_, threads_, progress);
  }
  Napi::Value Result(Napi::Env env) override { return ToFloat64Array(env, result_); }

 private:
  std::vector<const double*> rdms_;
  std::size_t n_;
  seedscope::PairMethod method_;
  int threads_;
  std::vector<double> result_;
};

Napi::Value PairwiseConsistency(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::size_t n = static_cast<std::size_t>(GetInteger(info[1], "n", 3, 1 << 20));
  std::vector<FloatArrayArg> arrays = GetCondensedList(info[0], "rdms", n * (n - 1) / 2, 2);
  Napi::Object o = GetOptions(info[2], "options");
  auto* w = new PairwiseWorker(env, DataPointers(arrays), n, GetPairMethod(o.Get("method"), "options.method"),
                               GetThreads(o.Get("threads")));
  KeepAll(*w, arrays);
  w->SetProgressCallback(o.Get("onProgress"));
  return w->Start();
}

class ZooWorker final : public PromiseWorker {
 public:
  ZooWorker(Napi::Env env, std::vector<const double*> mats, std::size_t ka, std::size_t kb, std::uint64_t perms,
            std::uint64_t seed)
      : PromiseWorker(env, "seedscope.zooPermutationTest"), mats_(std::move(mats)), ka_(ka), kb_(kb),
        perms_(perms), seed_(seed) {}

 protected:
  void Run(const seedscope::Progress& progress) override {
    result_ = seedscope::zoo_permutation_test(mats_, ka_, kb_, perms_, seed_, progress);
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("difference", ToFloat64Array(env, result_.difference));
    o.Set("count", ToFloat64Array(env, result_.count));
    o.Set("countMax", ToFloat64Array(env, result_.count_max));
    o.Set("permutations", static_cast<double>(result_.permutations));
    o.Set("exact", result_.exact);
    return o;
  }

 private:
  std::vector<const double*> mats_;
  std::size_t ka_, kb_;
  std::uint64_t perms_, seed_;
  seedscope::ZooTestResult result_;
};

Napi::Value ZooPermutationTest(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::size_t ka = static_cast<std::size_t>(GetInteger(info[1], "ka", 2, 1 << 16));
  std::size_t kb = static_cast<std::size_t>(GetInteger(info[2], "kb", 2, 1 << 16));
  std::size_t k = ka + kb;
  std::vector<FloatArrayArg> mats = GetCondensedList(info[0], "pairwise", k * k, 1);
  Napi::Object o = GetOptions(info[3], "options");
  std::uint64_t perms = static_cast<std::uint64_t>(GetInteger(o.Get("permutations"), "options.permutations", 1, 1000000000LL));
  auto* w = new ZooWorker(env, DataPointers(mats), ka, kb, perms, GetSeed(o.Get("seed")));
  KeepAll(*w, mats);
  w->SetProgressCallback(o.Get("onProgress"));
  return w->Start();
}

}  // namespace

SEEDSCOPE_EXPORT("bootstrapConsistency", BootstrapConsistency);
SEEDSCOPE_EXPORT("pairwiseConsistency", PairwiseConsistency);
SEEDSCOPE_EXPORT("zooPermutationTest", ZooPermutationTest);

}  // namespace seedscope_binding
