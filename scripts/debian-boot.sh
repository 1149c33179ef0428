#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make debian-boot CONFIG=<name> [CMD='…'] [TIMEOUT=s] [APPEND='kernel args']:
# boot build/<name>/ in QEMU (TCG, 2 CPUs) on the Debian guest (make rootfs)
# with systemd as PID 1; once multi-user.target is reached, run CMD and
# power off.  CMD and the scripts of scripts/guest/ and scripts/guest/debian/
# reach the guest on a second, small virtio disk (on its PATH there, with
# the kernel's tools/mm/slabinfo built statically); the root file system is
# a throwaway overlay of the cached image.  The verdict is make boot's
# (guest_verdict in lib.sh): a kernel report, a failed check, a non-zero
# exit or a timeout fails.  The kernel needs the distribution profile
# (CONFIG=modslab+distro, slub+distro, ...), which builds in the guest's
# disk, file system and what systemd needs.  QEMU_ARGS adds arguments to
# QEMU's (the instruction-count mode of make bench-debian ICOUNT=1).
. "$(dirname "$0")/lib.sh"

CONFIG=${CONFIG:?CONFIG=<name> is required, e.g. CONFIG=modslab+distro}
config_path "$CONFIG" >/dev/null
CMD=${CMD:-guest-debian-tools}
TIMEOUT=${TIMEOUT:-900}
APPEND=${APPEND:-}
SMP=${SMP:-2}
MEM=${MEM:-2048}
RESULT=${RESULT:-debian-$CONFIG}
read -r -d '' -a qemu_args <<<"${QEMU_ARGS:-}" || true
LOG=${LOG:-$BUILD/$CONFIG/debian-boot.log}
kernel=$BUILD/$CONFIG/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no kernel in build/$CONFIG; run 'make kernel CONFIG=$CONFIG'"
grep -q '^CONFIG_VIRTIO_BLK=y' "$BUILD/$CONFIG/.config" &&
	grep -q '^CONFIG_EXT4_FS=y' "$BUILD/$CONFIG/.config" ||
	die "build/$CONFIG has no built-in virtio-blk and ext4 for the Debian guest; use a configuration with +distro (CONFIG=modslab+distro)"
command -v qemu-system-x86_64 >/dev/null && command -v qemu-img >/dev/null ||
	die "qemu-system-x86_64 or qemu-img is missing; run 'make deps'"
need_tree

image=$("$TOP/scripts/rootfs.sh" | tail -n 1)

# tools/mm/slabinfo of the tree, static, so that the guest needs no
# compiler; made again when its source changes.
slabinfo=$BUILD/debian/slabinfo
src=$LINUX/tools/mm/slabinfo.c
mkdir -p "$BUILD/debian"
if [ ! -x "$slabinfo" ] || [ "$src" -nt "$slabinfo" ]; then
	gcc -O2 -Wall -static -o "$slabinfo" "$src" >"$BUILD/debian/slabinfo.log" 2>&1 ||
		{ cat "$BUILD/debian/slabinfo.log" >&2; die "could not build tools/mm/slabinfo (log: build/debian/slabinfo.log)"; }
fi

# The run's disks: an overlay of the root image and the command disk.
run=$(mktemp -d "$BUILD/debian/run-XXXXXX")
trap 'rm -rf "$run"' EXIT
mkdir -p "$run/cmd/guest"
cp "$TOP"/scripts/guest/guest-* "$TOP"/scripts/guest/debian/guest-* "$slabinfo" "$run/cmd/guest/"
chmod +x "$run"/cmd/guest/*
printf '%s\n' "$CMD" >"$run/cmd/cmd"
truncate -s 64M "$run/cmd.img"
mkfs.ext4 -q -F -L modslab-cmd -d "$run/cmd" "$run/cmd.img" ||
	die "mkfs.ext4 -d could not make the command disk"
qemu-img create -q -f qcow2 -b "$image" -F raw "$run/root.qcow2" ||
	die "qemu-img could not make an overlay of $image"

mkdir -p "$(dirname "$LOG")"
progress "booting Debian on x86_64/$CONFIG in QEMU (TCG, $SMP CPUs, timeout ${TIMEOUT}s)"
set +e
timeout --foreground -k 10 "$TIMEOUT" qemu-system-x86_64 -nographic -no-reboot \
	-machine q35 -cpu max -smp "$SMP" -m "$MEM" -bios qboot.rom -nic none \
	"${qemu_args[@]}" \
	-kernel "$kernel" \
	-drive file="$run/root.qcow2",if=virtio,format=qcow2,cache=unsafe \
	-drive file="$run/cmd.img",if=virtio,format=raw,cache=unsafe \
	-append "console=ttyS0 root=/dev/vda rw panic=-1 oops=panic loglevel=7 $APPEND" \
	</dev/null >"$LOG" 2>&1
qrc=$?
set -e
guest_verdict "$LOG" $qrc "$TIMEOUT" "Debian x86_64/$CONFIG" "$RESULT"
