# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the modslab scripts.  Source it; do not run it.

set -euo pipefail

# Debian's tools first: the python3 make deps installs (with ply and git for
# checkpatch) rather than one a user environment may put ahead of it.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/build
LINUX=$BUILD/linux
BASE_TARBALL=/usr/src/linux-source-6.12.tar.xz
BASE_PACKAGE=linux-source-6.12
JOBS=${JOBS:-$(nproc)}
# Paths below the checkout are hashed relative to it, so that two clones
# (and CI's fresh one) share ccache's results.
export CCACHE_BASEDIR=$TOP
T0=${T0:-$(date +%s)}
export T0

die() {
	echo "error: $*" >&2
	exit 1
}

warn() {
	echo "warning: $*" >&2
}

elapsed() {
	local s=$(($(date +%s) - T0))

	printf '%dm%02ds' $((s / 60)) $((s % 60))
}

# progress MESSAGE: one line with the time elapsed since the command began.
progress() {
	echo "== $* … $(elapsed)"
}

# with_build_lock CMD...: run a kernel build while holding the build lock,
# so that two builds never share the two cores of the machine, not even
# two from different checkouts (MODSLAB_BUILD_LOCK names another lock file).
with_build_lock() {
	flock "${MODSLAB_BUILD_LOCK:-/tmp/modslab-build.lock}" "$@"
}

# config_path NAME: the Kconfig fragment of a named configuration, one
# path a line.  NAME may join several fragments with '+' (modslab-debug+stress):
# their paths in that order, the later ones overriding the earlier.
config_path() {
	local name f names

	[ -n "$1" ] && [[ $1 != *++* ]] && [[ $1 != +* ]] && [[ $1 != *+ ]] ||
		die "CONFIG=$1: fragment names joined by '+', none empty"
	IFS=+ read -r -a names <<<"$1"
	for name in "${names[@]}"; do
		f=$TOP/configs/$name.config
		if [ ! -f "$f" ]; then
			echo "error: unknown CONFIG=$name; the configurations are:" \
				"$(cd "$TOP/configs" && ls *.config | sed 's/\.config$//' |
				   grep -v -x -e base -e 'uml-.*' -e 'kunit-.*' | tr '\n' ' ')" >&2
			exit 1
		fi
	done
	for name in "${names[@]}"; do
		echo "$TOP/configs/$name.config"
	done
}

# kunit_summary FILE: "<summary> ; <passed> <failed>" from the closing line
# of kunit.py's parsed output in FILE; crashed cases and errors count as
# failed.  Empty summary and "0 0" when there is no such line.
kunit_summary() {
	local summary n passed failed=0 k

	summary=$(sed -n 's/.*Testing complete\. Ran [0-9]* tests: \(.*\)/\1/p' "$1" | tail -n 1)
	passed=$(echo "$summary" | sed -n 's/.*passed: \([0-9]*\).*/\1/p')
	for k in failed crashed errors; do
		n=$(echo "$summary" | sed -n "s/.*$k: \([0-9]*\).*/\1/p")
		failed=$((failed + ${n:-0}))
	done
	echo "$summary ; ${passed:-0} $failed"
}

# need_tree: fail with the fix if build/linux has not been made.
need_tree() {
	[ -f "$LINUX/.modslab-tree" ] ||
		die "no kernel tree in build/linux; run 'make tree' first"
}

# two_node_smp CPUS: QEMU's -smp value for CPUS vCPUs in two sockets, one
# per NUMA node (the kernel's topology checks refuse one LLC across nodes).
two_node_smp() {
	echo "$1,sockets=2,cores=$(($1 / 2)),threads=1"
}

# two_node_args CPUS MEM: the QEMU arguments that split CPUS vCPUs and MEM
# MiB into two NUMA nodes (an ACPI SRAT, which qboot passes on); with
# -smp "$(two_node_smp CPUS)".
two_node_args() {
	local half=$(($1 / 2)) mem=$(($2 / 2))

	echo "-object memory-backend-ram,id=m0,size=${mem}M" \
		"-object memory-backend-ram,id=m1,size=${mem}M" \
		"-numa node,nodeid=0,cpus=0-$((half - 1)),memdev=m0" \
		"-numa node,nodeid=1,cpus=$half-$(($1 - 1)),memdev=m1"
}

# guest_verdict LOG QEMU_RC TIMEOUT NAME RESULT: judge a guest boot from its
# serial console log (carriage returns are removed from LOG in place).
# Prints what the guest command printed between "modslab-guest: begin" and
# "modslab-guest: exit N", and the failures, with the end of the log; a
# timeout (QEMU_RC 124 or 137), any kernel report (Oops, BUG, WARNING,
# panic, lockdep's, ...), a missing or non-zero exit status, a failed KUnit
# case or a "not ok N - ..." line fails.  NOSKIP=<regex> fails a skipped
# KUnit case of a suite whose name matches (but a case whose name matches
# SKIP_OK=<regex>).  Writes "<passed> <failed>" to
# build/results/RESULT, and why it failed to build/why/RESULT; returns 0
# when the boot passed.
guest_verdict() {
	local log=$1 qrc=$2 timeout=$3 name=$4 result=$5
	local fail=() status kpassed=0 kfailed=0 res summary skipped gpassed gfailed f
	local reports='(Oops|BUG:|kernel BUG|WARNING:|Kernel panic|general protection fault|Unable to handle)'

	tr -d '\r' <"$log" >"$log.txt"
	mv "$log.txt" "$log"

	# What the guest command printed.
	sed -n '/^modslab-guest: begin$/,/^modslab-guest: exit/p' "$log" | sed '1d;$d' |
		grep -v -E '^\[ *[0-9]+\.[0-9]+\] ' || true

	[ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ] && fail+=("timeout after ${timeout}s")
	grep -q -E "$reports" "$log" &&
		fail+=("the kernel reported: $(grep -m1 -o -E "$reports.*" "$log")")
	status=$(sed -n 's/^modslab-guest: exit \([0-9]*\)$/\1/p' "$log" | tail -n 1)
	[ -n "$status" ] || fail+=("the guest did not finish its command")

	# KUnit results printed by the guest kernel, if any: the kernel's
	# lines before user space that are KTAP.  A message of another part of
	# the kernel (a driver probing beside the tests) printed between a
	# suite's "KTAP version" and its "# Subtest:" line makes kunit.py take
	# every suite after it for a level deeper; KUnit indents all it prints
	# but the top level, whose lines are KTAP ones.
	if grep -q 'KTAP version' "$log"; then
		sed '/^modslab-guest: begin$/,$d' "$log" | awk '
			!match($0, /^\[ *[0-9]+\.[0-9]+\] /) { next }
			{ rest = substr($0, RLENGTH + 1) }
			rest ~ /^[ \t]/ || rest ~ /^(KTAP version|TAP version|[0-9]+\.\.[0-9]|(not )?ok [0-9]|#)/' >"$log.ktap"
		python3 "$LINUX/tools/testing/kunit/kunit.py" parse "$log.ktap" >"$log.kunit" 2>&1 || true
		res=$(kunit_summary "$log.kunit")
		summary=${res% ; *}
		read -r kpassed kfailed <<<"${res##* ; }"
		grep -E '\[(FAILED|CRASHED)\]' "$log.kunit" || true
		echo "KUnit in the guest: ${summary:-no summary}"
		[ "$kfailed" -eq 0 ] ||
			fail+=("$kfailed KUnit case(s) failed: $(grep -o -E '\[(FAILED|CRASHED)\] .*' "$log.kunit" | tr '\n' ' ')")
		# NOSKIP=<regex>: a skipped case of a suite whose name matches
		# fails, unless the case's name matches SKIP_OK=<regex>.
		if [ -n "${NOSKIP:-}" ]; then
			skipped=$(sed 's/^\[ *[0-9.]*\] //' "$log" |
				awk -v re="^($NOSKIP)\$" -v ok="${SKIP_OK:-}" '
				/^    # Subtest: / { suite = $3 }
				/# SKIP/ && suite ~ re && (ok == "" || $3 !~ ("^(" ok ")$")) {
					print "  " suite ": " $0
				}')
			if [ -n "$skipped" ]; then
				echo "$skipped"
				fail+=("$(echo "$skipped" | wc -l) case(s) of the suites $NOSKIP skipped:$(echo "$skipped" | tr -s ' \n' ' ')")
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
		echo "$((kpassed + gpassed + 1)) 0" >"$BUILD/results/$result"
		progress "boot $name: ok (log: ${log#"$TOP"/})"
		return 0
	fi
	echo "$((kpassed + gpassed)) $((kfailed + gfailed + 1))" >"$BUILD/results/$result"
	echo "---- last lines of the console (${log#"$TOP"/}) ----" >&2
	tail -n 40 "$log" >&2
	mkdir -p "$BUILD/why"
	for f in "${fail[@]}"; do
		echo "boot $name failed: $f" >&2
		echo "boot $name failed: $f" >>"$BUILD/why/$result"
	done
	return 1
}
