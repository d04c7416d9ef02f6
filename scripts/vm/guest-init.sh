#!/bin/bash
# PID 1 in a guest (after switch_root onto the overlay): network setup, then the script named by
# guest_script= on the kernel command line; its exit code goes to /mnt/out/rc and the console.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
cmd() { sed -n "s/.*[ ^]$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
SCRIPT=$(cmd guest_script)
export TESTDIR=$(dirname "$SCRIPT")
hostname "rxe-$(cmd role)"
ip link set lo up
modprobe virtio_net
IPS=$(cmd ips | tr ',' ' ')
i=0
for dev in $(ls /sys/class/net | grep -v '^lo$' | sort); do
  ip link set "$dev" up
  set -- $IPS; shift $i 2>/dev/null; [ -n "${1:-}" ] && ip addr add "$1" dev "$dev"
  i=$((i+1))
done
echo "=== guest up: $(uname -r), $(nproc) cpu, uptime $(cut -d' ' -f1 /proc/uptime)s"
bash "$SCRIPT"; rc=$?
[ -d /mnt/out ] && { echo $rc > /mnt/out/rc; sync; }
echo "=== GUEST_EXIT_CODE=$rc uptime $(cut -d' ' -f1 /proc/uptime)s"
echo o > /proc/sysrq-trigger
sleep 5
