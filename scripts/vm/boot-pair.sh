#!/bin/bash
# Usage: boot-pair.sh <script> [timeout_s]
# Two guests, 1 vCPU each: role=a (requester, runs the driver) and role=b (responder, runs the
# agent), joined by two point-to-point wires (QEMU -netdev dgram over host loopback UDP), because
# two rxe devices inside one kernel cannot reach each other:
#   wire 1: A eth0 10.1.0.1 <-> B eth0 10.1.0.2 (rxe0)     wire 2: A eth1 10.2.0.1 <-> B eth1 10.2.0.2 (rxe1)
#   wire 3: A eth2 10.3.0.1 <-> B eth2 10.3.0.2, the management network (driver <-> agent), so
#   that a fault taking a path's netdev down never cuts the harness channel
# Logs and result files go to $OUT_DIR/{a,b}. Exit 0 only if both guests' scripts exit 0.
HERE=$(dirname "$(readlink -f "$0")")
VM_DIR=${VM_DIR:-$(readlink -f "$HERE/../..")/.vm}
SCRIPT=$1; TMO=${2:-600}; BASE=${PORTBASE:-21000}
OUT=${OUT_DIR:-$VM_DIR/pair}
rm -rf "$OUT"; mkdir -p "$OUT/a" "$OUT/b"
wire() { echo "-netdev dgram,id=$1,local.type=inet,local.host=127.0.0.1,local.port=$2,remote.type=inet,remote.host=127.0.0.1,remote.port=$3 -device virtio-net-pci,netdev=$1,mac=$4"; }
NA="$(wire w1 $((BASE+11)) $((BASE+12)) 52:54:00:00:01:0a) $(wire w2 $((BASE+21)) $((BASE+22)) 52:54:00:00:02:0a) $(wire w3 $((BASE+31)) $((BASE+32)) 52:54:00:00:03:0a)"
NB="$(wire w1 $((BASE+12)) $((BASE+11)) 52:54:00:00:01:0b) $(wire w2 $((BASE+22)) $((BASE+21)) 52:54:00:00:02:0b) $(wire w3 $((BASE+32)) $((BASE+31)) 52:54:00:00:03:0b)"
OUT_DIR="$OUT/b" NICS_OVERRIDE="$NB" EXTRA_APPEND="role=b ips=10.1.0.2/24,10.2.0.2/24,10.3.0.2/24" \
  "$HERE/boot-guest.sh" "$SCRIPT" "$TMO" > "$OUT/b.log" 2>&1 & pb=$!
OUT_DIR="$OUT/a" NICS_OVERRIDE="$NA" EXTRA_APPEND="role=a ips=10.1.0.1/24,10.2.0.1/24,10.3.0.1/24" \
  "$HERE/boot-guest.sh" "$SCRIPT" "$TMO" > "$OUT/a.log" 2>&1 & pa=$!
wait $pa; ra=$?
wait $pb; rb=$?
clean() { grep -v -E 'iPXE|SeaBIOS|^\s*$|Booting from|^\x1b' "$1"; }
echo "===== guest A (requester, driver) rc=$ra"; clean "$OUT/a.log"
echo "===== guest B (responder, agent) rc=$rb"; clean "$OUT/b.log"
[ $ra -eq 0 ] && [ $rb -eq 0 ]
