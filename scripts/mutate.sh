#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make mutate [FILES=...] [JOBS=n] [LIMIT=n] [SEED=n]: mutation testing of
# the fast paths.  Small changes to the code (scripts/mutate.py lists the
# operators) are made one at a time, each built and run against the tests;
# a mutant no test notices shows where a test is missing.  Not part of
# make check.
#
#   FILES=a.c,b.h   files of kernel/mm/allocators/ (default: slabifier.h,
#                   slabifier.c, slab_hooks.h, slabulator_objects.h,
#                   kmalloc.c, derive_debug.c)
#   JOBS=n          workers, each with its own copy of the tree and build
#                   directories, each building with make -j1 (default: the
#                   number of CPUs)
#   LIMIT=n         test a sample of n mutants of each file (default 200:
#                   every mutant of the four smaller files, 200 of the
#                   ~780 of slabifier.c and of the ~390 of derive_debug.c;
#                   measured on two cores: 642 mutants in 83 minutes after
#                   the baseline builds, at 4 s a mutant the fuzzer kills,
#                   12 s one that goes to UML, 25 s one that goes on to
#                   x86_64); LIMIT=0 tests all ~1400, about three hours
#   SEED=n          which sample (default 0); the same SEED, LIMIT and
#                   sources give the same mutants
#   FUZZ_RUNS=n     executions of the fuzz target per mutant (default 2000)
#   RESUME=1        keep the results of the last run and test only the
#                   mutants it did not get to
#   RETEST=1        test the last run's survivors again, against the
#                   tests as they are now (a survivor whose line changed
#                   since is no mutant any more: the report names it and
#                   leaves it out); the report then counts them as they
#                   came out
#
# A mutant of slabifier.c, slabifier.h or derive_debug.c is first built
# in user space (tools/testing/modslab) and fuzzed from the seeds with a
# fixed seed; one that the fuzzer kills needs no kernel build.  The others
# are built incrementally into the worker's UML KUnit kernel
# (configs/kunit-modslab.config: the suites that exercise these files)
# and its suites run; a failed or crashed case, a kernel report that the
# unmutated kernel does not print (WARNING, BUG) or a timeout kills it.
# A mutant that UML leaves alive is then built into an x86_64 KUnit kernel
# (configs/kunit-mutate-x86_64.config: ZONE_DMA, two NUMA nodes, two
# CPUs, hardened usercopy) and its suites run under QEMU.
# The build lock is held for the whole run.  Mutants listed in
# tools/testing/modslab/mutants-equivalent.txt are not run.
#
# Results: build/report/mutate.md and mutate.json (per file: total,
# killed, survived, did not build, equivalent, score, and every survivor
# with its diff); logs of each worker in build/mutate/wN/logs/.
. "$(dirname "$0")/lib.sh"
need_tree

WORKERS=${JOBS:-$(nproc)}
LIMIT=${LIMIT:-200}
SEED=${SEED:-0}
FUZZ_RUNS=${FUZZ_RUNS:-2000}
OUT=$BUILD/mutate
REPORT=$BUILD/report
[[ $WORKERS =~ ^[1-9][0-9]*$ ]] || die "JOBS=$WORKERS: a number of workers, at least 1"
[[ $LIMIT =~ ^[0-9]+$ ]] || die "LIMIT=$LIMIT: a number of mutants per file (0: all)"
[[ $FUZZ_RUNS =~ ^[1-9][0-9]*$ ]] || die "FUZZ_RUNS=$FUZZ_RUNS: a number of executions"
command -v clang-14 >/dev/null || die "clang-14 is not installed; run 'make deps'"
command -v rsync >/dev/null || die "rsync is not installed; run 'make deps'"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is not installed; run 'make deps'"

mkdir -p "$OUT" "$REPORT"
# One run at a time: a second one waits for build/mutate to be free
exec 9>"$OUT/.lock"
if ! flock -n 9; then
	echo "mutate: waiting for another mutate run to finish"
	flock 9
fi

# The sources of the run, taken once: the files of kernel/, the fuzz
# build and the KUnit fragments.  Edits made in the checkout while the
# run goes on do not reach it.  Files are copied only when their content
# changed, so that the incremental builds see what changed and no more.
progress "mutate: taking the sources"
snap=$OUT/src.new
rm -rf "$snap"
mkdir -p "$snap/tools/testing"
cp -a "$TOP/kernel" "$TOP/configs" "$snap/"
cp -a "$TOP/tools/testing/modslab" "$snap/tools/testing/"
rm -rf "$snap/tools/testing/modslab/build"
rsync -rlc --delete "$snap/" "$OUT/src/"
rm -rf "$snap"

# The files of kernel/, which a worker copies in instead of the links
# build/linux has (those of build/kernel-files, and any new ones).
(cd "$OUT/src/kernel" && find . -type f -printf '%P\n') | sort >"$OUT/kernel-files"
{ sed 's|^|/|' "$OUT/kernel-files"; sed 's|^|/|' "$BUILD/kernel-files" 2>/dev/null || true; } |
	sort -u >"$OUT/exclude"

workers=()
for ((i = 0; i < WORKERS; i++)); do
	w=$OUT/w$i
	workers+=("$w")
	mkdir -p "$w/linux" "$w/src" "$w/fuzz" "$w/logs"
	# Hard links to build/linux's files (a mutant is written as a new file,
	# never through a link), the KUnit build directories kept.
	rsync -a --delete --link-dest="$LINUX" --exclude=/.git --exclude='/.mutate-*' \
		--exclude-from="$OUT/exclude" "$LINUX/" "$w/linux/"
	rsync -rlc --delete "$OUT/src/" "$w/src/"
	rsync -rlc "$OUT/src/kernel/" "$w/linux/"
	# Files that left kernel/
	if [ -f "$BUILD/kernel-files" ]; then
		comm -23 "$BUILD/kernel-files" "$OUT/kernel-files" | while read -r f; do
			rm -f "$w/linux/$f"
		done
	fi
done
progress "mutate: ${#workers[@]} workers in build/mutate/"

args=(--src "$OUT/src" --workers "$(IFS=,; echo "${workers[*]}")"
      --out "$OUT/results.jsonl" --limit "$LIMIT" --seed "$SEED"
      --fuzz-runs "$FUZZ_RUNS" --files "${FILES:-}")
[ "${RESUME:-0}" = 1 ] && args+=(--resume)
[ "${RETEST:-0}" = 1 ] && args+=(--retest)
set +e
with_build_lock python3 "$TOP/scripts/mutate.py" run "${args[@]}"
rc=$?
set -e
[ $rc -eq 0 ] || die "mutate: the run failed (logs: build/mutate/w*/logs/)"
python3 "$TOP/scripts/mutate.py" report --results "$OUT/results.jsonl" \
	--src "$OUT/src" --out "$REPORT"
progress "mutate: build/report/mutate.md"
