#!/usr/bin/env bash
# The system packages rdmacheck's tests use: Chromium for the HTML report's browser test.
# (The native backend's stage installs its own: scripts/ci-native.sh.) Safe to re-run.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "chromium already installed: $(chromium --version 2>/dev/null | head -1)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "setup-system: run as root (apt-get install chromium), or skip: the browser test then skips with the reason" >&2
  exit 0
fi
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium valgrind
