// computeRdmSplit(acts, n, d, labels, options): the glue between JS and
// native/core/rdm_split.h — the full, class-centroid and centroid-removed
// RDMs of one layer from one Gram product. Every argument is checked here
// again, whatever the TypeScript wrapper did. The activations are only read.
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "args.h"
#include "rdm_args.h"
#include "gram.h"
#include "promise_worker.h"
#include "rdm_split.h"
#include "registry.h"

namespace seedscope_binding {

namespace {

class RdmSplitWorker : public PromiseWorker {
 public:
  RdmSplitWorker(Napi::Env env, FloatArrayArg acts, std::size_t n, std::size_t d, std::vector<std::int32_t> labels,
                 std::vector<std::int32_t> classes, seedscope::RdmOptions opt, Napi::Float64Array full,
                 Napi::Float64Array centroids, Napi::Float64Array removed)
      : PromiseWorker(env, "seedscope.computeRdmSplit"),
        acts_(acts), n_(n), d_(d), labels_(std::move(labels)), classes_(std::move(classes)), opt_(opt),
        full_(Napi::Persistent(full)), centroids_(Napi::Persistent(centroids)), removed_(Napi::Persistent(removed)),
        out_{full.Data(), centroids.Data(), removed.Data()} {
    // Inputs are kept alive by references until the work ends; the outputs
    // through the persistent handles (read back in Result).
    Keep(acts.array);
  }

 protected:
  void Run(const seedscope::Progress& progress) override {
    if (acts_.dtype == Dtype::F32)
      nan_ = seedscope::compute_rdm_split(acts_.f32(), n_, d_, labels_.data(), opt_, out_, progress);
    else
      nan_ = seedscope::compute_rdm_split(acts_.f64(), n_, d_, labels_.data(), opt_, out_, progress);
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("full", RdmWithNanList(env, nan_.full, full_.Value()));
    o.Set("centroids", RdmWithNanList(env, nan_.centroids, centroids_.Value()));
    o.Set("removed", RdmWithNanList(env, nan_.removed, removed_.Value()));
    Napi::Array classes = Napi::Array::New(env, classes_.size());
    for (std::size_t c = 0; c < classes_.size(); ++c)
      classes.Set(static_cast<uint32_t>(c), Napi::Number::New(env, classes_[c]));
    o.Set("classes", classes);
    o.Set("kernel", seedscope::gram_kernel_name());
    return o;
  }

 private:
  FloatArrayArg acts_;
  std::size_t n_, d_;
  // a copy: the output sizes follow from the classes present, which must not
  // change while the work runs
  std::vector<std::int32_t> labels_;
  std::vector<std::int32_t> classes_;
  seedscope::RdmOptions opt_;
  Napi::Reference<Napi::Float64Array> full_, centroids_, removed_;
  seedscope::RdmSplitOutput out_;
  seedscope::RdmSplitNan nan_;
};

Napi::Value ComputeRdmSplit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const ActivationsArg a = GetActivations(info);
  const FloatArrayArg acts = a.acts;
  const std::size_t n = a.n;
  const std::size_t d = a.d;
  if (!info[3].IsTypedArray() || info[3].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    ThrowType(env, "an Int32Array", "labels", info[3]);
  Napi::Int32Array label_array = info[3].As<Napi::Int32Array>();
  if (label_array.ElementLength() != n)
    ThrowRange(env, "Expected " + std::to_string(n) + " elements for labels but received " +
                        std::to_string(label_array.ElementLength()));
  std::vector<std::int32_t> labels(label_array.Data(), label_array.Data() + n);
  for (std::size_t i = 0; i < n; ++i)
    if (labels[i] < 0)
      ThrowRange(env, "Expected class ids in [0, 2147483647] for labels but received " + std::to_string(labels[i]) +
                          " at " + std::to_string(i));
  std::vector<std::int32_t> classes = seedscope::present_classes(labels.data(), n);
  if (classes.size() < 2)
    ThrowRange(env, "Expected at least 2 distinct classes for labels but received " +
                        std::to_string(classes.size()));
  CheckedProduct(env, classes.size(), d, "the centroids");

  Napi::Object options = GetOptions(info[4], "options");
  seedscope::RdmOptions opt;
  opt.metric = GetRdmMetric(options.Get("metric"));
  opt.per_feature = GetOptionalBool(options.Get("perFeature"), "options.perFeature", false);
  opt.condensed = true;
  opt.threads = static_cast<int>(GetOptionalInteger(options.Get("threads"), "options.threads", 0, 1024, 0));

  const std::size_t nc = classes.size();
  auto full = Napi::Float64Array::New(env, seedscope::rdm_output_length(n, true));
  auto centroids = Napi::Float64Array::New(env, seedscope::rdm_output_length(nc, true));
  auto removed = Napi::Float64Array::New(env, seedscope::rdm_output_length(n, true));
  auto* worker = new RdmSplitWorker(env, acts, n, d, std::move(labels), std::move(classes), opt, full, centroids, removed);
  try {
    worker->SetProgressCallback(options.Get("onProgress"));
  } catch (...) {
    delete worker;
    throw;
  }
  return worker->Start();
}

}  // namespace

SEEDSCOPE_EXPORT("computeRdmSplit", ComputeRdmSplit);

}  // namespace seedscope_binding
