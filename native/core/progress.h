// How long kernels talk back: a progress callback (throttled by the caller's
// glue) and cancellation. Cancellation is global and epoch-based: cancel_all()
// bumps the epoch and every operation started before it stops at its next
// check() with a Cancelled exception. This is what Ctrl-C triggers.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <stdexcept>

namespace seedscope {

struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("operation cancelled") {}
};

std::uint64_t cancel_epoch();
void cancel_all();

class Progress {
 public:
  Progress() : epoch_(cancel_epoch()) {}
  explicit Progress(std::function<void(double done, double total)> report)
      : report_(std::move(report)), epoch_(cancel_epoch()) {}

  bool cancelled() const { return cancel_epoch() != epoch_; }
  // Throws Cancelled when cancel_all() ran since this operation started.
  void check() const {
    if (cancelled()) throw Cancelled();
  }
  // Safe to call from any worker thread; the sink must be thread-safe.
  void report(double done, double total) const {
    if (report_) report_(done, total);
  }

 private:
  std::function<void(double, double)> report_;
  std::uint64_t epoch_;
};

}  // namespace seedscope
