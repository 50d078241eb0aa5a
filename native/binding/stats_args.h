// Argument checks shared by the statistics bindings.
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

#include "args.h"
#include "pair_statistic.h"
#include "promise_worker.h"

namespace seedscope_binding {

// An array of at least `min_count` Float64Arrays, each of exactly `length` elements.
std::vector<FloatArrayArg> GetCondensedList(const Napi::Value& v, const char* arg, std::size_t length,
                                            std::size_t min_count);
seedscope::PairMethod GetPairMethod(const Napi::Value& v, const char* arg);
// A seed: an integer in [0, 2^53 − 1]; undefined gives 0.
std::uint64_t GetSeed(const Napi::Value& v);
Napi::Float64Array ToFloat64Array(Napi::Env env, const std::vector<double>& values);
// The data of each Float64Array, for a worker that reads them off the main thread.
std::vector<const double*> DataPointers(const std::vector<FloatArrayArg>& arrays);
// Keeps every array alive until the worker is done with its pointers.
void KeepAll(PromiseWorker& worker, const std::vector<FloatArrayArg>& arrays);

}  // namespace seedscope_binding
