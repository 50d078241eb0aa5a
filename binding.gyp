{
  # Fallback build for machines without CMake (native/build.mjs chooses).
  # The source lists are expanded from the folders at configure time, exactly
  # like CMakeLists.txt's globs: there is no second hand-kept list.
  # Compiler flags match CMakeLists.txt's SEEDSCOPE_CXX_FLAGS (-O3
  # -fno-math-errno -fexceptions -Wall -Wextra, C++17, NDEBUG as CMake's
  # Release) for every file, core and binding alike: keep the two in step. No
  # -march=native and no per-file -m flags (the AVX2 / AVX-512 kernels carry
  # target attributes and are chosen at run time).
  "targets": [
    {
      "target_name": "seedscope",
      "sources": [
        "<!@(node -p \"require('fs').readdirSync('native/core').filter(f=>f.endsWith('.cc')).map(f=>'native/core/'+f).join(' ')\")",
        "<!@(node -p \"require('fs').readdirSync('native/binding').filter(f=>f.endsWith('.cc')).map(f=>'native/binding/'+f).join(' ')\")"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native/core"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NDEBUG",
        "SEEDSCOPE_BUILD_SYSTEM=\"node-gyp\"",
        "SEEDSCOPE_BUILD_TYPE=\"Release\""
      ],
      # node-gyp's defaults add -Wno-unused-parameter and -fno-exceptions; CMake has neither.
      "cflags!": ["-fno-exceptions", "-Wno-unused-parameter"],
      "cflags_cc!": ["-fno-exceptions", "-Wno-unused-parameter", "-std=gnu++14", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-O3", "-fno-math-errno", "-fexceptions", "-Wall", "-Wextra"],
      "ldflags": ["-pthread"]
    }
  ]
}
