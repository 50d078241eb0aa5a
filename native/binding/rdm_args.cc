#include "rdm_args.h"

#include <string>

namespace seedscope_binding {

ActivationsArg GetActivations(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FloatArrayArg acts = GetFloatArray(info[0], "acts");
  const auto n = static_cast<std::size_t>(GetInteger(info[1], "n", 2, kMaxStimuli));
  const auto d = static_cast<std::size_t>(GetInteger(info[2], "d", 1, kMaxFeatures));
  const std::size_t expected = CheckedProduct(env, n, d, "acts");
  if (acts.length != expected)
    ThrowRange(env, "Expected n*d = " + std::to_string(expected) + " elements for acts but received " +
                        std::to_string(acts.length));
  return {acts, n, d};
}

seedscope::RdmMetric GetRdmMetric(const Napi::Value& v) {
  if (v.IsUndefined()) return seedscope::RdmMetric::Correlation;
  const std::string m = GetEnum(v, "options.metric", {"correlation", "cosine", "euclidean", "sqeuclidean"});
  if (m == "cosine") return seedscope::RdmMetric::Cosine;
  if (m == "euclidean") return seedscope::RdmMetric::Euclidean;
  if (m == "sqeuclidean") return seedscope::RdmMetric::SqEuclidean;
  return seedscope::RdmMetric::Correlation;
}

Napi::Object RdmWithNanList(Napi::Env env, const std::vector<seedscope::NanStimulus>& nan, Napi::Value rdm) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("rdm", rdm);
  Napi::Array idx = Napi::Array::New(env, nan.size());
  Napi::Array why = Napi::Array::New(env, nan.size());
  for (std::size_t i = 0; i < nan.size(); ++i) {
    idx.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(nan[i].index)));
    why.Set(static_cast<uint32_t>(i), Napi::String::New(env, seedscope::nan_reason_name(nan[i].reason)));
  }
  o.Set("nanStimuli", idx);
  o.Set("nanReasons", why);
  return o;
}

}  // namespace seedscope_binding
