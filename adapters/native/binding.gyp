{
  # Built by scripts/build-native.js only where <infiniband/verbs.h> exists (libibverbs-dev).
  "targets": [
    {
      "target_name": "rdmacheck_verbs",
      "sources": [
        "src/addon.cc",
        "src/args.cc",
        "src/context.cc",
        "src/pd.cc",
        "src/cq.cc",
        "src/qp.cc"
      ],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-libverbs"]
    }
  ]
}
