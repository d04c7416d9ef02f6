{
  # The in-process addon of C-ABI layers; built by scripts/build-clayer.js (optional).
  "targets": [
    {
      "target_name": "rdmacheck_clayer",
      "sources": ["src/addon.cc", "src/dispatch.c"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api"],
      "cflags": ["-Wall", "-Wextra"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"],
      "libraries": ["-ldl"]
    }
  ]
}
