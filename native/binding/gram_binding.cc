// gramAccumulate(data: Float64Array (rows × cols), rows, cols, shift: Float64Array (rows),
//   gram: Float64Array (rows × rows), rowSums: Float64Array (rows), {threads}) → Promise<undefined>
// Adds Σ_k (data[i][k] − shift[i])(data[j][k] − shift[j]) to gram[i][j] (both
// triangles) and Σ_k (data[i][k] − shift[i]) to rowSums[i]: one block of
// columns of a product too large to hold, accumulated block by block (the
// second-order analysis streams the condensed RDMs this way).
#include <napi.h>

#include <vector>

#include "args.h"
#include "gram.h"
#include "promise_worker.h"
#include "registry.h"

namespace seedscope_binding {

namespace {

class GramAccumulateWorker final : public PromiseWorker {
 public:
  GramAccumulateWorker(Napi::Env env, const double* data, std::size_t rows, std::size_t cols, const double* shift,
                       double* gram, double* row_sums, int threads)
      : PromiseWorker(env, "seedscope.gramAccumulate"), data_(data), rows_(rows), cols_(cols), shift_(shift),
        gram_(gram), row_sums_(row_sums), threads_(threads) {}

 protected:
  void Run(const seedscope::Progress& progress) override {
    std::vector<double> c(rows_ * rows_, 0.0), sums(rows_, 0.0);
    seedscope::gram_upper_shifted(data_, rows_, cols_, shift_, nullptr, c.data(), sums.data(), threads_, progress);
    for (std::size_t i = 0; i < rows_; ++i) {
      row_sums_[i] += sums[i];
      for (std::size_t j = i; j < rows_; ++j) {
        gram_[i * rows_ + j] += c[i * rows_ + j];
        if (j != i) gram_[j * rows_ + i] += c[i * rows_ + j];
      }
    }
  }
  Napi::Value Result(Napi::Env env) override { return env.Undefined(); }

 private:
  const double* data_;
  std::size_t rows_, cols_;
  const double* shift_;
  double* gram_;
  double* row_sums_;
  int threads_;
};

Napi::Value GramAccumulate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::size_t rows = static_cast<std::size_t>(GetInteger(info[1], "rows", 1, 1LL << 20));
  const std::size_t cols = static_cast<std::size_t>(GetInteger(info[2], "cols", 1, 1LL << 40));
  FloatArrayArg data = GetFloatArrayOfLength(info[0], "data", CheckedProduct(env, rows, cols, "data"));
  if (data.dtype != Dtype::F64) ThrowType(env, "a Float64Array", "data", info[0]);
  FloatArrayArg shift = GetFloatArrayOfLength(info[3], "shift", rows);
  if (shift.dtype != Dtype::F64) ThrowType(env, "a Float64Array", "shift", info[3]);
  FloatArrayArg gram = GetFloatArrayOfLength(info[4], "gram", CheckedProduct(env, rows, rows, "gram"));
  if (gram.dtype != Dtype::F64) ThrowType(env, "a Float64Array", "gram", info[4]);
  FloatArrayArg sums = GetFloatArrayOfLength(info[5], "rowSums", rows);
  if (sums.dtype != Dtype::F64) ThrowType(env, "a Float64Array", "rowSums", info[5]);
  Napi::Object o = GetOptions(info[6], "options");
  const int threads = GetThreads(o.Get("threads"));
  auto* w = new GramAccumulateWorker(env, data.f64(), rows, cols, shift.f64(), const_cast<double*>(gram.f64()),
                                     const_cast<double*>(sums.f64()), threads);
  w->Keep(data.array);
  w->Keep(shift.array);
  w->Keep(gram.array);
  w->Keep(sums.array);
  return w->Start();
}

}  // namespace

SEEDSCOPE_EXPORT("gramAccumulate", GramAccumulate);

}  // namespace seedscope_binding
