// memoryProbe(seconds, options): the glue to native/core/memory_probe.h, the
// memory-speed companion of peakFlops. Arguments are checked here again,
// whatever the TypeScript wrapper did.
#include <napi.h>

#include <cstddef>
#include <string>

#include "args.h"
#include "memory_probe.h"
#include "promise_worker.h"
#include "registry.h"

namespace seedscope_binding {

namespace {

class MemoryProbeWorker : public PromiseWorker {
 public:
  MemoryProbeWorker(Napi::Env env, double seconds, int threads, std::size_t array_bytes, std::size_t gather_n)
      : PromiseWorker(env, "seedscope.memoryProbe"), seconds_(seconds), threads_(threads),
        array_bytes_(array_bytes), gather_n_(gather_n) {}

 protected:
  void Run(const seedscope::Progress&) override {
    r_ = seedscope::memory_probe(seconds_, threads_, array_bytes_, gather_n_);
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("triadGbPerSecond", r_.triad_gb_per_s);
    o.Set("gatherGPerSecond", r_.gather_g_per_s);
    o.Set("triadArrayBytes", static_cast<double>(r_.triad_array_bytes));
    o.Set("gatherN", static_cast<double>(r_.gather_n));
    o.Set("threads", r_.threads);
    return o;
  }

 private:
  double seconds_;
  int threads_;
  std::size_t array_bytes_;
  std::size_t gather_n_;
  seedscope::MemoryProbeResult r_{0.0, 0.0, 0, 0, 0, 0.0};
};

Napi::Value MemoryProbe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const double seconds = GetFiniteNumber(info[0], "seconds");
  if (seconds <= 0 || seconds > 60)
    ThrowRange(env, "Expected a number of seconds in (0, 60] for seconds but received " + DescribeValue(info[0]));
  Napi::Object options = GetOptions(info[1], "options");
  const int threads = GetThreads(options.Get("threads"));
  // 1 KiB .. 16 GiB per array; n up to 46340 keeps n² within int32 indexing's reach
  const auto array_bytes = static_cast<std::size_t>(
      GetOptionalInteger(options.Get("triadArrayBytes"), "options.triadArrayBytes", 1024, 1LL << 34, 48LL << 20));
  const auto gather_n = static_cast<std::size_t>(
      GetOptionalInteger(options.Get("gatherN"), "options.gatherN", 2, 46340, 1000));
  return (new MemoryProbeWorker(env, seconds, threads, array_bytes, gather_n))->Start();
}

}  // namespace

SEEDSCOPE_EXPORT("memoryProbe", MemoryProbe);

}  // namespace seedscope_binding
