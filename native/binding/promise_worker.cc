#include "promise_worker.h"

#include "args.h"

namespace seedscope_binding {

namespace {
struct ProgressPayload {
  double done;
  double total;
};
long long NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

PromiseWorker::PromiseWorker(Napi::Env env, const char* name)
    : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)) {}

PromiseWorker::~PromiseWorker() { ReleaseProgress(); }

Napi::Promise PromiseWorker::Start() {
  Napi::Promise p = deferred_.Promise();
  Queue();
  return p;
}

void PromiseWorker::Keep(const Napi::Value& v) {
  kept_.push_back(Napi::Persistent(v));
}

void PromiseWorker::SetProgressCallback(const Napi::Value& fn) {
  if (fn.IsUndefined() || fn.IsNull()) return;
  if (!fn.IsFunction())
    throw Napi::TypeError::New(Env(), "Expected a function for onProgress but received " +
                                          DescribeValue(fn));
  tsfn_ = Napi::ThreadSafeFunction::New(Env(), fn.As<Napi::Function>(), "seedscope-progress", 0, 1);
  has_progress_ = true;
}

void PromiseWorker::ReleaseProgress() {
  if (has_progress_) {
    tsfn_.Release();
    has_progress_ = false;
  }
}

void PromiseWorker::Execute() {
  std::function<void(double, double)> report;
  if (has_progress_) {
    report = [this](double done, double total) {
      long long now = NowMs();
      long long last = last_report_ms_.load(std::memory_order_relaxed);
      if (done < total && now - last < 100) return;
      if (!last_report_ms_.compare_exchange_strong(last, now)) return;
      auto* payload = new ProgressPayload{done, total};
      napi_status st = tsfn_.NonBlockingCall(payload, [](Napi::Env env, Napi::Function cb, ProgressPayload* p) {
        double d = p->done, t = p->total;
        delete p;
        if (env != nullptr && !cb.IsEmpty()) {
          // A throwing progress callback must not take the process down.
          try {
            cb.Call({Napi::Number::New(env, d), Napi::Number::New(env, t)});
          } catch (...) {
          }
        }
      });
      if (st != napi_ok) delete payload;
    };
  }
  seedscope::Progress progress(report);
  try {
    Run(progress);
  } catch (const seedscope::Cancelled&) {
    cancelled_ = true;
    SetError("operation cancelled");
  } catch (const std::bad_alloc&) {
    SetError("out of memory in native operation");
  } catch (const std::exception& e) {
    SetError(e.what());
  } catch (...) {
    SetError("unknown error in native operation");
  }
}

void PromiseWorker::OnOK() {
  Napi::Env env = Env();
  ReleaseProgress();
  try {
    deferred_.Resolve(Result(env));
  } catch (const Napi::Error& e) {
    deferred_.Reject(e.Value());
  } catch (const std::exception& e) {
    deferred_.Reject(Napi::Error::New(env, e.what()).Value());
  }
  kept_.clear();
}

void PromiseWorker::OnError(const Napi::Error& e) {
  Napi::Env env = Env();
  ReleaseProgress();
  Napi::Error err = Napi::Error::New(env, e.Message());
  if (cancelled_) err.Set("code", Napi::String::New(env, "ECANCELLED"));
  deferred_.Reject(err.Value());
  kept_.clear();
}

}  // namespace seedscope_binding
