// trimHeap(minFree): hands the C heap's free memory back to the system when
// at least minFree bytes of it lie free; returns the free bytes it found.
// Why: the Mantel, bootstrap and RDM engines allocate and free buffers of
// megabytes on the pool's threads. glibc raises its mmap threshold after the
// first such free, so later buffers come from the heap arenas, and freeing
// them leaves the pages resident: at K = 100 a run kept 2 GiB after its
// Mantel tests, beside the next step's planned memory. Trimming costs
// milliseconds (and the pages fault in again when reused), so small amounts
// stay. The run calls this where it releases a step's memory
// (src/pipeline/collectGarbage.ts).
#include <napi.h>

#include <cstddef>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "registry.h"

namespace seedscope_binding {

namespace {

#if defined(__GLIBC__)
std::size_t free_heap_bytes() {
#if __GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33)
  struct mallinfo2 mi = mallinfo2();
  return mi.fordblks;
#else
  struct mallinfo mi = mallinfo();  // int fields: wraps beyond 2 GiB, enough to decide
  return static_cast<std::size_t>(static_cast<unsigned int>(mi.fordblks));
#endif
}
#endif

Napi::Value TrimHeap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double min_free = 0;
  if (info.Length() > 0) {
    if (!info[0].IsNumber() || !(info[0].As<Napi::Number>().DoubleValue() >= 0)) {
      Napi::TypeError::New(env, "trimHeap: minFree must be a number of bytes ≥ 0").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    min_free = info[0].As<Napi::Number>().DoubleValue();
  }
  Napi::Object out = Napi::Object::New(env);
#if defined(__GLIBC__)
  const std::size_t free_bytes = free_heap_bytes();
  const bool trim = static_cast<double>(free_bytes) >= min_free;
  out.Set("free", Napi::Number::New(env, static_cast<double>(free_bytes)));
  out.Set("trimmed", Napi::Boolean::New(env, trim && malloc_trim(0) != 0));
#else
  out.Set("free", Napi::Number::New(env, 0));
  out.Set("trimmed", Napi::Boolean::New(env, false));
#endif
  return out;
}

}  // namespace

SEEDSCOPE_EXPORT("trimHeap", TrimHeap);

}  // namespace seedscope_binding
