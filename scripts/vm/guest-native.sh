#!/bin/bash
# Runs inside both guests of boot-pair.sh. Brings up Soft-RoCE (rxe0 on eth0, rxe1 on eth1), then
#   role=b: the agent (host B) on 10.3.0.2:18600 (wire 3) until the driver sends 'shutdown';
#   role=a: the native jest suite (test/native-vm) against that agent; results in /mnt/out;
#   then both: guest-perftest.sh (B the servers, A the clients), results in /mnt/out/perftest.
role=$(sed -n 's/.* role=\([ab]\).*/\1/p' /proc/cmdline)
REPO=$(readlink -f "$TESTDIR/../..")
log() { echo "[$role $(cut -d' ' -f1 /proc/uptime)s] $*"; }
modprobe rdma_rxe || exit 10
# The exact packet faults (adapters/native/packetFilter.ts) queue RoCEv2 packets to user space.
modprobe -a nf_tables nft_queue nfnetlink_queue || log "netfilter queue modules missing: exact drops will fail"
rdma link add rxe0 type rxe netdev eth0 || exit 11
rdma link add rxe1 type rxe netdev eth1 || exit 12
for i in $(seq 100); do
  grep -q ACTIVE /sys/class/infiniband/rxe0/ports/1/state && grep -q ACTIVE /sys/class/infiniband/rxe1/ports/1/state && break
  sleep 0.1
done
log "rxe up: $(rdma link | tr '\n' ';')"
cd "$REPO" || exit 13
# A separate step with its own time limit, after the suite (A) and the agent (B) are done: the
# programs of scripts/vm/perftest-cases.txt on Soft-RoCE; the host compares them with the fabric.
perftest_step() {
  timeout -k 5 300 bash "$TESTDIR/guest-perftest.sh"
  log "perftest step rc=$?"
}
# The harness channel runs on wire 3 (the management network): path faults never cut it.
export RDMACHECK_AGENT=10.3.0.2:18600
if [ "$role" = b ]; then
  log "starting the agent"
  timeout "${AGENT_TIMEOUT_S:-540}" node -r ts-node/register/transpile-only adapters/native/agent-cli.ts \
    --port 18600 --paths rxe0:eth0,rxe1:eth1 --preload src/layers/index.ts
  rc=$?; log "agent exited rc=$rc"
  perftest_step
  exit $rc
fi
busybox ping -c1 -W10 10.1.0.2 >/dev/null && log "wire 1 reaches B" || log "wire 1: no ping reply yet"
log "running test/native-vm"
node node_modules/jest/bin/jest.js -c scripts/vm/jest.vm.config.js --runInBand --verbose \
  --cacheDirectory "$REPO/.vm/jest-cache" --json --outputFile /mnt/out/jest.json 2>&1 | tee /mnt/out/jest.log
rc=${PIPESTATUS[0]}
cp /tmp/rdmacheck-native-timings.txt /mnt/out/timings.txt 2>/dev/null
cp /tmp/rdmacheck-differential.txt /tmp/rdmacheck-differential.json /mnt/out/ 2>/dev/null
cp /tmp/rdmacheck-shrink.txt /tmp/rdmacheck-shrink-native.txt /mnt/out/ 2>/dev/null
# Stop the agent whatever happened to the suite (it also stops at its own timeout).
node -e "const s=require('net').connect(18600,'10.3.0.2',()=>s.end(JSON.stringify({type:'shutdown',id:1})+'\n'));s.on('error',()=>{})"
log "suite rc=$rc"
perftest_step
exit $rc
