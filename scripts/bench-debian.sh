#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench-debian: real programs on the Debian guest (make rootfs), the
# MODSLAB, SLUB and SLUB_TINY kernels of the distribution profile booted
# back to back, DREPS rounds: systemd's boot to multi-user.target, hackbench
# with pipes and sockets, slab-heavy stress-ng stressors with --verify and
# file churn on ext4 (scripts/guest/debian/guest-debian-bench), with Slab:
# at boot, at its peak and after each workload, and the attributes of
# /sys/kernel/slab of each kernel.  Then bench/report.py writes its
# section of build/report/bench.md and bench.json.
# Knobs (environment): KERNELS (modslab+distro slub+distro
# slub+distro+slub-tiny), DREPS (3 rounds), DSECS (5 s a stressor), LOOPS
# (400 hackbench loops), FILES (2000 files of churn), DTIMEOUT (900 s a
# boot).  A benchmark reports; it never fails on a figure, but a boot with
# a kernel report, a failed check or a failed verification fails it.
. "$(dirname "$0")/lib.sh"

KERNELS=${KERNELS:-modslab+distro slub+distro slub+distro+slub-tiny}
DREPS=${DREPS:-3}
DSECS=${DSECS:-5}
LOOPS=${LOOPS:-400}
FILES=${FILES:-2000}
DTIMEOUT=${DTIMEOUT:-900}
for v in DREPS DSECS LOOPS FILES DTIMEOUT; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v=${!v}: a positive whole number"
done
raw=$BUILD/report/raw
mkdir -p "$raw"
rm -f "$raw"/debian-*

"$TOP/scripts/tree.sh"
"$TOP/scripts/rootfs.sh" >/dev/null
kernels=()
for k in $KERNELS; do
	if CONFIG=$k "$TOP/scripts/kernel.sh" >"$raw/debian-kernel-$k.out" 2>&1; then
		kernels+=("$k")
	else
		tail -n 5 "$raw/debian-kernel-$k.out" >&2
		warn "$k not measured: its kernel did not build (build/report/raw/debian-kernel-$k.out)"
	fi
done
[ ${#kernels[@]} -gt 0 ] || die "no kernel of KERNELS='$KERNELS' builds"

# Rounds, each booting every kernel once, so that a drift of the machine
# spreads over all of them; each round starts one kernel further on, so
# that no kernel is always the first to read the image from the host.
# The build lock keeps kernel builds off the two cores meanwhile.
bad=0
cmd="guest-debian-bench $DSECS $LOOPS $FILES; guest-slab-attrs"
nk=${#kernels[@]}
for r in $(seq 1 "$DREPS"); do
	for i in $(seq 0 $((nk - 1))); do
		k=${kernels[$(((r - 1 + i) % nk))]}
		progress "round $r/$DREPS: $k, '$cmd'"
		if ! with_build_lock env CONFIG="$k" CMD="$cmd" TIMEOUT="$DTIMEOUT" \
			APPEND="kunit.enable=0 tsc=reliable" RESULT="debian-bench-$k-$r" \
			LOG="$raw/debian-$k-$r.log" "$TOP/scripts/debian-boot.sh" \
			>"$raw/debian-$k-$r.out" 2>&1; then
			tail -n 8 "$raw/debian-$k-$r.out" >&2
			warn "round $r on $k failed (build/report/raw/debian-$k-$r.log)"
			bad=1
		fi
	done
done
echo "${kernels[*]}" >"$raw/debian.kernels"

progress "writing build/report"
python3 "$TOP/bench/report.py" "$raw" "$BUILD/report" >/dev/null
sed -n '/^## Debian guest/,/^## /p' "$BUILD/report/bench.md" | sed '$d'
progress "bench-debian done: build/report/bench.md"
[ $bad -eq 0 ] || die "a boot of the Debian guest failed; its figures are left out (see the warnings above)"
