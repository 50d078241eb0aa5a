// Argument checks for every exported function. The addon trusts nothing the
// TypeScript side did: dtype, length against shape, integer ranges. Errors are
// TypeError / RangeError with one message shape:
//   "Expected <what> for <argument> but received <what came>".
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace seedscope_binding {

enum class Dtype { F32, F64 };

struct FloatArrayArg {
  Napi::TypedArray array;  // keep via PromiseWorker::Keep while work is queued
  const void* data = nullptr;
  std::size_t length = 0;
  Dtype dtype = Dtype::F32;
  const float* f32() const { return static_cast<const float*>(data); }
  const double* f64() const { return static_cast<const double*>(data); }
};

std::string DescribeValue(const Napi::Value& v);

[[noreturn]] void ThrowType(Napi::Env env, const std::string& expected, const char* arg,
                            const Napi::Value& got);
[[noreturn]] void ThrowRange(Napi::Env env, const std::string& message);

// A Float32Array or Float64Array (others rejected).
FloatArrayArg GetFloatArray(const Napi::Value& v, const char* arg);
// Exactly a Float64Array.
FloatArrayArg GetFloat64Array(const Napi::Value& v, const char* arg);
// A Float32Array or Float64Array of exactly `expected` elements.
FloatArrayArg GetFloatArrayOfLength(const Napi::Value& v, const char* arg, std::size_t expected);
// An Int32Array / Uint32Array view (e.g. labels, indices).
Napi::TypedArray GetIntArray(const Napi::Value& v, const char* arg);

// A finite integer in [min, max].
std::int64_t GetInteger(const Napi::Value& v, const char* arg, std::int64_t min, std::int64_t max);
// Like GetInteger, but `undefined` gives `fallback`.
std::int64_t GetOptionalInteger(const Napi::Value& v, const char* arg, std::int64_t min,
                                std::int64_t max, std::int64_t fallback);
double GetFiniteNumber(const Napi::Value& v, const char* arg);
bool GetOptionalBool(const Napi::Value& v, const char* arg, bool fallback);
// A string that is one of `allowed`.
std::string GetEnum(const Napi::Value& v, const char* arg, const std::vector<std::string>& allowed);
// An options object (undefined gives an empty object).
Napi::Object GetOptions(const Napi::Value& v, const char* arg);
// Threads: undefined/0 = all cores; otherwise 1..1024.
int GetThreads(const Napi::Value& v);

// n*m without overflow, else RangeError naming the argument.
std::size_t CheckedProduct(Napi::Env env, std::size_t a, std::size_t b, const char* arg);

}  // namespace seedscope_binding
