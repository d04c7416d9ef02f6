#!/usr/bin/env bash
# The system packages rdmacheck's tests use: Chromium for the HTML report's browser test;
# libibverbs-dev (headers the fabric's libibverbs is built against), ibverbs-utils (the
# unmodified programs the fabric tests run) and a C compiler for the fabric (test/fabric).
# (The native backend's stage installs its own: scripts/ci-native.sh.) Safe to re-run.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -f /usr/include/infiniband/verbs.h ] || missing+=(libibverbs-dev)
command -v ibv_rc_pingpong >/dev/null 2>&1 || missing+=(ibverbs-utils)
command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v make >/dev/null 2>&1 || missing+=(make)
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: chromium, libibverbs-dev, ibverbs-utils, gcc and make already installed"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "setup-system: run as root (apt-get install ${missing[*]}), or skip: those tests then skip with the reason" >&2
  exit 0
fi
# Another apt (an unattended upgrade, a parallel job) may hold the dpkg lock: wait for it.
for _ in $(seq 1 120); do
  if ! fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock >/dev/null 2>&1; then break; fi
  echo "setup-system: waiting for the dpkg lock"
  sleep 5
done
apt-get -o DPkg::Lock::Timeout=600 update -q
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
