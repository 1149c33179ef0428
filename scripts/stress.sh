#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make stress: the stress module (stress/) on a MODSLAB and a SLUB kernel
# side by side, in QEMU TCG with 4 CPUs and two NUMA nodes, under CPU
# hotplug, memory pressure and failslab + fail_page_alloc
# (scripts/guest/guest-stress), with a report in build/report/stress.md.
#
# Kernels (KERNELS, pairs of MODSLAB and SLUB): the debug configurations
# (KASAN, KFENCE, lockdep, kmemleak, memcg) with configs/stress.config, then
# with KCSAN (configs/kcsan.config instead of KASAN; KCSAN=0 leaves them out).
# Knobs (environment): OPS (10000000), KCSAN_OPS (OPS), HOTPLUG (20 cycles),
# FAULTS (10 %), FAIL_CREATE (0; 1: the faults fail cache creations too),
# PRESSURE (1), WARMUP (OPS / 10), STRESS_ARGS (more module parameters),
# NUMA (1: two nodes), CPUS (4), MINUTES (0: the load is held at least
# this long, CPU hotplug and the rest going on all the while), TIMEOUT
# (s per boot), REPORT (1: write build/report/stress.md), NOBUILD (1: the
# kernels already built as they are), SIDE_BY_SIDE (1: boot the kernels
# two at a time, in the order of KERNELS, each QEMU on one host thread with
# CPUS / 2 CPUs).  Fails when a run fails.
. "$(dirname "$0")/lib.sh"

OPS=${OPS:-10000000}
KCSAN=${KCSAN:-1}
KCSAN_OPS=${KCSAN_OPS:-$OPS}
HOTPLUG=${HOTPLUG:-20}
FAULTS=${FAULTS:-10}
PRESSURE=${PRESSURE:-1}
WARMUP=${WARMUP:-$((OPS / 10))}
STRESS_ARGS=${STRESS_ARGS:-}
# 1: injected faults fail kmem_cache_create() of the load too
FAIL_CREATE=${FAIL_CREATE:-0}
NUMA=${NUMA:-1}
MINUTES=${MINUTES:-0}
CPUS=${CPUS:-4}
TIMEOUT=${TIMEOUT:-$((7200 + MINUTES * 60))}
REPORT=${REPORT:-1}
KERNELS=${KERNELS:-modslab-debug+stress slub-debug+stress}
[ "$KCSAN" = 1 ] && KERNELS="$KERNELS modslab+kcsan+stress slub+kcsan+stress"
at_once=1
if [ "${SIDE_BY_SIDE:-0}" = 1 ]; then
	at_once=2
	CPUS=$((CPUS / 2))
	# One host thread a QEMU: two at once on the two cores
	THREAD="-accel tcg,thread=single"
fi
# The CPUs in two sockets, two nodes of half of them each
SMP=$(two_node_smp "$CPUS")
MEM=1024
numa_args=$(two_node_args "$CPUS" $MEM)
[ "$NUMA" = 1 ] || numa_args=
numa_args="$numa_args ${THREAD:-}"
# No KUnit at boot; the TSC as clocksource, as for make bench
APPEND_STRESS="kunit.enable=0 tsc=reliable"

report=$BUILD/report
raw=$report/raw
mkdir -p "$raw"

# build_module CONFIG: stress/ built against build/CONFIG in a copy under
# build/stress-module/, then put where scripts/boot.sh takes /modules from.
build_module() {
	local cfg=$1 src=$BUILD/stress-module/$1

	rm -rf "$src"
	mkdir -p "$src" "$BUILD/$cfg/guest-modules"
	cp "$TOP/stress/Kbuild" "$TOP"/stress/*.c "$src/"
	progress "building the stress module against build/$cfg"
	with_build_lock make -C "$LINUX" O="$BUILD/$cfg" ARCH=x86_64 M="$src" \
		CC="ccache gcc" -j"$JOBS" -s W=1 modules >"$src/build.log" 2>&1 ||
		{ tail -n 30 "$src/build.log" >&2; return 1; }
	if grep -q 'warning:' "$src/build.log"; then
		grep 'warning:' "$src/build.log" >&2
		return 1
	fi
	cp "$src/modslab_stress.ko" "$BUILD/$cfg/guest-modules/"
}

# stress_boot CONFIG OPS: the guest run (the caller holds the build lock,
# so that no kernel build competes with the guest for the two cores).
stress_boot() {
	local cfg=$1 ops=$2

	env CONFIG="$cfg" SMP="$SMP" MEM=$MEM QEMU_ARGS="$numa_args" \
		APPEND="$APPEND_STRESS" TIMEOUT="$TIMEOUT" LOG="$raw/stress-$cfg.log" \
		RESULT="stress-$cfg" \
		CMD="HOTPLUG=$HOTPLUG FAULTS=$FAULTS PRESSURE=$PRESSURE MINUTES=$MINUTES WARMUP=$((WARMUP < ops ? WARMUP : ops / 10)) guest-stress ops=$ops fail_create=$FAIL_CREATE $STRESS_ARGS" \
		"$TOP/scripts/boot.sh"
}

"$TOP/scripts/tree.sh"
failed=()
ran=()
for cfg in $KERNELS; do
	rm -f "$raw/stress-$cfg.log"
	if [ "${NOBUILD:-0}" = 1 ] && [ -f "$BUILD/$cfg/arch/x86/boot/bzImage" ]; then
		echo "NOBUILD=1: build/$cfg as it is" >"$raw/kernel-$cfg.out"
	elif ! CONFIG=$cfg "$TOP/scripts/kernel.sh" >"$raw/kernel-$cfg.out" 2>&1; then
		tail -n 8 "$raw/kernel-$cfg.out" >&2
		failed+=("$cfg: kernel build")
		continue
	fi
	if ! build_module "$cfg"; then
		failed+=("$cfg: module build")
		continue
	fi
	ran+=("$cfg")
done

# The runs, at_once kernels at a time under one hold of the build lock
exec 8>"${MODSLAB_BUILD_LOCK:-/tmp/modslab-build.lock}"
for ((i = 0; i < ${#ran[@]}; i += at_once)); do
	flock 8
	pids=()
	for cfg in "${ran[@]:i:at_once}"; do
		ops=$OPS
		[[ $cfg == *kcsan* ]] && ops=$KCSAN_OPS
		progress "stress on $cfg: $ops operations, $HOTPLUG hotplug cycles, $MINUTES minutes, faults $FAULTS %"
		stress_boot "$cfg" "$ops" &
		pids+=($!)
	done
	for j in "${!pids[@]}"; do
		cfg=${ran[i + j]}
		wait "${pids[j]}" || failed+=("$cfg: run (log: build/report/raw/stress-$cfg.log)")
	done
	flock -u 8
done
exec 8>&-

if [ "$REPORT" = 1 ] && [ ${#ran[@]} -gt 0 ]; then
	logs=()
	for cfg in "${ran[@]}"; do logs+=("$raw/stress-$cfg.log"); done
	python3 "$TOP/stress/report.py" "$report/stress.md" "${logs[@]}"
	cat "$report/stress.md"
fi
for f in "${failed[@]}"; do echo "stress failed: $f" >&2; done
progress "stress done"
[ ${#failed[@]} -eq 0 ]
