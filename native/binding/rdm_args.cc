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

}  // namespace seedscope_binding
