#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench/qemu.sh CONFIG LOG CMD [APPEND]: boot build/CONFIG/ in QEMU (TCG,
# 2 CPUs, as scripts/boot.sh does) with a private busybox initramfs holding
# the guest scripts, build/bench-module/CONFIG/*.ko (as /modules) and
# build/bench-bin/* (in /bin), run
# CMD, and write the console to LOG (QEMU_EXTRA adds QEMU arguments).  Private paths, so that boots of the
# same configuration by others (which share build/CONFIG/boot.log and
# initramfs.cpio) do not mix with the benchmark.  Fails on an oops, BUG,
# WARNING, panic, timeout, or a guest command that did not exit 0.
. "$(dirname "$0")/../scripts/lib.sh"

cfg=$1 log=$2 cmd=$3 append=${4:-}
kernel=$BUILD/$cfg/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no kernel in build/$cfg"
work=$BUILD/bench-boot/$cfg
rm -rf "$work"
mkdir -p "$work/root"/{bin,dev,proc,sys,tmp,guest,modules}
root=$work/root
cp /bin/busybox "$root/bin/busybox"
cp "$TOP/scripts/guest/init" "$root/init"
cp "$TOP"/scripts/guest/guest-* "$root/guest/"
cp "$BUILD/bench-module/$cfg"/*.ko "$root/modules/" 2>/dev/null || true
# User programs of the benchmark (bench/fork_bench.c), static
cp "$BUILD"/bench-bin/* "$root/bin/" 2>/dev/null || true
printf '%s\n' "$cmd" >"$root/cmd"
chmod +x "$root/init" "$root"/guest/*
(cd "$root" && find . | cpio -o -H newc --quiet) >"$work/initramfs.cpio"

progress "booting x86_64/$cfg in QEMU (TCG, 2 CPUs): $cmd"
set +e
# QEMU_EXTRA: more arguments (the instruction-count mode of make bench).
read -r -d '' -a extra <<<"${QEMU_EXTRA:-}" || true
timeout --foreground -k 10 "${TIMEOUT:-900}" qemu-system-x86_64 -nographic \
	-no-reboot -machine q35 -cpu max -smp 2 -m 1024 -bios qboot.rom "${extra[@]}" \
	-kernel "$kernel" -initrd "$work/initramfs.cpio" \
	-append "console=ttyS0 panic=-1 oops=panic loglevel=7 $append" \
	</dev/null 2>&1 | tr -d '\r' >"$log"
set -e
bad=$(grep -m1 -a -o -E '(Oops|BUG:|kernel BUG|WARNING:|Kernel panic|general protection fault|Unable to handle).*' "$log" || true)
[ -z "$bad" ] || die "$cfg: the kernel reported: $bad (log: $log)"
status=$(sed -n 's/^modslab-guest: exit \([0-9]*\)$/\1/p' "$log" | tail -n 1)
[ -n "$status" ] || die "$cfg: the guest did not finish its command (log: $log)"
[ "$status" -eq 0 ] || die "$cfg: the guest command exited $status (log: $log)"
progress "boot x86_64/$cfg: ok"
