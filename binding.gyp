{
  # Fallback build for machines without CMake (native/build.mjs chooses).
  # The source lists are expanded from the folders at configure time, exactly
  # like CMakeLists.txt's globs: there is no second hand-kept list.
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
        "SEEDSCOPE_BUILD_SYSTEM=\"node-gyp\"",
        "SEEDSCOPE_BUILD_TYPE=\"Release\""
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++14", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-fno-math-errno"],
      "ldflags": ["-pthread"]
    }
  ]
}
