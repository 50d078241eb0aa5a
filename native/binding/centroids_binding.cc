// classCentroids(data: Float32Array (n × d), n, d, rowOf: Int32Array (n), invCount: Float64Array (rows),
//   {subtract, threads}) → Promise<Float32Array> (rows × d); with subtract, data loses its centroids in place.
#include <napi.h>

#include <string>
#include <vector>

#include "args.h"
#include "centroids.h"
#include "promise_worker.h"
#include "registry.h"

namespace seedscope_binding {

namespace {

class CentroidsWorker final : public PromiseWorker {
 public:
  CentroidsWorker(Napi::Env env, float* data, std::size_t n, std::size_t d, const std::int32_t* row_of,
                  const double* inv, std::size_t rows, bool subtract, int threads)
      : PromiseWorker(env, "seedscope.classCentroids"), data_(data), n_(n), d_(d), row_of_(row_of), inv_(inv),
        rows_(rows), subtract_(subtract), threads_(threads), out_(rows * d) {}

 protected:
  void Run(const seedscope::Progress& progress) override {
    seedscope::class_centroids(data_, n_, d_, row_of_, inv_, rows_, subtract_, threads_, out_.data(), progress);
  }
  Napi::Value Result(Napi::Env env) override {
    auto a = Napi::Float32Array::New(env, out_.size());
    std::copy(out_.begin(), out_.end(), a.Data());
    return a;
  }

 private:
  float* data_;
  std::size_t n_, d_;
  const std::int32_t* row_of_;
  const double* inv_;
  std::size_t rows_;
  bool subtract_;
  int threads_;
  std::vector<float> out_;
};

Napi::Value ClassCentroids(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::size_t n = static_cast<std::size_t>(GetInteger(info[1], "n", 1, 1LL << 31));
  std::size_t d = static_cast<std::size_t>(GetInteger(info[2], "d", 1, 1LL << 40));
  FloatArrayArg data = GetFloatArrayOfLength(info[0], "data", CheckedProduct(env, n, d, "data"));
  if (data.dtype != Dtype::F32) ThrowType(env, "a Float32Array", "data", info[0]);
  if (!info[3].IsTypedArray() || info[3].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    ThrowType(env, "an Int32Array", "rowOf", info[3]);
  Napi::Int32Array row_of = info[3].As<Napi::Int32Array>();
  if (row_of.ElementLength() != n)
    ThrowRange(env, "Expected " + std::to_string(n) + " entries for rowOf but received " +
                        std::to_string(row_of.ElementLength()));
  FloatArrayArg inv = GetFloat64Array(info[4], "invCount");
  const std::size_t rows = inv.length;
  for (std::size_t i = 0; i < n; ++i)
    if (row_of[i] < 0 || static_cast<std::size_t>(row_of[i]) >= rows)
      ThrowRange(env, "Expected rows in [0, " + std::to_string(rows) + ") for rowOf but received " +
                          std::to_string(row_of[i]) + " at " + std::to_string(i));
  Napi::Object o = GetOptions(info[5], "options");
  bool subtract = GetOptionalBool(o.Get("subtract"), "options.subtract", false);
  int threads = GetThreads(o.Get("threads"));
  CheckedProduct(env, rows, d, "the centroids");
  auto* w = new CentroidsWorker(env, const_cast<float*>(data.f32()), n, d, row_of.Data(), inv.f64(), rows,
                                subtract, threads);
  w->Keep(data.array);
  w->Keep(row_of);
  w->Keep(inv.array);
  return w->Start();
}

}  // namespace

SEEDSCOPE_EXPORT("classCentroids", ClassCentroids);

}  // namespace seedscope_binding
