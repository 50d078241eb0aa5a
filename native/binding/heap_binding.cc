// trimHeap(): hands the C heap's free memory back to the system.
// Why: the Mantel, bootstrap and RDM engines allocate and free buffers of
// megabytes on the pool's threads. glibc raises its mmap threshold after the
// first such free, so later buffers come from the heap arenas, and freeing
// them leaves the pages resident: at K = 100 a run kept 2 GiB after its
// Mantel tests, beside the next step's planned memory. The run calls this
// where it releases a step's memory (src/pipeline/collectGarbage.ts).
#include <napi.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "registry.h"

namespace seedscope_binding {

namespace {

Napi::Value TrimHeap(const Napi::CallbackInfo& info) {
#if defined(__GLIBC__)
  return Napi::Boolean::New(info.Env(), malloc_trim(0) != 0);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

}  // namespace

SEEDSCOPE_EXPORT("trimHeap", TrimHeap);

}  // namespace seedscope_binding
