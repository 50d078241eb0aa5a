#include "args.h"

#include <cmath>
#include <limits>

namespace seedscope_binding {

static const char* TypedArrayName(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_uint8_clamped_array: return "Uint8ClampedArray";
    case napi_int16_array: return "Int16Array";
    case napi_uint16_array: return "Uint16Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    case napi_bigint64_array: return "BigInt64Array";
    case napi_biguint64_array: return "BigUint64Array";
    default: return "TypedArray";
  }
}

std::string DescribeValue(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsTypedArray()) {
    auto a = v.As<Napi::TypedArray>();
    return std::string(TypedArrayName(a.TypedArrayType())) + " of length " +
           std::to_string(a.ElementLength());
  }
  if (v.IsArrayBuffer()) return "ArrayBuffer";
  if (v.IsArray()) return "Array";
  if (v.IsString()) return "string '" + v.As<Napi::String>().Utf8Value() + "'";
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    std::string s = std::to_string(d);
    // trim trailing zeros of std::to_string's fixed format
    if (s.find('.') != std::string::npos) {
      while (!s.empty() && s.back() == '0') s.pop_back();
      if (!s.empty() && s.back() == '.') s.pop_back();
    }
    return "number " + s;
  }
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? "true" : "false";
  if (v.IsFunction()) return "function";
  if (v.IsObject()) return "object";
  return "value";
}

void ThrowType(Napi::Env env, const std::string& expected, const char* arg, const Napi::Value& got) {
  throw Napi::TypeError::New(env, "Expected " + expected + " for " + arg + " but received " +
                                      DescribeValue(got));
}

void ThrowRange(Napi::Env env, const std::string& message) {
  throw Napi::RangeError::New(env, message);
}

FloatArrayArg GetFloatArray(const Napi::Value& v, const char* arg) {
  if (!v.IsTypedArray()) ThrowType(v.Env(), "a Float32Array or Float64Array", arg, v);
  auto a = v.As<Napi::TypedArray>();
  FloatArrayArg out;
  out.array = a;
  out.length = a.ElementLength();
  if (a.TypedArrayType() == napi_float32_array) {
    out.dtype = Dtype::F32;
    out.data = a.As<Napi::Float32Array>().Data();
  } else if (a.TypedArrayType() == napi_float64_array) {
    out.dtype = Dtype::F64;
    out.data = a.As<Napi::Float64Array>().Data();
  } else {
    ThrowType(v.Env(), "a Float32Array or Float64Array", arg, v);
  }
  return out;
}

FloatArrayArg GetFloat64Array(const Napi::Value& v, const char* arg) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    ThrowType(v.Env(), "a Float64Array", arg, v);
  return GetFloatArray(v, arg);
}

FloatArrayArg GetFloatArrayOfLength(const Napi::Value& v, const char* arg, std::size_t expected) {
  FloatArrayArg a = GetFloatArray(v, arg);
  if (a.length != expected)
    ThrowRange(v.Env(), std::string("Expected ") + std::to_string(expected) + " elements for " + arg +
                            " but received " + std::to_string(a.length));
  return a;
}

Napi::TypedArray GetIntArray(const Napi::Value& v, const char* arg) {
  if (!v.IsTypedArray()) ThrowType(v.Env(), "an Int32Array or Uint32Array", arg, v);
  auto a = v.As<Napi::TypedArray>();
  if (a.TypedArrayType() != napi_int32_array && a.TypedArrayType() != napi_uint32_array)
    ThrowType(v.Env(), "an Int32Array or Uint32Array", arg, v);
  return a;
}

std::int64_t GetInteger(const Napi::Value& v, const char* arg, std::int64_t min, std::int64_t max) {
  std::string want = "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  if (!v.IsNumber()) ThrowType(v.Env(), want, arg, v);
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d) ThrowType(v.Env(), want, arg, v);
  if (d < static_cast<double>(min) || d > static_cast<double>(max))
    throw Napi::RangeError::New(v.Env(), "Expected " + want + " for " + arg + " but received " +
                                             DescribeValue(v));
  return static_cast<std::int64_t>(d);
}

std::int64_t GetOptionalInteger(const Napi::Value& v, const char* arg, std::int64_t min,
                                std::int64_t max, std::int64_t fallback) {
  if (v.IsUndefined() || v.IsNull()) return fallback;
  return GetInteger(v, arg, min, max);
}

double GetFiniteNumber(const Napi::Value& v, const char* arg) {
  if (!v.IsNumber()) ThrowType(v.Env(), "a finite number", arg, v);
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) ThrowType(v.Env(), "a finite number", arg, v);
  return d;
}

bool GetOptionalBool(const Napi::Value& v, const char* arg, bool fallback) {
  if (v.IsUndefined() || v.IsNull()) return fallback;
  if (!v.IsBoolean()) ThrowType(v.Env(), "a boolean", arg, v);
  return v.As<Napi::Boolean>().Value();
}

std::string GetEnum(const Napi::Value& v, const char* arg, const std::vector<std::string>& allowed) {
  std::string list;
  for (std::size_t i = 0; i < allowed.size(); ++i) list += (i ? "|" : "") + allowed[i];
  if (!v.IsString()) ThrowType(v.Env(), "one of " + list, arg, v);
  std::string s = v.As<Napi::String>().Utf8Value();
  for (const auto& a : allowed)
    if (a == s) return s;
  ThrowType(v.Env(), "one of " + list, arg, v);
}

Napi::Object GetOptions(const Napi::Value& v, const char* arg) {
  if (v.IsUndefined() || v.IsNull()) return Napi::Object::New(v.Env());
  if (!v.IsObject() || v.IsArray() || v.IsTypedArray()) ThrowType(v.Env(), "an options object", arg, v);
  return v.As<Napi::Object>();
}

int GetThreads(const Napi::Value& v) {
  return static_cast<int>(GetOptionalInteger(v, "threads", 0, 1024, 0));
}

std::size_t CheckedProduct(Napi::Env env, std::size_t a, std::size_t b, const char* arg) {
  if (a != 0 && b > std::numeric_limits<std::size_t>::max() / a)
    ThrowRange(env, std::string("Expected a size that fits in memory for ") + arg);
  return a * b;
}

}  // namespace seedscope_binding
