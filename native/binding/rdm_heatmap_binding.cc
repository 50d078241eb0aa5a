// rdmPercentileBlocks(condensed: Float64Array, n, order: Int32Array, size) →
//   Promise<Float64Array (size × size)>: each heatmap pixel's mean percentile/100
// (native/core/rdm_heatmap.h), off the main thread so the report's charts are
// built meanwhile.
#include <napi.h>

#include <algorithm>

#include <string>
#include <vector>

#include "args.h"
#include "promise_worker.h"
#include "rdm_heatmap.h"
#include "registry.h"

namespace seedscope_binding {

namespace {

class HeatmapWorker final : public PromiseWorker {
 public:
  HeatmapWorker(Napi::Env env, const double* condensed, std::size_t n, std::vector<std::int32_t> order, std::size_t size)
      : PromiseWorker(env, "seedscope.rdmPercentileBlocks"), condensed_(condensed), n_(n), order_(std::move(order)),
        size_(size), out_(size * size) {}

 protected:
  void Run(const seedscope::Progress&) override {
    seedscope::percentile_blocks(condensed_, n_, order_.data(), size_, out_.data());
  }
  Napi::Value Result(Napi::Env env) override {
    auto out = Napi::Float64Array::New(env, out_.size());
    std::copy(out_.begin(), out_.end(), out.Data());
    return out;
  }

 private:
  const double* condensed_;
  std::size_t n_;
  std::vector<std::int32_t> order_;  // copied: the caller may reuse its array
  std::size_t size_;
  std::vector<double> out_;
};

Napi::Value RdmPercentileBlocks(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto n = static_cast<std::size_t>(GetInteger(info[1], "n", 1, 1 << 16));
  const std::size_t len = n * (n - 1) / 2;
  FloatArrayArg c = GetFloat64Array(info[0], "condensed");
  if (c.length != len)
    ThrowRange(env, "Expected n(n-1)/2 = " + std::to_string(len) + " entries for condensed but received " +
                        std::to_string(c.length));
  Napi::TypedArray order = GetIntArray(info[2], "order");
  if (order.ElementLength() != n)
    ThrowRange(env, "Expected n = " + std::to_string(n) + " entries for order but received " +
                        std::to_string(order.ElementLength()));
  const auto* raw = reinterpret_cast<const std::int32_t*>(static_cast<const std::uint8_t*>(order.ArrayBuffer().Data()) +
                                                          order.ByteOffset());
  std::vector<std::int32_t> copy(raw, raw + n);
  std::vector<bool> seen(n, false);
  for (const std::int32_t v : copy) {
    if (v < 0 || static_cast<std::size_t>(v) >= n || seen[static_cast<std::size_t>(v)])
      ThrowRange(env, "Expected a permutation of 0 … n−1 for order but received " + std::to_string(v) + " out of place");
    seen[static_cast<std::size_t>(v)] = true;
  }
  // a figure's pixels: at most 4096 × 4096 (128 MiB of output), whatever n
  const auto size = static_cast<std::size_t>(GetInteger(info[3], "size", 1, std::min<std::int64_t>(static_cast<std::int64_t>(n), 4096)));
  auto* w = new HeatmapWorker(env, c.f64(), n, std::move(copy), size);
  w->Keep(c.array);
  return w->Start();
}

}  // namespace

SEEDSCOPE_EXPORT("rdmPercentileBlocks", RdmPercentileBlocks);

}  // namespace seedscope_binding
