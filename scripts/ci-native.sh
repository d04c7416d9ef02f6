#!/bin/bash
# CI stage (after `npm test`): the native ibverbs backend on real kernel Soft-RoCE.
#   1. host packages, the guest kernel (downloaded, pruned) and the initramfs (scripts/vm/prepare.sh)
#   2. the addon, strictly (this stage needs it): node scripts/build-native.js --strict; the packet filter
#   3. jest's transform cache warmed on the host (the guests are slow TCG machines)
#   4. two QEMU guests wired by two links; guest B runs the agent, guest A test/native-vm; then
#      perftest/pingpong on Soft-RoCE (guest-perftest.sh), compared with the fabric on the host
# Prints per-scenario timings; exits non-zero when any step or test fails.
#   SKIP_APT=1   skip apt-get (packages already installed)      VM_TIMEOUT_S=600  guest time limit
set -uo pipefail
REPO=$(readlink -f "$(dirname "$0")/..")
cd "$REPO" || exit 2
export VM_DIR=${VM_DIR:-$REPO/.vm}
step_start=$SECONDS
step() { echo "[ci-native +${SECONDS}s] $*"; }
took() { echo "[ci-native] $1 took $((SECONDS - step_start)) s"; step_start=$SECONDS; }
fail() { echo "[ci-native] FAILED: $*"; exit 1; }

step "prepare the VM (packages, kernel, initramfs)"
scripts/vm/prepare.sh || fail "scripts/vm/prepare.sh"
took "prepare"

step "build the addon"
node scripts/build-native.js --strict || fail "the addon did not build (see above)"
took "addon build"

step "build the exact packet filter (adapters/native/filter/roce-filter.c)"
cc -O2 -Wall -o adapters/native/build/roce-filter adapters/native/filter/roce-filter.c -lnetfilter_queue ||
  fail "the packet filter did not build (libnetfilter-queue-dev installed?)"
took "filter build"

step "warm jest's cache for the guests (the suite skips on the host: no RDMA device here)"
node node_modules/jest/bin/jest.js -c scripts/vm/jest.vm.config.js --cacheDirectory "$VM_DIR/jest-cache" --silent >/dev/null 2>&1
took "cache warm-up"

step "boot the guest pair and run test/native-vm"
# The guests' limit covers the suite and, after it, the perftest step (its own 300 s limit in guest-native.sh).
OUT_DIR="$VM_DIR/pair" scripts/vm/boot-pair.sh "$REPO/scripts/vm/guest-native.sh" $(( ${VM_TIMEOUT_S:-600} + 300 ))
rc=$?
took "guest pair"

step "perftest and ibv_rc_pingpong: the fabric (nic rxe) vs Soft-RoCE"
node scripts/build-fabric.js --strict || fail "the fabric library did not build (see above)"
node -r ts-node/register/transpile-only test/fabric/side-by-side.ts \
  --kernel "$VM_DIR/pair/a/perftest" "$VM_DIR/pair/b/perftest" --out "$VM_DIR/side-by-side.md" || rc=1
took "side by side"

echo "[ci-native] per-scenario timings on Soft-RoCE:"
sed 's/^/  /' "$VM_DIR/pair/a/timings.txt" 2>/dev/null || echo "  (none recorded)"
echo "[ci-native] differential stage (simulator nic rxe vs Soft-RoCE; npm run differential:figure updates README):"
sed 's/^/  /' "$VM_DIR/pair/a/rdmacheck-differential.txt" 2>/dev/null || echo "  (no differential table came back)"
echo "[ci-native] a failure seen on Soft-RoCE, shrunk on the simulator (rdmacheck shrink --adapter native; README 'Shrink your bug report'):"
sed 's/^/  /' "$VM_DIR/pair/a/rdmacheck-shrink.txt" 2>/dev/null || echo "  (no shrink output came back)"
if [ -f "$VM_DIR/pair/a/jest.json" ]; then
  node -e '
    const r = require(process.argv[1]);
    for (const f of r.testResults) for (const t of f.assertionResults)
      console.log(`  ${t.status.padEnd(7)} ${String(t.duration ?? 0).padStart(6)} ms  ${t.fullName}`);
    console.log(`[ci-native] tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
    if (r.numPendingTests > 0 && r.numPassedTests === 0) process.exit(3);
  ' "$VM_DIR/pair/a/jest.json" || rc=1
else
  echo "[ci-native] no jest result came back from guest A"; rc=1
fi
echo "[ci-native] total $SECONDS s, exit $rc"
exit $rc
