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
tr -d '\r' <"$log" >"$log.txt"
mv "$log.txt" "$log"

# What the guest command printed.
sed -n '/^modslab-guest: begin$/,/^modslab-guest: exit/p' "$log" | sed '1d;$d' |
	grep -v -E '^\[ *[0-9]+\.[0-9]+\] ' || true

fail=()
[ $qrc -eq 124 ] || [ $qrc -eq 137 ] && fail+=("timeout after ${TIMEOUT}s")
grep -q -E '(Oops|BUG:|kernel BUG|WARNING:|Kernel panic|general protection fault|Unable to handle)' "$log" &&
	fail+=("the kernel reported: $(grep -m1 -o -E '(Oops|BUG:|kernel BUG|WARNING:|Kernel panic|general protection fault|Unable to handle).*' "$log")")
status=$(sed -n 's/^modslab-guest: exit \([0-9]*\)$/\1/p' "$log" | tail -n 1)
[ -n "$status" ] || fail+=("the guest did not finish its command")

# KUnit results printed by the guest kernel, if any.
kpassed=0 kfailed=0
if grep -q 'KTAP version' "$log"; then
	python3 "$LINUX/tools/testing/kunit/kunit.py" parse "$log" >"$log.kunit" 2>&1 || true
	res=$(kunit_summary "$log.kunit")
	summary=${res% ; *}
	read -r kpassed kfailed <<<"${res##* ; }"
	grep -E '\[(FAILED|CRASHED)\]' "$log.kunit" || true
	echo "KUnit in the guest: ${summary:-no summary}"
	[ $kfailed -eq 0 ] || fail+=("$kfailed KUnit case(s) failed")
	# NOSKIP=<regex>: a skipped case of a suite whose name matches fails.
	if [ -n "${NOSKIP:-}" ]; then
		skipped=$(sed 's/^\[ *[0-9.]*\] //' "$log" | awk -v re="^($NOSKIP)\$" '
			/^    # Subtest: / { suite = $3 }
			/# SKIP/ && suite ~ re { print "  " suite ": " $0 }')
		if [ -n "$skipped" ]; then
			echo "$skipped"
			fail+=("$(echo "$skipped" | wc -l) case(s) of the suites $NOSKIP skipped")
		fi
	fi
fi

# TAP lines of the guest checks ("ok N - …" / "not ok N - …").
gpassed=$(grep -c -E '^ok [0-9]+ - ' "$log" || true)
gfailed=$(grep -c -E '^not ok [0-9]+ - ' "$log" || true)
[ "$gfailed" -eq 0 ] || fail+=("$gfailed guest check(s) failed")
[ -z "$status" ] || [ "$status" -eq 0 ] || fail+=("the guest command exited $status")

mkdir -p "$BUILD/results"
if [ ${#fail[@]} -eq 0 ]; then
	echo "$((kpassed + gpassed + 1)) 0" >"$BUILD/results/$RESULT"
	progress "boot x86_64/$CONFIG: ok (log: ${log#"$TOP"/})"
	exit 0
fi
echo "$((kpassed + gpassed)) $((kfailed + gfailed + 1))" >"$BUILD/results/$RESULT"
echo "---- last lines of the console (${log#"$TOP"/}) ----" >&2
tail -n 40 "$log" >&2
for f in "${fail[@]}"; do echo "boot x86_64/$CONFIG failed: $f" >&2; done
exit 1
