// Base of every native operation: an AsyncWorker that resolves a Promise.
// - Run() executes on a libuv worker thread; every exception becomes a
//   rejection (never a crash), Cancelled becomes an error with code ECANCELLED.
// - Keep() holds JS values (input/output buffers) alive until the work ends.
// - An optional onProgress(done, total) callback is called on the main thread,
//   at most every 100 ms, through a thread-safe function.
#pragma once

#include <napi.h>

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "progress.h"

namespace seedscope_binding {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  PromiseWorker(Napi::Env env, const char* name);
  ~PromiseWorker() override;

  // Queues the work and returns its promise.
  Napi::Promise Start();
  void Keep(const Napi::Value& v);
  // Accepts undefined or a function(done, total).
  void SetProgressCallback(const Napi::Value& fn);

 protected:
  virtual void Run(const seedscope::Progress& progress) = 0;  // worker thread
  virtual Napi::Value Result(Napi::Env env) = 0;              // main thread
  // Warnings collected on the worker thread are attached to the result by
  // subclasses that want them (see AddWarning / warnings()).
  void AddWarning(const std::string& w) { warnings_.push_back(w); }
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  void Execute() final;
  void OnOK() final;
  void OnError(const Napi::Error& e) final;
  void ReleaseProgress();

  Napi::Promise::Deferred deferred_;
  std::vector<Napi::Reference<Napi::Value>> kept_;
  Napi::ThreadSafeFunction tsfn_;
  bool has_progress_ = false;
  bool cancelled_ = false;
  std::atomic<long long> last_report_ms_{0};
  std::vector<std::string> warnings_;
};

}  // namespace seedscope_binding
