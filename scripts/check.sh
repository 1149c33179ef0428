#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check: lint, KUnit under UML, the QEMU boot tests and the Debian
# guest on the MODSLAB kernel of the distribution profile.  Runs every
# step, then prints one line "N passed, M failed" over all KUnit cases,
# boot checks and lint checks.
. "$(dirname "$0")/lib.sh"

s=$TOP/scripts
rm -rf "$BUILD/results" "$BUILD/why"
mkdir -p "$BUILD/results"
steps_failed=()
step() { # step NAME CMD...
	local name=$1

	shift
	if ! "$@"; then
		steps_failed+=("$name")
	fi
}

# make hands CMD, APPEND and QEMU_ARGS to the scripts as typed, '$' and
# all: scripts that print them stand in for those of boot and debian-boot.
# shellcheck disable=SC2016 # the '$' are the point
make_vars() {
	local stub t out rc=0
	local args=(CMD='echo $? $$HOME' APPEND='a=$x' 'QEMU_ARGS=-x $(y) \$$z')
	local want='echo $? $$HOME|a=$x|-x $(y) \$$z'

	stub=$(mktemp -d)
	for t in deps tree boot debian-boot; do
		printf '#!/bin/sh\nprintf "%%s|%%s|%%s\\n" "$CMD" "$APPEND" "$QEMU_ARGS"\n' >"$stub/$t.sh"
		chmod +x "$stub/$t.sh"
	done
	for t in boot debian-boot; do
		out=$(make -s --no-print-directory -C "$TOP" S="$stub" "$t" "${args[@]}" | sort -u)
		if [ "$out" != "$want" ]; then
			echo "make $t ${args[*]}: the scripts got '$out', not '$want'" >&2
			rc=1
		fi
	done
	rm -rf "$stub"
	echo "$((1 - rc)) $rc" >"$BUILD/results/make-vars"
	return $rc
}
step make-vars make_vars

"$s/tree.sh"
# The same suites on a SLUB kernel (framework beside it) and on MODSLAB.
for k in slub modslab; do
	step "kunit-$k-um" env ARCH=um KCONFIG=$k "$s/kunit.sh"
done
# Both kernels boot and pass the same guest checks; MODSLAB has a few more.
for c in slub modslab; do
	cmd=guest-slabinfo
	[ $c = modslab ] && cmd=guest-modslab
	if CONFIG=$c "$s/kernel.sh"; then
		# init_on_*: test_meminit checks the heap is wiped as promised.
		step "boot-$c" env CONFIG=$c CMD=$cmd \
			APPEND="init_on_alloc=1 init_on_free=1" "$s/boot.sh"
		# slab_debug=FZPU for every cache, the kmalloc caches first.
		sdcmd=true
		[ $c = modslab ] && sdcmd=guest-slabdebug
		step "boot-$c-slab-debug" env CONFIG=$c RESULT=boot-$c-slab-debug \
			LOG="$BUILD/$c/boot-slab-debug.log" CMD=$sdcmd \
			APPEND="init_on_alloc=1 init_on_free=1 slab_debug=FZPU" "$s/boot.sh"
		if [ $c = modslab ]; then
			step boot-modslab-options env CONFIG=modslab RESULT=boot-modslab-options \
				LOG="$BUILD/modslab/boot-options.log" \
				APPEND="kunit.enable=0 slab_debug=FZQ,filp,no_such_cache;-,dentry;P slab_min_order=99 slab_max_order=2 slab_nomerge" \
				CMD="guest-bootopts; guest-idle" "$s/boot.sh"
			step boot-modslab-backing env CONFIG=modslab RESULT=boot-modslab-backing \
				LOG="$BUILD/modslab/boot-backing.log" \
				APPEND="kunit.enable=0 modslab.backing=filp:debug(FZP),rcu;dentry:rcu modslab.backing=names_cache:reserve(2);inode_cache:node(0);nosuch*:rcu;xyz:bogus;task_struct:debug(Q)" \
				CMD=guest-backing "$s/boot.sh"
			step boot-modslab-slab-debug-named env CONFIG=modslab \
				RESULT=boot-modslab-slab-debug-named \
				LOG="$BUILD/modslab/boot-slab-debug-named.log" \
				APPEND="slab_debug=FZPU,kmalloc-64,kmalloc-1k,kmalloc-8k" \
				CMD="guest-slabdebug 'kmalloc-64 kmalloc-1k kmalloc-8k'" "$s/boot.sh"
		fi
	else
		steps_failed+=("kernel-$c")
		echo "0 1" >"$BUILD/results/kernel-$c"
	fi
done
# test_meminit under slab_debug=FZPU: poisoned caches are not wiped at
# allocation (slab_want_init_on_alloc()), so some of its checks fail under
# SLUB too; MODSLAB must give exactly SLUB's results.
meminit() { grep -o 'test_meminit: .*' "$BUILD/$1/boot-slab-debug.log" 2>/dev/null || true; }
if [ -n "$(meminit slub)" ] && [ "$(meminit slub)" = "$(meminit modslab)" ]; then
	echo "1 0" >"$BUILD/results/slab-debug-meminit"
else
	echo "test_meminit under slab_debug=FZPU differs from SLUB's:" >&2
	diff <(meminit slub) <(meminit modslab) >&2 || true
	echo "0 1" >"$BUILD/results/slab-debug-meminit"
	steps_failed+=(slab-debug-meminit)
fi

# The distribution profile with lockdep, two NUMA nodes and memcg: every
# modslab suite runs (none may skip but the allocation profiling cases),
# CPU hotplug cycles among them, with init_on_free so that the free hooks
# write to what they free.
c=modslab+distro+lockdep
if CONFIG=$c "$s/kernel.sh"; then
	# Allocation profiling is not in the distribution profile: its cases
	# run in the UML kernel only.
	step boot-$c env CONFIG=$c SMP="$(two_node_smp 2)" MEM=2048 NOSKIP='modslab_.*' \
		SKIP_OK='cache_alloc_tags|move_keeps_alloc_tag' \
		APPEND="init_on_free=1" \
		QEMU_ARGS="$(two_node_args 2 2048)" \
		CMD=guest-modslab TIMEOUT=1200 "$s/boot.sh"
	# The Debian guest on the same kernel (its KUnit suites ran just
	# above): systemd to multi-user.target under lockdep, a short
	# stress-ng run with --verify, slabtop and slabinfo in each mode.
	step debian-$c env CONFIG=$c RESULT=debian-$c LOG="$BUILD/$c/debian-boot.log" \
		APPEND=kunit.enable=0 CMD="guest-debian-tools 10" TIMEOUT=900 \
		"$s/debian-boot.sh"
	# trinity on the same kernel for 3 minutes as an unprivileged user:
	# no kernel report may come of it (make fuzz-syscalls, bounded).
	step fuzz-syscalls env KERNELS=$c MINUTES=3 NOBUILD=1 "$s/fuzz-syscalls.sh"
else
	steps_failed+=("kernel-$c")
	echo "0 1" >"$BUILD/results/kernel-$c"
fi
# The stress module of make stress, bounded (about 90 s a kernel), on the
# distribution profile's lockdep kernel of above, SLUB beside it: CPUs
# allocating and freeing across each other with memcg charges, while the
# guest switches the chains of the module's caches back and forth, reads
# all their sysfs files, shrinks them (which moves the objects of the
# movable cache), takes a CPU off and on line, fills memory and fails
# allocations (failslab), then destroys a cache whose file it holds open.
step stress env KERNELS="modslab+distro+lockdep slub" KCSAN=0 CPUS=2 OPS=300000 \
	HOTPLUG=3 REPORT=0 "$s/stress.sh"
step fuzz env FUZZ_RUNS=40000 FUZZ_SEED=1 FUZZ_FRESH=1 "$s/fuzz.sh"
# The same core with the free lists encoded and shuffled
step fuzz-hardened env FUZZ_RUNS=20000 FUZZ_SEED=1 FUZZ_FRESH=1 FUZZ_HARDENED=1 "$s/fuzz.sh"
step lint env LINT_BUILD="slub modslab" "$s/lint.sh"

passed=0 failed=0
for r in "$BUILD"/results/*; do
	read -r p f <"$r"
	passed=$((passed + p))
	failed=$((failed + f))
done
[ ${#steps_failed[@]} -eq 0 ] || echo "failed steps: ${steps_failed[*]}"
# The reasons the boots gave, again at the end where a short log shows them
cat "$BUILD"/why/* 2>/dev/null || true
progress "check finished"
echo "$passed passed, $failed failed"
[ ${#steps_failed[@]} -eq 0 ] && [ $failed -eq 0 ]
