// threadPoolCheck(nTasks, threads, mode): exercises parallel_for from a
// PromiseWorker so tests can check the persistent pool as the kernels use it
// (many calls, concurrent operations, exceptions, nested calls).
//   mode 'sum':    every task adds its index; resolves {sum, workers}
//   mode 'throw':  task nTasks / 2 throws; the promise rejects with its message
//   mode 'nested': every task runs an inner parallel_for over 10 tasks; sum
//                  counts outer index × 10 + inner index
// Each task spins for about 20 µs so the workers really overlap.
#include <napi.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "args.h"
#include "promise_worker.h"
#include "registry.h"
#include "thread_pool.h"

namespace seedscope_binding {

namespace {

void spin_briefly() {
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(20);
  while (std::chrono::steady_clock::now() < until) {
  }
}

class PoolCheckWorker : public PromiseWorker {
 public:
  PoolCheckWorker(Napi::Env env, std::size_t n, int threads, std::string mode)
      : PromiseWorker(env, "seedscope.threadPoolCheck"), n_(n), threads_(threads), mode_(std::move(mode)) {}

 protected:
  void Run(const seedscope::Progress&) override {
    std::atomic<std::uint64_t> sum{0};
    std::atomic<std::uint64_t> workers{0};
    seedscope::parallel_for(n_, threads_, [&](std::size_t i, int w) {
      spin_briefly();
      workers.fetch_or(std::uint64_t(1) << (w & 63));
      if (mode_ == "throw" && i == n_ / 2) throw std::runtime_error("task " + std::to_string(i) + " failed");
      if (mode_ == "nested") {
        seedscope::parallel_for(10, threads_, [&](std::size_t j, int) { sum += i * 10 + j; });
      } else {
        sum += i;
      }
    });
    sum_ = sum.load();
    workers_ = workers.load();
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("sum", static_cast<double>(sum_));
    int count = 0;
    for (std::uint64_t m = workers_; m; m &= m - 1) ++count;
    o.Set("workers", count);
    return o;
  }

 private:
  std::size_t n_;
  int threads_;
  std::string mode_;
  std::uint64_t sum_ = 0, workers_ = 0;
};

Napi::Value ThreadPoolCheck(const Napi::CallbackInfo& info) {
  const auto n = static_cast<std::size_t>(GetInteger(info[0], "nTasks", 0, 1 << 20));
  const int threads = static_cast<int>(GetInteger(info[1], "threads", 0, 64));
  const std::string mode = GetEnum(info[2], "mode", {"sum", "throw", "nested"});
  return (new PoolCheckWorker(info.Env(), n, threads, mode))->Start();
}

}  // namespace

SEEDSCOPE_EXPORT("threadPoolCheck", ThreadPoolCheck);

}  // namespace seedscope_binding
