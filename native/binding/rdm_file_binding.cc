// computeRdmFromFile(path, n, d, options): the glue between JS and
// native/core/rdm_out_of_core.h — the RDM (and with options.labels the
// class-centroid and centroid-removed RDMs) of n × d float32 rows held in a
// raw file, read in segments. Every argument is checked here again, whatever
// the TypeScript wrapper did; the file's size is checked against n·d·4 here
// and again when the work opens it.
#include <napi.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "args.h"
#include "gram.h"
#include "promise_worker.h"
#include "rdm_args.h"
#include "rdm_out_of_core.h"
#include "rdm_split.h"
#include "registry.h"

namespace seedscope_binding {

namespace {

class RdmFileWorker : public PromiseWorker {
 public:
  RdmFileWorker(Napi::Env env, std::string path, std::size_t n, std::size_t d, seedscope::RdmOptions opt,
                std::size_t segment_rows, std::vector<std::int32_t> row_of, std::vector<double> inv_count,
                std::vector<std::int32_t> classes, Napi::Float64Array full, Napi::Float64Array centroids,
                Napi::Float64Array removed)
      : PromiseWorker(env, "seedscope.computeRdmFromFile"),
        path_(std::move(path)), n_(n), d_(d), opt_(opt), segment_rows_(segment_rows), row_of_(std::move(row_of)),
        inv_count_(std::move(inv_count)), classes_(std::move(classes)), full_(Napi::Persistent(full)) {
    if (!classes_.empty()) {
      centroids_ = Napi::Persistent(centroids);
      removed_ = Napi::Persistent(removed);
      out_ = {full.Data(), centroids.Data(), removed.Data()};
    } else {
      out_ = {full.Data(), nullptr, nullptr};
    }
  }

 protected:
  void Run(const seedscope::Progress& progress) override {
    if (classes_.empty()) {
      nan_.full = seedscope::rdm_from_file(path_, n_, d_, opt_, segment_rows_, out_.full, progress);
    } else {
      nan_ = seedscope::rdm_from_file_with_centroids(path_, n_, d_, row_of_.data(), inv_count_.data(),
                                                     classes_.size(), opt_, segment_rows_, out_, nullptr, progress);
    }
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("full", RdmWithNanList(env, nan_.full, full_.Value()));
    if (!classes_.empty()) {
      o.Set("centroids", RdmWithNanList(env, nan_.centroids, centroids_.Value()));
      o.Set("removed", RdmWithNanList(env, nan_.removed, removed_.Value()));
      Napi::Array classes = Napi::Array::New(env, classes_.size());
      for (std::size_t c = 0; c < classes_.size(); ++c)
        classes.Set(static_cast<uint32_t>(c), Napi::Number::New(env, classes_[c]));
      o.Set("classes", classes);
    }
    o.Set("segmentRows", Napi::Number::New(env, static_cast<double>(segment_rows_)));
    o.Set("kernel", seedscope::gram_kernel_name());
    return o;
  }

 private:
  std::string path_;
  std::size_t n_, d_;
  seedscope::RdmOptions opt_;
  std::size_t segment_rows_;
  // copies: the output sizes follow from the classes, which must not change while the work runs
  std::vector<std::int32_t> row_of_;
  std::vector<double> inv_count_;
  std::vector<std::int32_t> classes_;
  Napi::Reference<Napi::Float64Array> full_, centroids_, removed_;
  seedscope::RdmSplitOutput out_{};
  seedscope::RdmSplitNan nan_;
};

Napi::Value ComputeRdmFromFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString() || info[0].As<Napi::String>().Utf8Value().empty())
    ThrowType(env, "a file path (non-empty string)", "path", info[0]);
  std::string path = info[0].As<Napi::String>().Utf8Value();
  if (path.find('\0') != std::string::npos) ThrowType(env, "a file path without NUL characters", "path", info[0]);
  const auto n = static_cast<std::size_t>(GetInteger(info[1], "n", 2, kMaxStimuli));
  const auto d = static_cast<std::size_t>(GetInteger(info[2], "d", 1, kMaxFeatures));
  const std::size_t values = CheckedProduct(env, n, d, "the activations file");
  const std::size_t bytes = CheckedProduct(env, values, sizeof(float), "the activations file");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    ThrowRange(env, path + ": cannot read the activations file (" + std::strerror(errno) + ")");
  if (!S_ISREG(st.st_mode)) ThrowRange(env, path + ": expected a regular file of activations");
  if (static_cast<unsigned long long>(st.st_size) != static_cast<unsigned long long>(bytes))
    ThrowRange(env, "Expected " + std::to_string(bytes) + " bytes (n × d = " + std::to_string(n) + " × " +
                        std::to_string(d) + " float32) for " + path + " but received " +
                        std::to_string(st.st_size) + (static_cast<std::size_t>(st.st_size) < bytes ? " (file shorter than expected)" : ""));

  Napi::Object options = GetOptions(info[3], "options");
  seedscope::RdmOptions opt;
  opt.metric = GetRdmMetric(options.Get("metric"));
  opt.per_feature = GetOptionalBool(options.Get("perFeature"), "options.perFeature", false);
  opt.condensed = true;
  opt.threads = static_cast<int>(GetOptionalInteger(options.Get("threads"), "options.threads", 0, 1024, 0));

  // labels (optional): the centroid variants too
  std::vector<std::int32_t> row_of, classes;
  std::vector<double> inv_count;
  Napi::Value lv = options.Get("labels");
  if (!lv.IsUndefined()) {
    if (!lv.IsTypedArray() || lv.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
      ThrowType(env, "an Int32Array", "options.labels", lv);
    Napi::Int32Array labels = lv.As<Napi::Int32Array>();
    if (labels.ElementLength() != n)
      ThrowRange(env, "Expected " + std::to_string(n) + " elements for options.labels but received " +
                          std::to_string(labels.ElementLength()));
    std::vector<std::int32_t> copy(labels.Data(), labels.Data() + n);
    for (std::size_t i = 0; i < n; ++i)
      if (copy[i] < 0)
        ThrowRange(env, "Expected class ids in [0, 2147483647] for options.labels but received " +
                            std::to_string(copy[i]) + " at " + std::to_string(i));
    classes = seedscope::present_classes(copy.data(), n);
    if (classes.size() < 2)
      ThrowRange(env, "Expected at least 2 distinct classes for options.labels but received " +
                          std::to_string(classes.size()));
    CheckedProduct(env, classes.size(), d, "the centroids");
    // rows of the centroid matrix in present_classes order, as rdm_split lays them out
    std::vector<std::size_t> count(classes.size(), 0);
    row_of.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = static_cast<std::size_t>(std::lower_bound(classes.begin(), classes.end(), copy[i]) - classes.begin());
      row_of[i] = static_cast<std::int32_t>(r);
      ++count[r];
    }
    inv_count.resize(classes.size());
    for (std::size_t r = 0; r < classes.size(); ++r) inv_count[r] = 1.0 / static_cast<double>(count[r]);
  }

  // rows per segment: given, or from a memory budget in bytes (default 1 GiB)
  std::size_t segment_rows;
  Napi::Value sv = options.Get("segmentRows");
  if (!sv.IsUndefined()) {
    segment_rows = static_cast<std::size_t>(GetInteger(sv, "options.segmentRows", 1, static_cast<std::int64_t>(n)));
  } else {
    const double memory = options.Get("memory").IsUndefined() ? double(1 << 30) : GetFiniteNumber(options.Get("memory"), "options.memory");
    if (memory < 1) ThrowRange(env, "Expected a number of bytes ≥ 1 for options.memory but received " + DescribeValue(options.Get("memory")));
    segment_rows = seedscope::out_of_core_segment_rows(n, d, static_cast<std::size_t>(std::min(memory, 1e18)), classes.empty() ? 1 : 2);
  }

  auto full = Napi::Float64Array::New(env, seedscope::rdm_output_length(n, true));
  Napi::Float64Array centroids, removed;
  if (!classes.empty()) {
    centroids = Napi::Float64Array::New(env, seedscope::rdm_output_length(classes.size(), true));
    removed = Napi::Float64Array::New(env, seedscope::rdm_output_length(n, true));
  }
  auto* worker = new RdmFileWorker(env, std::move(path), n, d, opt, segment_rows, std::move(row_of),
                                   std::move(inv_count), std::move(classes), full, centroids, removed);
  try {
    worker->SetProgressCallback(options.Get("onProgress"));
  } catch (...) {
    delete worker;
    throw;
  }
  return worker->Start();
}

}  // namespace

SEEDSCOPE_EXPORT("computeRdmFromFile", ComputeRdmFromFile);

}  // namespace seedscope_binding
