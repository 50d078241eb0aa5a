// Each binding file registers its exported functions with one static
// SEEDSCOPE_EXPORT line, so adding an operation never edits a central list.
#pragma once

#include <napi.h>

#include <utility>
#include <vector>

namespace seedscope_binding {

using ExportFn = Napi::Value (*)(const Napi::CallbackInfo&);

std::vector<std::pair<const char*, ExportFn>>& export_registry();

struct Registrar {
  Registrar(const char* name, ExportFn fn) { export_registry().emplace_back(name, fn); }
};

}  // namespace seedscope_binding

#define SEEDSCOPE_EXPORT_CONCAT2(a, b) a##b
#define SEEDSCOPE_EXPORT_CONCAT(a, b) SEEDSCOPE_EXPORT_CONCAT2(a, b)
#define SEEDSCOPE_EXPORT(js_name, fn)                                                    \
  static ::seedscope_binding::Registrar SEEDSCOPE_EXPORT_CONCAT(seedscope_registrar_, \
                                                                __LINE__)(js_name, fn)
