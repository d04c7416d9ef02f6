#!/bin/bash
# Prepares everything the Soft-RoCE guests need, under $VM_DIR (default <repo>/.vm, gitignored):
#   1. host packages (QEMU, rdma-core, libibverbs-dev, perftest, busybox, tc, nftables and
#      libnetfilter-queue-dev for the exact packet filter) unless SKIP_APT=1; apt waits for the dpkg lock
#   2. the Debian kernel .deb, downloaded and unpacked (never installed on the host), its modules
#      pruned to what rdma_rxe, virtio, 9p, overlay, tc and the NFQUEUE filter need
#   3. a busybox initramfs that mounts the host's / read-only (9p) under a tmpfs overlay
# Idempotent: an existing kernel and initramfs are kept while the module list is unchanged
# (FORCE=1 rebuilds them).
set -euo pipefail
HERE=$(dirname "$(readlink -f "$0")")
REPO=$(readlink -f "$HERE/../..")
VM_DIR=${VM_DIR:-$REPO/.vm}
mkdir -p "$VM_DIR"
ts() { echo "[vm-prepare +${SECONDS}s] $*"; }

if [ -z "${SKIP_APT:-}" ]; then
  ts "apt-get install (qemu, rdma-core, libibverbs-dev, busybox, iproute2)"
  apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
    qemu-system-x86 rdma-core ibverbs-utils ibverbs-providers libibverbs-dev perftest \
    busybox-static kmod cpio iproute2 bc g++ make nftables libnetfilter-queue-dev >/dev/null
fi

KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
KVER=${KPKG#linux-image-}
[ -n "$KVER" ] || { echo "vm-prepare: cannot find the Debian kernel package (apt-cache depends linux-image-amd64)"; exit 2; }
# crc32_*: rdma_rxe requests them at run time without a depmod dependency. nf_tables, nft_queue,
# nfnetlink_queue: the exact packet faults (adapters/native/packetFilter.ts).
MODS="virtio_pci virtio_net 9pnet_virtio 9p overlay rdma_rxe ib_uverbs rdma_ucm ib_umad
      sch_ingress cls_flower cls_u32 cls_matchall act_gact sch_netem sch_prio crc32_generic crc32_pclmul
      nf_tables nft_queue nfnetlink_queue"
if [ -n "${FORCE:-}" ] || [ ! -f "$VM_DIR/kernel/boot/vmlinuz-$KVER" ] ||
   [ "$(cat "$VM_DIR/kernel/modules.wanted" 2>/dev/null)" != "$(echo $MODS)" ]; then
  ts "kernel $KPKG: download and prune"
  rm -rf "$VM_DIR/kernel-full" "$VM_DIR/kernel" "$VM_DIR/debs"; mkdir -p "$VM_DIR/debs"
  (cd "$VM_DIR/debs" && apt-get download -q "$KPKG" >/dev/null)
  dpkg-deb -x "$VM_DIR"/debs/"${KPKG}"_*.deb "$VM_DIR/kernel-full"
  depmod -b "$VM_DIR/kernel-full" "$KVER"
  M=lib/modules/$KVER
  mkdir -p "$VM_DIR/kernel/boot" "$VM_DIR/kernel/$M"
  cp "$VM_DIR/kernel-full/boot/vmlinuz-$KVER" "$VM_DIR/kernel/boot/"
  cp "$VM_DIR/kernel-full/$M"/modules.{order,builtin,builtin.modinfo} "$VM_DIR/kernel/$M/"
  for m in $MODS; do modprobe -d "$VM_DIR/kernel-full" -S "$KVER" --show-depends "$m"; done |
    awk '$1=="insmod"{print $2}' | sort -u | while read -r ko; do
      rel=${ko#"$VM_DIR/kernel-full/"}; mkdir -p "$VM_DIR/kernel/$(dirname "$rel")"; cp "$ko" "$VM_DIR/kernel/$rel"
    done
  depmod -b "$VM_DIR/kernel" "$KVER"
  echo $MODS > "$VM_DIR/kernel/modules.wanted"
  rm -rf "$VM_DIR/kernel-full" "$VM_DIR/debs"
  rm -f "$VM_DIR/initramfs.cpio.gz"
fi
ts "kernel $KVER: $(find "$VM_DIR/kernel" -name '*.ko*' | wc -l) modules, $(du -sh "$VM_DIR/kernel" | cut -f1)"
if [ -n "${FORCE:-}" ] || [ ! -f "$VM_DIR/initramfs.cpio.gz" ]; then
  VM_DIR=$VM_DIR KVER=$KVER "$HERE/build-initramfs.sh"
fi
ts "ready: $VM_DIR"
