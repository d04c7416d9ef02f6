#!/bin/bash
# Usage: boot-guest.sh <script> [timeout_s]
# Boots the pruned Debian kernel under QEMU/TCG (this machine's /dev/kvm cannot run ordinary
# guests) with the host's / shared read-only, runs <script> as root inside, and exits with its
# exit code (124 timeout, 125 no result). OUT_DIR (default: a fresh .vm/out.*) receives the
# guest's result files. NICS_OVERRIDE / EXTRA_APPEND / SMP / MEM tune the guest.
set -uo pipefail
HERE=$(dirname "$(readlink -f "$0")")
VM_DIR=${VM_DIR:-$(readlink -f "$HERE/../..")/.vm}
SCRIPT=$(readlink -f "$1"); TMO=${2:-600}
KVER=$(ls "$VM_DIR/kernel/lib/modules" | head -1)
OUT_DIR=${OUT_DIR:-$(mktemp -d "$VM_DIR/out.XXXXXX")}
mkdir -p "$OUT_DIR"; rm -f "$OUT_DIR/rc"
if [ -n "${NICS_OVERRIDE:-}" ]; then read -r -a NICS <<< "$NICS_OVERRIDE"
else NICS=(-nic user,model=virtio-net-pci); fi
timeout --foreground -k 10 "$TMO" qemu-system-x86_64 \
  -accel tcg,thread=multi -cpu max -m "${MEM:-1024}" -smp "${SMP:-1}" -nographic -no-reboot \
  -kernel "$VM_DIR/kernel/boot/vmlinuz-$KVER" -initrd "$VM_DIR/initramfs.cpio.gz" \
  -append "console=ttyS0 quiet loglevel=4 panic=-1 modsrc=$VM_DIR/kernel/lib/modules guest_init=$HERE/guest-init.sh guest_script=$SCRIPT ${EXTRA_APPEND:-}" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -virtfs local,path="$OUT_DIR",mount_tag=out,security_model=none \
  "${NICS[@]}" </dev/null
qrc=$?
[ $qrc -eq 124 ] && exit 124
[ -f "$OUT_DIR/rc" ] && exit "$(cat "$OUT_DIR/rc")"
exit 125
