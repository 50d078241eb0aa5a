#include "stats_args.h"

#include <algorithm>
#include <string>

namespace seedscope_binding {

std::vector<FloatArrayArg> GetCondensedList(const Napi::Value& v, const char* arg, std::size_t length,
                                            std::size_t min_count) {
  if (!v.IsArray()) ThrowType(v.Env(), "an array of Float64Array", arg, v);
  Napi::Array list = v.As<Napi::Array>();
  if (list.Length() < min_count)
    ThrowRange(v.Env(), "Expected at least " + std::to_string(min_count) + " arrays for " + arg +
                            " but received " + std::to_string(list.Length()));
  std::vector<FloatArrayArg> out;
  for (std::uint32_t i = 0; i < list.Length(); ++i) {
    std::string name = std::string(arg) + "[" + std::to_string(i) + "]";
    FloatArrayArg a = GetFloat64Array(list.Get(i), name.c_str());
    if (a.length != length)
      ThrowRange(v.Env(), "Expected " + std::to_string(length) + " elements for " + name + " but received " +
                              std::to_string(a.length));
    out.push_back(a);
  }
  return out;
}

seedscope::PairMethod GetPairMethod(const Napi::Value& v, const char* arg) {
  if (v.IsUndefined()) return seedscope::PairMethod::Pearson;
  return seedscope::parse_pair_method(GetEnum(v, arg, {"pearson", "r2", "spearman", "rho-a", "tau-a", "cosine"}));
}

std::uint64_t GetSeed(const Napi::Value& v) {
  return static_cast<std::uint64_t>(GetOptionalInteger(v, "options.seed", 0, 9007199254740991LL, 0));
}

Napi::Float64Array ToFloat64Array(Napi::Env env, const std::vector<double>& values) {
  Napi::Float64Array a = Napi::Float64Array::New(env, values.size());
  std::copy(values.begin(), values.end(), a.Data());
  return a;
}

std::vector<const double*> DataPointers(const std::vector<FloatArrayArg>& arrays) {
  std::vector<const double*> ptrs;
  ptrs.reserve(arrays.size());
  for (const auto& a : arrays) ptrs.push_back(a.f64());
  return ptrs;
}

void KeepAll(PromiseWorker& worker, const std::vector<FloatArrayArg>& arrays) {
  for (const auto& a : arrays) worker.Keep(a.array);
}

}  // namespace seedscope_binding
