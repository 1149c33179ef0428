#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make boot CONFIG=<name> [CMD='…'] [TIMEOUT=s] [APPEND='kernel args'] [LOG=file]:
# boot build/<name>/ in QEMU (TCG, 2 CPUs) with a busybox initramfs, run CMD
# in the guest, print its output and exit with its status.  An oops, BUG,
# WARNING, panic, failed KUnit case or timeout fails the run.  QEMU_ARGS
# adds arguments to QEMU's (-numa ... for make stress).  NOSKIP=<regex>
# fails the run if a KUnit case of a suite whose name matches is skipped.
. "$(dirname "$0")/lib.sh"

CONFIG=${CONFIG:?CONFIG=<name> is required}
config_path "$CONFIG" >/dev/null
CMD=${CMD:-guest-slabinfo}
TIMEOUT=${TIMEOUT:-600}
APPEND=${APPEND:-}
SMP=${SMP:-2}
RESULT=${RESULT:-boot-$CONFIG}	# name of the counts file in build/results
LOG=${LOG:-$BUILD/$CONFIG/boot.log}
MEM=${MEM:-1024}
read -r -d '' -a qemu_args <<<"${QEMU_ARGS:-}" || true
kernel=$BUILD/$CONFIG/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no kernel in build/$CONFIG; run 'make kernel CONFIG=$CONFIG'"
command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 is missing; run 'make deps' (apt-get install qemu-system-x86)"
[ -x /bin/busybox ] || die "/bin/busybox is missing; run 'make deps' (apt-get install busybox-static)"

# The initramfs: busybox, the init script, the guest scripts and CMD.
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,guest}
cp /bin/busybox "$root/bin/busybox"
cp "$TOP/scripts/guest/init" "$root/init"
cp "$TOP"/scripts/guest/guest-* "$root/guest/"
[ -d "$BUILD/$CONFIG/guest-modules" ] && cp -r "$BUILD/$CONFIG/guest-modules" "$root/modules"
printf '%s\n' "$CMD" >"$root/cmd"
chmod +x "$root/init" "$root"/guest/*
initrd=$root.cpio
trap 'rm -rf "$root" "$initrd"' EXIT
(cd "$root" && find . | cpio -o -H newc --quiet) >"$initrd"

log=$LOG
progress "booting x86_64/$CONFIG in QEMU (TCG, $SMP CPUs, timeout ${TIMEOUT}s)"
set +e
timeout --foreground -k 10 "$TIMEOUT" qemu-system-x86_64 -nographic -no-reboot \
	-machine q35 -cpu max -smp "$SMP" -m "$MEM" -bios qboot.rom \
	-kernel "$kernel" -initrd "$initrd" "${qemu_args[@]}" \
	-append "console=ttyS0 panic=-1 oops=panic loglevel=7 $APPEND" \
	</dev/null >"$log" 2>&1
qrc=$?
set -e
guest_verdict "$log" $qrc "$TIMEOUT" "x86_64/$CONFIG" "$RESULT"
