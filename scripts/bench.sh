#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: the slabifier against SLUB, with a report in build/report/.
#
# 1. Cache level, QEMU TCG (2 CPUs): the SLUB kernel (which has the
#    framework beside SLUB) loads bench/modslab_bench.ko, which times a
#    slabifier cache and a SLUB cache of each size in the same boot.
# 2. Cache level, UML (1 CPU, native speed): the same module in a UML
#    kernel with the framework, when that kernel builds (UML=0 skips it).
# 3. Whole kernel, QEMU TCG: the MODSLAB kernel and the SLUB kernel booted
#    back to back with the same workload (scripts/guest/guest-bench-system),
#    when the MODSLAB kernel builds (SYSTEM=0 skips it); then a SLUB_TINY
#    kernel (configs/slub-tiny.config) with it too (TINY=0 skips it).
# Then bench/report.py writes bench.md, bench.json and the plots.
#
# 4. The kernel API (kmem_cache_alloc, kmalloc, bulk, kfree_bulk, remote
#    free, kfree_rcu) in instructions: stock SLUB (configs/slub-stock:
#    the framework not built), SLUB with the framework beside it and the
#    MODSLAB kernel, of the distribution profile and of the small
#    configuration (API_PROFILES), under QEMU's icount mode (API=0 skips
#    it), with the differences of their .config files; and the profile's
#    SLUB_TINY for its Slab: after boot (TINY=0 skips that).
# 5. Scale: the same module in the SLUB and the MODSLAB kernel of the
#    distribution profile at 1, 2, 4 and 8 vCPUs, on one NUMA node and on
#    two, in instructions: n allocations then n frees, and the remote
#    free, and fork + exit + wait of a user program (bench/fork_bench.c);
#    and the node list lock's acquisitions in those patterns, in the same
#    kernels with lock statistics (SCALE=0 skips it).
# Knobs (environment): REPS (5), PAIRS (1000000), SIZES (module default),
# BENCH_ARGS (more module parameters), ROUNDS, FILES, IDLE (60 s), WREPS
# (5 runs of each workload), UML, SYSTEM, TINY, API, API_ARGS, SCALE,
# API_PROFILES ('distro small'), CACHE (0: keep the cache-level logs of
# the last run, redo the rest).
# A benchmark reports; it never fails on a figure.
. "$(dirname "$0")/lib.sh"

REPS=${REPS:-5}
PAIRS=${PAIRS:-1000000}
SIZES=${SIZES:-}
BENCH_ARGS=${BENCH_ARGS:-}
ROUNDS=${ROUNDS:-300}
FILES=${FILES:-4000}
IDLE=${IDLE:-60}
WREPS=${WREPS:-5}
UML=${UML:-1}
CACHE=${CACHE:-1}
SYSTEM=${SYSTEM:-1}
TINY=${TINY:-1}
API=${API:-1}
API_ARGS=${API_ARGS:-}
API_PROFILES=${API_PROFILES:-distro small}
SCALE=${SCALE:-1}
scale_sizes=64,1024
scale_params="reps=1 ops=20000 n=64 sizes=$scale_sizes"
scale_forks="500 3"
locks_params="reps=1 ops=20000 n=64"
api_params="reps=3 ops=20000 n=64${API_ARGS:+ $API_ARGS}"
# No KUnit at boot (the figures are the workload's, not the tests'); the
# TSC as clocksource: under TCG the watchdog finds it "skewed" against
# jiffies, which lose ticks, and the jiffies clock has a 4 ms resolution.
APPEND_BENCH="kunit.enable=0 tsc=reliable"

report=$BUILD/report
raw=$report/raw
mkdir -p "$raw"

params="reps=$REPS pairs=$PAIRS${SIZES:+ sizes=$SIZES}${BENCH_ARGS:+ $BENCH_ARGS}"

# build_module CONFIG [ARCH]: the benchmark module against build/CONFIG, in
# a copy of bench/ under build/ so that the sources stay clean.
build_module() {
	local cfg=$1 arch=${2:-x86_64} src=$BUILD/bench-module/$1

	rm -rf "$src"
	mkdir -p "$src"
	cp "$TOP/bench/Kbuild" "$TOP"/bench/*.c "$src/"
	progress "building bench module against build/$cfg"
	with_build_lock make -C "$LINUX" O="$BUILD/$cfg" ARCH="$arch" M="$src" \
		CC="ccache gcc" -j"$JOBS" -s modules >"$src/build.log" 2>&1 ||
		{ tail -n 30 "$src/build.log" >&2; return 1; }
}

# bench_boot CONFIG NAME CMD: boot build/CONFIG with CMD (bench/qemu.sh:
# scripts/boot.sh's QEMU with a private initramfs and log, and the module
# of build/bench-module/CONFIG/ as /modules) while holding the build lock,
# so that no kernel build competes for the two cores.  Log: raw/NAME.log.
bench_boot() {
	with_build_lock "$TOP/bench/qemu.sh" "$1" "$raw/$2.log" "$3" "$APPEND_BENCH"
}

"$TOP/scripts/tree.sh"

# 1. Cache level under QEMU TCG
if [ "$CACHE" = 1 ]; then
	rm -f "$raw"/cache-*
	CONFIG=slub "$TOP/scripts/kernel.sh"
	build_module slub
	progress "cache benchmark in QEMU TCG: $params"
	bench_boot slub cache-tcg "guest-bench $params" ||
		die "the cache benchmark boot failed (log: build/report/raw/cache-tcg.log)"
fi

# 2. Cache level under UML
if [ "$CACHE" != 1 ]; then
	:
elif [ "$UML" = 1 ]; then
	"$TOP/bench/uml.sh" "$params" >"$raw/cache-uml.out" 2>&1 ||
		warn "UML cache benchmark not measured (see build/report/raw/cache-uml.out)"
	tail -n 3 "$raw/cache-uml.out"
else
	echo "not measured: UML=0" >"$raw/cache-uml.status"
fi

# 3. Whole kernel: MODSLAB vs SLUB, back to back, same command
syscmd="guest-bench-system $ROUNDS $FILES $IDLE $WREPS"
rm -f "$raw"/system* "$raw"/kernel-*
if [ "$SYSTEM" != 1 ]; then
	echo "not measured: SYSTEM=0" >"$raw/system.status"
elif ! CONFIG=slub "$TOP/scripts/kernel.sh" ||
     ! CONFIG=modslab "$TOP/scripts/kernel.sh" >"$raw/kernel-modslab.out" 2>&1; then
	tail -n 5 "$raw/kernel-modslab.out" 2>/dev/null || true
	echo "not measured: MODSLAB kernel not available (make kernel CONFIG=modslab failed)" >"$raw/system.status"
	warn "whole-kernel comparison not measured: the MODSLAB kernel does not build"
else
	progress "whole-kernel comparison: SLUB then MODSLAB, '$syscmd'"
	ok=1
	bench_boot slub system-slub "$syscmd" || ok=0
	if ! bench_boot modslab system-modslab "$syscmd"; then
		ok=0
	fi
	# The smallest SLUB, for memory; a missing one leaves its column empty
	if [ "$TINY" = 1 ] && CONFIG=slub-tiny "$TOP/scripts/kernel.sh" >"$raw/kernel-slub-tiny.out" 2>&1; then
		bench_boot slub-tiny system-slub-tiny "$syscmd" ||
			warn "the SLUB_TINY boot failed (see raw/system-slub-tiny.log)"
	elif [ "$TINY" = 1 ]; then
		warn "SLUB_TINY not measured: make kernel CONFIG=slub-tiny failed (raw/kernel-slub-tiny.out)"
	fi
	if [ $ok = 1 ]; then
		echo "measured" >"$raw/system.status"
	else
		echo "not measured: a whole-kernel boot failed (see raw/system-*.log)" >"$raw/system.status"
		warn "whole-kernel comparison incomplete: a boot failed"
	fi
fi

# 4. The kernel API, counted in instructions: modslab_api_bench.ko in the
#    SLUB and the MODSLAB kernel of the distribution profile (the headline)
#    and of the small configuration, each booted under QEMU's icount mode,
#    where the guest TSC counts executed instructions (all vCPUs summed,
#    run one at a time), and with its Slab: after boot.
rm -f "$raw"/api-*
if [ "$API" = 1 ]; then
	for profile in $API_PROFILES; do
		for alloc in slub-stock slub modslab; do
			cfg=$alloc
			[ $profile = distro ] && cfg=$alloc+distro
			if ! CONFIG=$cfg "$TOP/scripts/kernel.sh" >"$raw/api-kernel-$cfg.out" 2>&1 ||
			   ! build_module "$cfg"; then
				tail -n 5 "$raw/api-kernel-$cfg.out" >&2 || true
				warn "API benchmark not measured on $cfg: its kernel or module did not build"
				continue
			fi
			python3 "$TOP/bench/listing.py" "$BUILD/$cfg/vmlinux" \
				>"$raw/api-$profile-$alloc.listing" 2>&1 || true
			progress "API benchmark in instructions on $cfg: $api_params"
			QEMU_EXTRA="-accel tcg,thread=single -icount shift=0,sleep=off" \
				bench_boot "$cfg" "api-$profile-$alloc" "guest-bench-api $api_params" ||
				warn "the API benchmark boot of $cfg failed (log: build/report/raw/api-$profile-$alloc.log)"
		done
		# What the other kernels' configurations change from stock SLUB's
		sfx=
		[ $profile = distro ] && sfx=+distro
		for other in slub modslab; do
			a=$BUILD/slub-stock$sfx/.config b=$BUILD/$other$sfx/.config
			[ -f "$a" ] && [ -f "$b" ] &&
				python3 "$LINUX/scripts/diffconfig" "$a" "$b" \
					>"$raw/api-$profile-config-$other.diff"
		done
	done
	# The profile's SLUB_TINY, for its Slab: after boot (no module)
	cfg=slub+distro+slub-tiny
	if [ "$TINY" = 1 ] && CONFIG=$cfg "$TOP/scripts/kernel.sh" >"$raw/api-kernel-$cfg.out" 2>&1; then
		QEMU_EXTRA="-accel tcg,thread=single -icount shift=0,sleep=off" \
			bench_boot "$cfg" api-distro-slub-tiny "guest-bench-api --memory" ||
			warn "the SLUB_TINY memory boot failed (log: build/report/raw/api-distro-slub-tiny.log)"
	elif [ "$TINY" = 1 ]; then
		warn "SLUB_TINY of the distribution profile not measured: make kernel CONFIG=$cfg failed (raw/api-kernel-$cfg.out)"
	fi
else
	echo "not measured: API=0" >"$raw/api.status"
fi

# 5. Scale.  With icount the vCPUs run one at a time and the counter sums
#    them all, so the figures stay per operation whatever the vCPUs; what
#    grows with CPUs and nodes is the work per operation itself.  Then the
#    same boots of the profile's kernels with CONFIG_LOCK_STAT
#    (configs/lockstat.config), for the node list lock's acquisitions per
#    pattern: lockdep's bookkeeping changes instruction counts, so those
#    kernels count locks only.
rm -f "$raw"/scale-* "$raw"/locks-*
if [ "$SCALE" = 1 ]; then
	# The user program of both kinds (static: the initramfs has no libc)
	mkdir -p "$BUILD/bench-bin"
	gcc -O2 -Wall -static -o "$BUILD/bench-bin/fork_bench" "$TOP/bench/fork_bench.c" ||
		die "bench/fork_bench.c did not build"
	for kind in scale locks; do
		for alloc in slub modslab; do
			cfg=$alloc+distro
			cmd="guest-bench-api $scale_params && fork_bench $scale_forks"
			if [ $kind = locks ]; then
				cfg=$cfg+lockstat
				cmd="guest-bench-lockstat $scale_sizes $locks_params"
			fi
			if ! CONFIG=$cfg "$TOP/scripts/kernel.sh" >"$raw/$kind-kernel-$cfg.out" 2>&1 ||
			   ! build_module "$cfg"; then
				warn "$kind not measured on $cfg: its kernel or module did not build"
				continue
			fi
			for cpus in 1 2 4 8; do
				for nodes in 1 2; do
					[ "$cpus" = 1 ] && [ "$nodes" = 2 ] && continue
					smp="-smp $cpus"
					[ "$nodes" = 2 ] &&
						smp="-smp $(two_node_smp $cpus) $(two_node_args $cpus 1024)"
					progress "$kind on $cfg: $cpus vCPUs, $nodes node(s)"
					QEMU_EXTRA="-accel tcg,thread=single -icount shift=0,sleep=off $smp" \
						bench_boot "$cfg" "$kind-$alloc-$cpus-$nodes" "$cmd" ||
						warn "the $kind boot of $cfg at $cpus vCPUs, $nodes node(s) failed"
				done
			done
		done
	done
fi

progress "writing build/report"
python3 "$TOP/bench/report.py" "$raw" "$report"
progress "bench done: build/report/bench.md"
