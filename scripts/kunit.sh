#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make kunit [ARCH=um|x86_64] [SUITES=glob] [KCONFIG=slub|modslab] [EXTRA=fragment] [KARGS='kernel args']:
# run the framework's KUnit suites (mm/allocators/.kunitconfig) with
# kunit.py, print the summary, and fail on any failed or crashed case.
. "$(dirname "$0")/lib.sh"
need_tree

ARCH=${ARCH:-um}
SUITES=${SUITES:-}
KCONFIG=${KCONFIG:-slub}
EXTRA=${EXTRA:-}
# MODSLAB's free hooks write to the object with init_on_free, which is
# what the checks before them protect: test with it on, as hardened
# distributions run.
case ${KARGS+set}/$KCONFIG in
/modslab) KARGS=init_on_free=1 ;;
/*) KARGS= ;;
esac
case $ARCH in
um | x86_64) ;;
*) die "unknown ARCH=$ARCH; use ARCH=um or ARCH=x86_64" ;;
esac
[ -f "$LINUX/mm/allocators/.kunitconfig" ] ||
	die "mm/allocators/.kunitconfig is missing from the tree; run 'make tree'"
frag=$TOP/configs/kunit-$KCONFIG.config
[ -f "$frag" ] || die "unknown KCONFIG=$KCONFIG; there is no configs/kunit-$KCONFIG.config"

name=kunit-$KCONFIG-$ARCH
out=$BUILD/$name
mkdir -p "$out" "$BUILD/results"
args=(run --build_dir="$out" --arch="$ARCH" --jobs="$JOBS" --timeout=900
      --kunitconfig=mm/allocators --kunitconfig="$frag"
      --make_options="CC=ccache gcc")
[ -n "$EXTRA" ] && args+=(--kunitconfig="$(realpath "$EXTRA")")
for karg in $KARGS; do
	args+=(--kernel_args="$karg")
done
if [ "$ARCH" = x86_64 ]; then
	args+=(--kunitconfig="$TOP/configs/kunit-x86_64.config"
	       --qemu_args="-smp 2 -m 1024")
fi
[ -n "$SUITES" ] && args+=("$SUITES")

progress "kunit $KCONFIG/$ARCH: building and running"
log=$BUILD/$name.log
set +e
(cd "$LINUX" && with_build_lock python3 tools/testing/kunit/kunit.py "${args[@]}") >"$log" 2>&1
rc=$?
set -e
# The parsed results: every suite line and the closing summary.
sed -n '/=* \[\(PASSED\|FAILED\|SKIPPED\|CRASHED\)\] .* =*/p; /^\[[0-9:]*\] \(Testing complete\|Elapsed time\)/p; /\[\(FAILED\|CRASHED\)\]/p; /^\[[0-9:]*\] *\(#\|Expected\|but\|ERROR\)/p' "$log" | uniq
read -r passed failed <<<"$(kunit_summary "$log" | sed 's/.* ; //')"
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	failed=1
	tail -n 40 "$log"
	echo "kunit.py failed before reporting results (log: $log)" >&2
fi
echo "$passed $failed" >"$BUILD/results/$name"
progress "kunit $KCONFIG/$ARCH: $passed passed, $failed failed (log: build/$name.log)"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
