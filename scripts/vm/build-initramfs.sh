#!/bin/bash
# A tiny initramfs: busybox plus the modules needed to mount the host's / (virtio-9p, read-only)
# as the lower layer of an overlay with a tmpfs upper, then switch_root into it and run
# guest-init.sh. Everything else (node, rdma-core, the checkout and its built addon) comes from
# the host through 9p, so there are no library closures to copy.
set -euo pipefail
VM_DIR=${VM_DIR:?VM_DIR must be set}
KVER=${KVER:-$(ls "$VM_DIR/kernel/lib/modules" | head -1)}
KROOT=$VM_DIR/kernel
STAGE=$VM_DIR/initramfs.d
rm -rf "$STAGE"; mkdir -p "$STAGE"/{bin,dev,proc,sys,lower,tmproot,newroot,modules}
cp /bin/busybox "$STAGE/bin/busybox"
: > "$STAGE/modules/load.list"
for m in virtio_pci 9pnet_virtio 9p overlay; do
  modprobe -d "$KROOT" -S "$KVER" --show-depends "$m" | awk '$1=="insmod"{print $2}'
done | awk '!seen[$0]++' | while read -r ko; do
  cp "$ko" "$STAGE/modules/"; basename "$ko" >> "$STAGE/modules/load.list"
done
cat > "$STAGE/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for ko in $(cat /modules/load.list); do insmod /modules/$ko || echo "insmod $ko failed"; done
cmd() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
# Read the command line now: /proc moves into the new root below.
GUEST_INIT=$(cmd guest_init)
MODSRC=$(cmd modsrc)
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /lower || { echo "9p mount failed"; poweroff -f; }
mount -t tmpfs -o size=1g tmpfs /tmproot
mkdir -p /tmproot/upper /tmproot/work
mount -t overlay overlay -o lowerdir=/lower,upperdir=/tmproot/upper,workdir=/tmproot/work /newroot || { echo "overlay failed"; poweroff -f; }
for d in proc sys dev; do mount --move /$d /newroot/$d; done
[ -n "$MODSRC" ] && mkdir -p /newroot/usr/lib/modules && mount --bind /newroot$MODSRC /newroot/usr/lib/modules
# /tmp stays the overlay's (writable, in the tmpfs upper): a tmpfs over it would hide a checkout
# that lives under the host's /tmp, as CI's fresh clone may.
mount -t tmpfs tmpfs /newroot/run
mkdir -p /newroot/mnt/out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out /newroot/mnt/out 2>/dev/null || echo "no 'out' share"
exec switch_root /newroot "$GUEST_INIT"
INIT
chmod +x "$STAGE/init"
(cd "$STAGE" && find . | cpio -o -H newc --quiet | gzip -1) > "$VM_DIR/initramfs.cpio.gz"
rm -rf "$STAGE"
echo "initramfs: $(du -h "$VM_DIR/initramfs.cpio.gz" | cut -f1)"
