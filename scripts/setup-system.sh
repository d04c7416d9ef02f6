#!/usr/bin/env bash
# The system packages rdmacheck's tests use, installed only where missing (safe to re-run):
#   chromium                        the HTML report's browser test
#   valgrind                        leak checks of the C-ABI layer host and examples
#   libibverbs-dev, ibverbs-utils   the native addon's headers; the simulated-verbs fabric's
#                                   library and Debian's unmodified verbs programs
#   perftest                        ib_send_lat, ib_write_lat, ... on the fabric (test/fabric/perftest)
# (The QEMU guests' own packages are installed by scripts/ci-native.sh.)
set -euo pipefail
want=(chromium valgrind libibverbs-dev ibverbs-utils perftest)
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: all installed (${want[*]})"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "setup-system: missing ${missing[*]}: run as root (apt-get install ${missing[*]}); the tests that need them skip with the reason" >&2
  exit 0
fi
# Another apt (an unattended upgrade, a parallel job) may hold the dpkg lock: wait for it, up to 10 minutes.
apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
apt_get update -q
DEBIAN_FRONTEND=noninteractive apt_get install -y -q --no-install-recommends "${missing[@]}"
