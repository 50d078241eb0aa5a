// exitNow(code): ends the process at once with `code`, without running
// atexit handlers, static destructors or Node's environment teardown.
// Why: a second Ctrl-C must end a run while onnxruntime (in a worker
// thread) or the native pool is mid-call. process.exit() tears those
// addons down under their feet, and a Napi::Error thrown during that
// teardown reaches std::terminate (SIGABRT). The caller removes its
// staging folders and flushes what it wrote to stderr first (synchronous
// writes), so nothing is lost by skipping the unwinding.
#include <napi.h>

#include <cstdlib>

#include "registry.h"

namespace seedscope_binding {

namespace {

Napi::Value ExitNow(const Napi::CallbackInfo& info) {
  int code = 1;
  if (info.Length() > 0 && info[0].IsNumber()) code = info[0].As<Napi::Number>().Int32Value();
  std::_Exit(code);
}

}  // namespace

SEEDSCOPE_EXPORT("exitNow", ExitNow);

}  // namespace seedscope_binding
