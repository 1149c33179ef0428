#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz: build the modslab core in user space with ASan, UBSan and
# libFuzzer (tools/testing/modslab/) and fuzz it, in one process.
#
#   FUZZ_RUNS=n      executions to run (default 220000, about ten minutes)
#   FUZZ_SECONDS=s   run for s seconds instead (make check: 90)
#   FUZZ_PATCH=file  build the core from copies patched with file (a patch
#                    from the top of the repository), e.g. to check that a
#                    planted bug is caught; the tree is not touched
#   FUZZ_HARDENED=1  build with CONFIG_SLAB_FREELIST_HARDENED and _RANDOM
#   FUZZ_SEED=n      libFuzzer's random seed (default: a new one each run)
#   FUZZ_FRESH=1     start from the seeds alone, in a corpus of this run, not
#                    from build/fuzz/corpus: with FUZZ_SEED and FUZZ_RUNS the
#                    run is the same on every machine (make check)
#
# The corpus stays in build/fuzz/corpus; crashing inputs go to
# build/fuzz/crashes/ (replay one with build/fuzz/modslab-fuzz <file>, with
# MODSLAB_FUZZ_TRACE=1 MODSLAB_PRINTK=1 to see each step and message).
# Writes "1 0" (passed) or "0 1" (failed) to build/results/fuzz (or
# fuzz-hardened).
. "$(dirname "$0")/lib.sh"

OUT=$BUILD/fuzz
RESULT=$BUILD/results/fuzz
[ "${FUZZ_HARDENED:-0}" = 1 ] && RESULT+=-hardened
mkdir -p "$OUT/corpus" "$OUT/crashes" "$BUILD/results"
# One run at a time: a second one waits for build/fuzz to be free
exec 9>"$OUT/.lock"
if ! flock -n 9; then
	echo "fuzz: waiting for another fuzz run to finish"
	flock 9
fi

fail() {
	echo "0 1" >"$RESULT"
	die "$@"
}

command -v clang-14 >/dev/null ||
	fail "clang-14 is not installed; run 'make deps'"
[ -z "${FUZZ_PATCH:-}" ] || [ -f "$FUZZ_PATCH" ] ||
	fail "FUZZ_PATCH=$FUZZ_PATCH: no such file"

progress "fuzz: building the core in user space"
patch_arg=()
[ -z "${FUZZ_PATCH:-}" ] || patch_arg=(PATCH="$(realpath "$FUZZ_PATCH")")
# A patched build must not share objects with the plain one
rm -rf "$OUT/obj" "$OUT/src"
if ! make -s -C "$TOP/tools/testing/modslab" O="$OUT" "${patch_arg[@]}" \
	HARDENED="${FUZZ_HARDENED:-0}" \
	-j"$JOBS" >"$OUT/build.log" 2>&1; then
	tail -n 30 "$OUT/build.log" >&2
	fail "the fuzz target does not build (log: $OUT/build.log); a core file may use a kernel primitive tools/testing/modslab/shim/ lacks"
fi
rm -rf "$OUT/seeds"
mkdir -p "$OUT/seeds"
"$OUT/gen-corpus" "$OUT/seeds"
# Inputs that once found a bug, kept as found
cp "$TOP"/tools/testing/modslab/regressions/* "$OUT/seeds/"

if [ -n "${FUZZ_SECONDS:-}" ]; then
	limit=(-max_total_time="$FUZZ_SECONDS")
	what="$FUZZ_SECONDS seconds"
else
	limit=(-runs="${FUZZ_RUNS:-220000}")
	what="${FUZZ_RUNS:-220000} executions"
fi
progress "fuzz: $what"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
log=$OUT/fuzz.log
t0=$(date +%s)
set +e
corpus=$OUT/corpus
if [ "${FUZZ_FRESH:-0}" = 1 ]; then
	corpus=$OUT/corpus-fresh
	rm -rf "$corpus"
	mkdir -p "$corpus"
fi
seed=()
[ -z "${FUZZ_SEED:-}" ] || seed=(-seed="$FUZZ_SEED")
"$OUT/modslab-fuzz" "${limit[@]}" "${seed[@]}" -timeout=60 -rss_limit_mb=4096 \
	-max_len=4096 -print_final_stats=1 -artifact_prefix="$OUT/crashes/" \
	"$corpus" "$OUT/seeds" >"$log" 2>&1
rc=$?
set -e
t=$(($(date +%s) - t0))

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
totals=$(grep -a '^modslab-fuzz: ' "$log" | tail -n 1 || true)
findings=$(grep -a -c -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|^modslab (fuzz|shim):' \
	"$log" || true)
echo "fuzz: ${execs:-0} executions in ${t}s; ${totals#modslab-fuzz: }"
echo "fuzz: $findings sanitizer or invariant findings (log: $log)"
if [ $rc -ne 0 ] || [ "$findings" -ne 0 ]; then
	grep -a -E -A 12 'ERROR: |runtime error:|^modslab (fuzz|shim):' "$log" | head -n 40 >&2
	fail "fuzzing found a problem; the input is in $OUT/crashes/"
fi
echo "1 0" >"$RESULT"
