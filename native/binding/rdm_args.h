// What the RDM operations share (computeRdm, computeRdmSplit, computeRdmFromFile):
// the activations with their n and d, options.metric, and the result object of
// one RDM with its NaN list. Arguments are checked once here.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "args.h"
#include "rdm.h"

namespace seedscope_binding {

// 46340² < 2³¹: the square output's index stays in range.
constexpr std::int64_t kMaxStimuli = 46340;
constexpr std::int64_t kMaxFeatures = std::int64_t(1) << 40;

struct ActivationsArg {
  FloatArrayArg acts;
  std::size_t n;
  std::size_t d;
};

// info[0] acts (Float32Array or Float64Array), info[1] n ≥ 2, info[2] d ≥ 1; acts holds n·d values.
ActivationsArg GetActivations(const Napi::CallbackInfo& info);

// options.metric: correlation (default), cosine, euclidean or sqeuclidean.
seedscope::RdmMetric GetRdmMetric(const Napi::Value& v);

// The result object of one RDM: { rdm, nanStimuli: [index…], nanReasons: [reason…] }.
Napi::Object RdmWithNanList(Napi::Env env, const std::vector<seedscope::NanStimulus>& nan, Napi::Value rdm);

}  // namespace seedscope_binding
