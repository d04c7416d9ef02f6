#!/bin/bash
# Runs inside both guests of boot-pair.sh, after the native suite (guest-native.sh calls it with
# its own time limit) or on its own (boot-pair.sh scripts/vm/guest-perftest.sh): the cases of
# perftest-cases.txt on Soft-RoCE, guest B the servers, guest A the clients (over wire 1,
# 10.1.0.2). Each side writes <case>.<server|client>.{out,err,rc} to /mnt/out/perftest (rc 124:
# the case's limit stopped it). scripts/perftest-compare.ts compares them with the fabric.
role=$(sed -n 's/.* role=\([ab]\).*/\1/p' /proc/cmdline)
HERE=$(dirname "$(readlink -f "$0")")
log() { echo "[perftest $role $(cut -d' ' -f1 /proc/uptime)s] $*"; }
if [ ! -e /sys/class/infiniband/rxe0 ]; then
  modprobe rdma_rxe && rdma link add rxe0 type rxe netdev eth0 || { log "no Soft-RoCE"; exit 10; }
  for i in $(seq 100); do grep -q ACTIVE /sys/class/infiniband/rxe0/ports/1/state && break; sleep 0.1; done
fi
OUT=/mnt/out/perftest; mkdir -p "$OUT"
SERVER=10.1.0.2
# Start together: B waits until A connects once to port 18699 (A may still be running the suite
# when B's agent stops), then both walk the cases in order.
if [ "$role" = b ]; then
  timeout 280 busybox nc -l -p 18699 </dev/null >/dev/null || { log "guest A never came"; exit 20; }
else
  for i in $(seq 560); do (exec 3<>"/dev/tcp/$SERVER/18699") 2>/dev/null && break; sleep 0.5; done
fi
log "both guests ready"
n=0
grep -v -E '^\s*(#|$)' "$HERE/perftest-cases.txt" | while read -r name fault limit command args; do
  n=$((n + 1)); port=$((18700 + n))
  args=${args//\{dev\}/rxe0}; args=${args//\{gid\}/1}; args=${args//\{port\}/$port}
  if [ "$role" = b ]; then
    log "$name: server $command $args"
    timeout -k 2 "$limit" $command $args >"$OUT/$name.server.out" 2>"$OUT/$name.server.err"
    echo $? >"$OUT/$name.server.rc"
    continue
  fi
  [ "$fault" = drop-client ] && {
    tc qdisc add dev eth0 root handle 1: prio &&
      tc filter add dev eth0 parent 1: protocol ip prio 1 u32 match ip protocol 17 0xff match ip dport 4791 0xffff action drop ||
      log "$name: could not install the drop filter"
  }
  start=$SECONDS
  # The server may not listen yet: perftest and pingpong exit at once when the connect fails.
  while :; do
    timeout -k 2 "$limit" $command $args $SERVER >"$OUT/$name.client.out" 2>"$OUT/$name.client.err"
    rc=$?
    grep -q -i -E "couldn't connect|connection refused|Unable to open file descriptor|Unable to init the socket connection" "$OUT/$name.client.err" &&
      [ $((SECONDS - start)) -lt 60 ] || break
    sleep 0.5
  done
  echo $rc >"$OUT/$name.client.rc"
  [ "$fault" = drop-client ] && tc qdisc del dev eth0 root 2>/dev/null
  log "$name: client rc=$rc"
done
sync
log "done"
