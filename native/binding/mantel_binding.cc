// mantelTest(rdms, n, options) → Promise<{statistic, count, permutations, exact, nullMax?, path}>
#include <napi.h>

#include <string>
#include <vector>

#include "args.h"
#include "mantel.h"
#include "promise_worker.h"
#include "registry.h"
#include "stats_args.h"

namespace seedscope_binding {

namespace {

class MantelWorker final : public PromiseWorker {
 public:
  MantelWorker(Napi::Env env, std::vector<const double*> rdms, std::size_t n, seedscope::MantelOptions opt)
      : PromiseWorker(env, "seedscope.mantelTest"), rdms_(std::move(rdms)), n_(n), opt_(opt) {}

 protected:
  void Run(const seedscope::Progress& progress) override {
    result_ = seedscope::mantel_test(rdms_, n_, opt_, progress);
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("statistic", ToFloat64Array(env, result_.statistic));
    o.Set("count", ToFloat64Array(env, result_.count));
    o.Set("permutations", static_cast<double>(result_.permutations));
    o.Set("exact", result_.exact);
    o.Set("path", result_.path);
    o.Set("screened", static_cast<double>(result_.screened));
    if (opt_.keep_null_max) o.Set("nullMax", ToFloat64Array(env, result_.null_max));
    return o;
  }

 private:
  std::vector<const double*> rdms_;
  std::size_t n_;
  seedscope::MantelOptions opt_;
  seedscope::MantelResult result_;
};

Napi::Value MantelTest(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::size_t n = static_cast<std::size_t>(GetInteger(info[1], "n", 3, 1 << 20));
  std::size_t m = n * (n - 1) / 2;
  std::vector<FloatArrayArg> arrays = GetCondensedList(info[0], "rdms", m, 2);
  Napi::Object o = GetOptions(info[2], "options");
  seedscope::MantelOptions opt;
  opt.method = GetPairMethod(o.Get("method"), "options.method");
  opt.permutations = static_cast<std::uint64_t>(GetInteger(o.Get("permutations"), "options.permutations", 1, 1000000000LL));
  opt.seed = GetSeed(o.Get("seed"));
  opt.threads = GetThreads(o.Get("threads"));
  opt.all_pairs = GetOptionalBool(o.Get("allPairs"), "options.allPairs", false);
  opt.keep_null_max = GetOptionalBool(o.Get("keepNullMax"), "options.keepNullMax", false);
  if (!o.Get("nullFloor").IsUndefined()) opt.null_floor = GetFiniteNumber(o.Get("nullFloor"), "options.nullFloor");
  if (!opt.all_pairs && arrays.size() != 2)
    ThrowRange(env, "Expected exactly 2 RDMs for rdms without options.allPairs but received " +
                        std::to_string(arrays.size()));
  auto* w = new MantelWorker(env, DataPointers(arrays), n, opt);
  KeepAll(*w, arrays);
  w->SetProgressCallback(o.Get("onProgress"));
  return w->Start();
}

}  // namespace

SEEDSCOPE_EXPORT("mantelTest", MantelTest);

}  // namespace seedscope_binding
