// Module entry: exports everything registered with SEEDSCOPE_EXPORT plus the
// build description and global cancellation.
#include <napi.h>

#include "cpu_features.h"
#include "mantel_screen.h"
#include "progress.h"
#include "registry.h"

#ifndef SEEDSCOPE_BUILD_SYSTEM
#define SEEDSCOPE_BUILD_SYSTEM "unknown"
#endif
#ifndef SEEDSCOPE_BUILD_TYPE
#define SEEDSCOPE_BUILD_TYPE "unknown"
#endif

namespace seedscope_binding {

std::vector<std::pair<const char*, ExportFn>>& export_registry() {
  static std::vector<std::pair<const char*, ExportFn>> registry;
  return registry;
}

static Napi::Value BuildInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("build", SEEDSCOPE_BUILD_SYSTEM);
  o.Set("buildType", SEEDSCOPE_BUILD_TYPE);
  o.Set("isa", seedscope::isa_name(seedscope::active_isa()));
  o.Set("cpuIsa", seedscope::isa_name(seedscope::detect_cpu_isa()));
  o.Set("mantelScreen", seedscope::MantelScreen::kernel_name());
  o.Set("threads", seedscope::default_threads());
  o.Set("compiler", __VERSION__);
  o.Set("napiVersion", NAPI_VERSION);
  return o;
}

static Napi::Value CancelAll(const Napi::CallbackInfo& info) {
  seedscope::cancel_all();
  return info.Env().Undefined();
}

}  // namespace seedscope_binding

static Napi::Object InitSeedscope(Napi::Env env, Napi::Object exports) {
  using namespace seedscope_binding;
  exports.Set("buildInfo", Napi::Function::New(env, BuildInfo, "buildInfo"));
  exports.Set("cancelAll", Napi::Function::New(env, CancelAll, "cancelAll"));
  for (const auto& [name, fn] : export_registry())
    exports.Set(name, Napi::Function::New(env, fn, name));
  return exports;
}

NODE_API_MODULE(seedscope, InitSeedscope)
